"""Plain text from HTML, for the text part of an email and for non-HTML channels."""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass, field
from html.parser import HTMLParser

_BLOCK = {
    *("p", "div", "li", "ul", "ol", "dl", "dt", "dd", "caption", "hr", "pre", "blockquote"),
    *("h1", "h2", "h3", "h4", "h5", "h6"),
    *("section", "article", "header", "footer", "nav", "aside", "main", "figure", "address"),
}
_LIST_ITEM_MARK = "- "
_SKIP = {"script", "style", "head", "title"}
_CELL = {"td", "th"}
_ROW_END = {"tr", "thead", "tbody", "tfoot"}
_CELL_SEPARATOR = " | "
# Links whose address a reader can use from plain text; others (javascript:, relative,
# fragments) keep only their text.
_LINK_SCHEMES = {"http", "https", "mailto", "tel"}
_URL_NOISE = re.compile(r"[\t\n\r]")
_PHONE_NOISE = re.compile(r"[\s().-]")
# Invisible characters email templates pad their preheaders with; a plain-text reader
# would see nothing where the HTML shows nothing, not stray marks in an SMS.
_SOURCE_SPACE = re.compile(r"[ \t\n\r\f]+")  # not \s: a non-breaking space is kept
_INVISIBLE = re.compile("[\u00ad\u034f\u200b-\u200d\u2060\ufeff]")


def _tidy(text: str) -> str:
    text = re.sub(r"[ \t\r\f\v]+", " ", text)
    text = re.sub(r" *\n *", "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def _bare(address: str, scheme: str) -> str:
    """An address as compared with a link's text: no scheme, no trailing slash, and a
    phone number without its spacing."""
    address = re.sub(r"^(https?://|mailto:|tel:)", "", address.strip(), flags=re.IGNORECASE)
    if scheme == "tel":
        address = _PHONE_NOISE.sub("", address)
    return address.rstrip("/").lower()


def _link_text(text: str, href: str) -> str:
    """What stands for a link in plain text: its text with the address when the address
    says more, e.g. "Reset your password (https://ex.com/r/abc)"."""
    scheme, colon, _ = href.partition(":")
    scheme = scheme.lower()
    if not colon or scheme not in _LINK_SCHEMES:
        return text
    if not text.strip():
        return href
    if _bare(text, scheme) == _bare(href, scheme):
        return text
    return f"{text} ({href})"


@dataclass
class _Link:
    href: str
    into: list[str]
    start: int


@dataclass
class _Table:
    into: list[str]
    rows: list[str] = field(default_factory=list)
    row: list[str] | None = None
    cell: list[str] | None = None


class _TextExtractor(HTMLParser):
    """Text with block elements on their own lines, table rows on their own lines with
    their cells separated, and link addresses kept after the link's text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip_depth = 0
        self._link: _Link | None = None
        self._tables: list[_Table] = []
        self._item_pending = False
        self._pre_depth = 0

    @property
    def _into(self) -> list[str]:
        if not self._tables:
            return self.parts
        table = self._tables[-1]
        # Text in a table but outside its cells shows before the table in a browser.
        return table.cell if table.cell is not None else table.into

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self._skip_depth += 1
        elif self._skip_depth:
            return
        elif tag in _BLOCK or tag == "br":
            self._into.append("\n")
            # Marked before its first text, which may come after a <p> of its own.
            self._item_pending = self._item_pending or tag == "li"
            self._pre_depth += tag == "pre"
        elif tag == "img":
            # An image's alt text is what a reader without images sees (a logo's name, a
            # button drawn as an image); decorative ones have none.
            self._text((dict(attrs).get("alt") or "").strip())
        elif tag == "a":
            self._end_link()  # links do not nest: a new one ends the open one
            # As a browser reads it: no line breaks or tabs, spaces inside as %20.
            href = _URL_NOISE.sub("", dict(attrs).get("href") or "").strip()
            href = href.replace(" ", "%20")
            into = self._into
            self._link = _Link(href, into, len(into))
        elif tag == "table":
            self._tables.append(_Table(self._into))
        elif self._tables:
            table = self._tables[-1]
            if tag in _ROW_END:
                self._end_row(table)
                if tag == "tr":
                    table.row = []
            elif tag in _CELL:
                self._end_cell(table)
                if table.row is None:
                    table.row = []
                table.cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP and self._skip_depth:
            self._skip_depth -= 1
        elif self._skip_depth:
            return
        elif tag in _BLOCK:
            self._item_pending = False  # an empty item is not marked
            self._pre_depth -= tag == "pre" and self._pre_depth > 0
            if tag != "li":  # a list's items are on consecutive lines
                self._into.append("\n")
        elif tag == "a":
            self._end_link()
        elif tag == "table" and self._tables:
            self._end_table()
        elif self._tables:
            table = self._tables[-1]
            if tag in _ROW_END:
                self._end_row(table)
            elif tag in _CELL:
                self._end_cell(table)

    def handle_data(self, data: str) -> None:
        if self._skip_depth:
            return
        if self._tables and self._tables[-1].cell is None and not data.strip():
            return  # the indentation between a table's tags
        if not self._pre_depth:
            data = _SOURCE_SPACE.sub(" ", data)  # as a browser shows it: one space
        self._text(_INVISIBLE.sub("", data.replace("\xa0", " ")))

    def _text(self, text: str) -> None:
        if self._item_pending and text.strip():
            self._into.append(_LIST_ITEM_MARK)
            self._item_pending = False
            text = text.lstrip()
        self._into.append(text)

    def close(self) -> None:
        super().close()
        while self._tables:
            self._end_table()
        self._end_link()

    def _end_link(self) -> None:
        link, self._link = self._link, None
        if link is None:
            return
        text = "".join(link.into[link.start :])
        del link.into[link.start :]
        link.into.append(_link_text(text, link.href))

    def _end_cell(self, table: _Table) -> None:
        if table.cell is None:
            return
        if self._link is not None and self._link.into is table.cell:
            self._end_link()
        text = _tidy("".join(table.cell))
        table.cell = None
        if text and table.row is not None:
            table.row.append(text)

    def _end_row(self, table: _Table) -> None:
        self._end_cell(table)
        if table.row:
            table.rows.append(_CELL_SEPARATOR.join(table.row))
        table.row = None

    def _end_table(self) -> None:
        table = self._tables[-1]
        self._end_row(table)
        self._tables.pop()
        if table.rows:
            table.into.append("\n" + "\n".join(table.rows) + "\n")


def html_to_text(markup: str) -> str:
    """The text a reader sees in `markup`, for plain-text channels and the text part of
    an email: paragraphs, list items ("- ") and table rows on their own lines, cells
    separated by " | ", links as "text (address)" for http(s), mailto and tel addresses,
    images as their alt text."""
    parser = _TextExtractor()
    parser.feed(markup)
    parser.close()
    # The parser has already replaced character references (convert_charrefs), so the
    # text is not unescaped again: "&amp;lt;" is "&lt;" to the reader.
    return _tidy("".join(parser.parts))


# What NFKD leaves non-ASCII that has a usual ASCII spelling.
_ASCII = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u2032": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u2033": '"',
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2212": "-",
        "\u2044": "/",
        "\u2022": "*",
        "\u00a0": " ",
        "\u00ab": '"',
        "\u00bb": '"',
        "\u00df": "ss",
        "\u00e6": "ae",
        "\u00c6": "AE",
        "\u00f8": "o",
        "\u00d8": "O",
        "\u0153": "oe",
        "\u0152": "OE",
        "\u0111": "d",
        "\u0110": "D",
        "\u0142": "l",
        "\u0141": "L",
        "\u00fe": "th",
        "\u00de": "TH",
        "\u20ac": "EUR",
    }
)


def to_ascii(text: str) -> str:
    """Text in ASCII (seed 002: an SMS body "is ASCII encoded"): accents dropped
    ("Grüße" -> "Grusse"), typographic quotes and dashes as their ASCII forms, anything
    else with no ASCII spelling as "?"."""
    decomposed = unicodedata.normalize("NFKD", text).translate(_ASCII)
    kept = "".join(c for c in decomposed if not unicodedata.combining(c))
    return kept.encode("ascii", "replace").decode("ascii")


def text_to_html(text: str) -> str:
    """Plain text as HTML (seed 002: an email body "is HTML encoded"): escaped, with its
    line breaks kept."""
    return html.escape(text).replace("\n", "<br>\n")
