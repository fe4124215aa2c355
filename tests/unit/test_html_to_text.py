"""html_to_text (core/text.py): the plain text of an HTML body, which is an email's
text/plain part and the SMS, push and in-app body of HTML-only content."""

from __future__ import annotations

import pytest
from herald.core.channel import Channel
from herald.core.message import MessageBody, MessageRequest, content_of
from herald.core.text import html_to_text


def test_a_reset_email_keeps_its_link_its_table_and_plain_spaces() -> None:
    markup = (
        "<p>Hi Bo,</p>"
        '<p><a href="https://ex.com/r/abc123">Reset your password</a></p>'
        "<table><tr><td>Item</td><td>Price</td></tr><tr><td>Widget</td><td>9.99</td></tr></table>"
        "<p>Kind&nbsp;&nbsp;regards</p>"
    )
    assert html_to_text(markup) == (
        "Hi Bo,\n\n"
        "Reset your password (https://ex.com/r/abc123)\n\n"
        "Item | Price\n"
        "Widget | 9.99\n\n"
        "Kind regards"
    )


@pytest.mark.parametrize(
    ("markup", "text"),
    [
        ('<a href="https://ex.com/r?a=1&amp;b=2">Reset</a>', "Reset (https://ex.com/r?a=1&b=2)"),
        ('<a href="http://ex.com/"><b>Open</b> it</a>', "Open it (http://ex.com/)"),
        ('<a href="mailto:help@ex.com">Write to us</a>', "Write to us (mailto:help@ex.com)"),
        ('<a href="tel:+4512345678">Call us</a>', "Call us (tel:+4512345678)"),
        ('<a href="HTTPS://ex.com/x">Go</a>', "Go (HTTPS://ex.com/x)"),
        # A link whose text is its address is there once.
        ('<a href="https://ex.com/r/abc">https://ex.com/r/abc</a>', "https://ex.com/r/abc"),
        ('<a href="https://ex.com/">ex.com</a>', "ex.com"),
        ('<a href="mailto:help@ex.com">help@ex.com</a>', "help@ex.com"),
        ('<a href="tel:+4512345678">+45 12 34 56 78</a>', "+45 12 34 56 78"),
        # A link with no text (an image button) is its address.
        ('<a href="https://ex.com/r"><img src="button.png"></a>', "https://ex.com/r"),
        # Addresses no reader can use from plain text: the text alone.
        ('<a href="javascript:alert(1)">Click</a>', "Click"),
        ('<a href=" JavaScript:alert(1)">Click</a>', "Click"),
        ('<a href="">Empty</a>', "Empty"),
        ("<a>Anchor</a>", "Anchor"),
        ('<a href="/relative">Relative</a>', "Relative"),
        ('<a href="#top">Top</a>', "Top"),
        # As a browser reads the address: no line breaks or tabs, inner spaces as %20.
        ('<a href=" https://ex.com/r\n?a=1\t ">Go</a>', "Go (https://ex.com/r?a=1)"),
        ('<a href="https://ex.com/my file">Go</a>', "Go (https://ex.com/my%20file)"),
        # An unclosed link ends where the text does.
        ('<p>See <a href="https://ex.com/">the site', "See the site (https://ex.com/)"),
    ],
)
def test_links(markup: str, text: str) -> None:
    assert html_to_text(markup) == text


@pytest.mark.parametrize(
    ("markup", "text"),
    [
        # Indented markup; a header row; implied end tags.
        (
            "<table>\n  <tr>\n    <th>Item</th>\n    <th>Qty</th>\n  </tr>\n"
            "  <tr>\n    <td>Widget</td>\n    <td>2</td>\n  </tr>\n</table>",
            "Item | Qty\nWidget | 2",
        ),
        ("<table><tr><td>a<td>b<tr><td>c<td>d</table>after", "a | b\nc | d\nafter"),
        (
            "<table><thead><tr><th>x</th></tr></thead><tbody><tr><td>1</td></tr></tbody></table>",
            "x\n1",
        ),
        # A layout table: spacer cells are not cells of text; paragraphs stay paragraphs.
        (
            '<table><tr><td width="20">&nbsp;</td><td><p>Hello</p><p>World</p></td>'
            "<td></td></tr></table>",
            "Hello\n\nWorld",
        ),
        (
            "<p>Before</p><table><tr><td>a</td><td>b</td></tr></table><p>After</p>",
            ("Before\n\na | b\n\nAfter"),
        ),
        # A table in a cell, a link in a cell, an unclosed table.
        (
            "<table><tr><td><table><tr><td>x</td><td>y</td></tr></table></td><td>z</td></tr>"
            "</table>",
            "x | y | z",
        ),
        (
            '<table><tr><td><a href="https://ex.com/o/1">Order 1</a></td><td>Paid</td></tr>'
            "</table>",
            "Order 1 (https://ex.com/o/1) | Paid",
        ),
        ('<table><tr><td><a href="https://ex.com/">Go</td><td>b', "Go (https://ex.com/) | b"),
    ],
)
def test_tables(markup: str, text: str) -> None:
    assert html_to_text(markup) == text


@pytest.mark.parametrize(
    ("markup", "text"),
    [
        # What it did before links and tables, and still does.
        ("<p>Hello <b>Ana</b>,</p><p>your code is 42.</p>", "Hello Ana,\n\nyour code is 42."),
        ("a<br>b", "a\nb"),
        ("a<br><br>b", "a\n\nb"),
        ("<head><title>T</title><style>p {}</style></head><script>x()</script><p>ok</p>", "ok"),
        ("<p>  lots   of \t space  </p>", "lots of space"),
        ("<p>a &lt; b &amp; c &eacute;</p>", "a < b & c é"),
        # Non-breaking spaces are plain spaces.
        ("Kind&nbsp;regards\u00a0Bo", "Kind regards Bo"),
        # A self-closed <br/> is one line break, as <br> is.
        ("a<br/>b", "a\nb"),
        # Character references are replaced once: the reader sees "&lt;", not "<".
        ("<p>Type &amp;lt; for &lt;</p>", "Type &lt; for <"),
    ],
)
def test_text(markup: str, text: str) -> None:
    assert html_to_text(markup) == text


@pytest.mark.parametrize(
    ("markup", "text"),
    [
        # List items on consecutive lines, each marked, however the source is laid out.
        ("<h1>Title</h1><ul><li>one</li><li>two</li></ul>", "Title\n\n- one\n- two"),
        ("<ul>\n  <li>one</li>\n  <li>two</li>\n</ul>", "- one\n- two"),
        ("<ol><li><p>one</p></li><li></li><li>two</li></ol>after", "- one\n\n- two\nafter"),
        # Line breaks in the source are spaces, as a browser shows them, except in <pre>.
        ("<p>Hi\nthere,\n  Bo</p>", "Hi there, Bo"),
        ("<pre>line 1\nline 2</pre>", "line 1\nline 2"),
        # Sections, rules and quotes start lines of their own.
        ("<section>a</section><hr>b<blockquote>c</blockquote>d", "a\n\nb\nc\nd"),
        # An image is its alt text: a logo's name, a button drawn as an image.
        ('<img src="logo.png" alt="Acme"><p>Hi<img src="s.gif"></p>', "Acme\nHi"),
        (
            '<a href="https://ex.com/ok"><img src="b.png" alt="Confirm"></a>',
            "Confirm (https://ex.com/ok)",
        ),
        # A preheader's invisible padding leaves nothing behind.
        ("<div>Preview&zwnj;&nbsp;&#847;&zwnj;&#8203;&shy;</div>Body", "Preview\nBody"),
    ],
)
def test_lists_sources_and_images(markup: str, text: str) -> None:
    assert html_to_text(markup) == text


def test_an_html_only_custom_body_sends_its_links_by_sms() -> None:
    """Seed 002's message_body with only html: the SMS is its text, in ASCII."""
    body = MessageBody(
        "Reset",
        "",
        '<p>Hi&nbsp;Bo, <a href="https://ex.com/r/abc">reset your password</a>.</p>',
    )
    content = content_of(MessageRequest("", "", (Channel.SMS,), message_body=body))
    assert content.parts[Channel.SMS].text == "Hi Bo, reset your password (https://ex.com/r/abc)."
