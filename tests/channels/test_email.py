"""The email adapter against a real aiosmtpd server on 127.0.0.1."""

from __future__ import annotations

import asyncio
import socket
import time
from pathlib import Path

import pytest
from herald.channels.base import AttachmentData, DeliveryResult
from herald.channels.email import EmailChannel, from_settings, message_id_for
from herald.channels.smtp_pool import SmtpUrlError, parse_smtp_url
from herald.config import Settings
from herald.core.channel import Channel, Lane
from structlog.testing import capture_logs

from tests.channels.conftest import outbound
from tests.peers.smtp import HungSmtpPeer, SmtpPeer
from tests.peers.tls import PeerCertificate

FROM = "Herald Notifications <notify@example.com>"


def adapter(
    *urls: str, timeout: float = 5.0, pool_size: int = 2, cool_off: float = 30.0
) -> EmailChannel:
    return EmailChannel(
        [parse_smtp_url(url) for url in urls],
        sender=FROM,
        reply_to="support@example.com",
        timeout=timeout,
        pool_size=pool_size,
        cool_off=cool_off,
    )


async def alone_then_with_backup(
    first: str, backup: str, recipient: str
) -> tuple[DeliveryResult, DeliveryResult]:
    """The same message through relay `first` alone, then through `first` with `backup`
    after it."""
    results = []
    for urls in ([first], [first, backup]):
        channel = adapter(*urls)
        results.append(await channel.send(outbound(Channel.EMAIL, recipient)))
        await channel.close()
    return results[0], results[1]


def url(peer: SmtpPeer, scheme: str = "smtp", auth: str = "", query: str = "") -> str:
    return f"{scheme}://{auth}127.0.0.1:{peer.port}{'?' + query if query else ''}"


async def test_plain_text_message(smtp_peer: SmtpPeer) -> None:
    channel = adapter(url(smtp_peer))
    await channel.start()
    try:
        result = await channel.send(
            outbound(Channel.EMAIL, "alice@example.com", subject="Grüße ✓ — 日本", text="Hi\nthere")
        )
    finally:
        await channel.close()
    assert result.ok, result
    assert len(smtp_peer.messages) == 1
    received = smtp_peer.messages[0]
    assert received.mail_from == "notify@example.com"
    assert received.rcpt_tos == ["alice@example.com"]
    mail = received.message
    assert mail["From"] == FROM
    assert mail["To"] == "alice@example.com"
    assert mail["Reply-To"] == "support@example.com"
    assert mail["Subject"] == "Grüße ✓ — 日本"
    assert mail["Message-ID"] == "<0190f1c2d3e4a5b6c7d8e9f0a1b2c3d4@herald>"
    assert result.provider_message_id == mail["Message-ID"]
    assert mail["Date"]
    assert mail.get_content_type() == "text/plain"
    assert mail.get_content_charset() == "utf-8"
    assert mail.get_content().rstrip("\n") == "Hi\nthere"


async def test_html_without_text_gets_a_derived_text_part(smtp_peer: SmtpPeer) -> None:
    channel = adapter(url(smtp_peer))
    html = "<html><head><style>p{}</style></head><body><p>Hello <b>Zoë</b></p><p>Bye</p></body>"
    result = await channel.send(outbound(Channel.EMAIL, "bob@example.com", text="", html=html))
    await channel.close()
    assert result.ok, result
    mail = smtp_peer.messages[0].message
    assert mail.get_content_type() == "multipart/alternative"
    parts = list(mail.iter_parts())
    assert [p.get_content_type() for p in parts] == ["text/plain", "text/html"]
    assert parts[0].get_content().strip() == "Hello Zoë\n\nBye"
    assert parts[1].get_content().strip() == html


async def test_html_text_and_attachments(smtp_peer: SmtpPeer) -> None:
    pdf = b"%PDF-1.4\n" + bytes(range(256)) * 40
    attachments = (
        AttachmentData("invoice.pdf", "application/pdf", pdf),
        AttachmentData("notes ü.txt", "text/plain", "ça va\n".encode()),
    )
    channel = adapter(url(smtp_peer))
    result = await channel.send(
        outbound(
            Channel.EMAIL,
            "carol@example.com",
            text="Plain version",
            html="<p>HTML version</p>",
            attachments=attachments,
        )
    )
    await channel.close()
    assert result.ok, result
    mail = smtp_peer.messages[0].message
    assert mail.get_content_type() == "multipart/mixed"
    body = mail.get_body(("related", "html", "plain"))
    assert body is not None
    alternative = next(mail.iter_parts())
    assert alternative.get_content_type() == "multipart/alternative"
    texts = {p.get_content_type(): p.get_content().strip() for p in alternative.iter_parts()}
    assert texts == {"text/plain": "Plain version", "text/html": "<p>HTML version</p>"}
    found = {
        a.get_filename(): (a.get_content_type(), a.get_payload(decode=True))
        for a in mail.iter_attachments()
    }
    assert found == {
        "invoice.pdf": ("application/pdf", pdf),
        "notes ü.txt": ("text/plain", "ça va\n".encode()),
    }


async def test_message_id_is_stable_across_attempts(smtp_peer: SmtpPeer) -> None:
    channel = adapter(url(smtp_peer))
    first = outbound(Channel.EMAIL, "dave@example.com", attempt=1)
    second = outbound(Channel.EMAIL, "dave@example.com", attempt=2)
    assert (await channel.send(first)).ok
    assert (await channel.send(second)).ok
    await channel.close()
    ids = [m.message["Message-ID"] for m in smtp_peer.messages]
    assert ids == [message_id_for(first.delivery_id)] * 2
    assert message_id_for("a b<c>@d") == "<a-b-c--d@herald>"


async def test_550_is_permanent_and_451_transient(smtp_peer: SmtpPeer) -> None:
    channel = adapter(url(smtp_peer))
    rejected = await channel.send(outbound(Channel.EMAIL, "nobody+550@example.com"))
    deferred = await channel.send(outbound(Channel.EMAIL, "busy+451@example.com"))
    fine = await channel.send(outbound(Channel.EMAIL, "fine@example.com"))
    await channel.close()
    assert (rejected.ok, rejected.permanent, rejected.error_code) == (False, True, "SMTP_REJECTED")
    assert "550" in rejected.error
    assert (deferred.ok, deferred.permanent, deferred.error_code) == (
        False,
        False,
        "SMTP_TRANSIENT",
    )
    assert "451" in deferred.error
    assert fine.ok  # the same pooled connection is still usable after refusals
    assert [m.rcpt_tos for m in smtp_peer.messages] == [["fine@example.com"]]
    assert smtp_peer.connections == 1


async def test_invalid_address_is_permanent_without_contacting_the_relay(
    smtp_peer: SmtpPeer,
) -> None:
    channel = adapter(url(smtp_peer))
    for bad in ("not-an-address", "a@b@example.com", "x@example.com\r\nBcc: evil@example.com"):
        result = await channel.send(outbound(Channel.EMAIL, bad))
        assert (result.permanent, result.error_code) == (True, "INVALID_ADDRESS"), bad
    await channel.close()
    assert smtp_peer.connections == 0


async def test_starttls_with_auth(certificate: PeerCertificate) -> None:
    peer = await SmtpPeer(
        starttls=certificate.server_context(), users={"mailer@example.com": "s3cr:t@/%"}
    ).start()
    try:
        channel = adapter(
            url(
                peer,
                auth="mailer%40example.com:s3cr%3At%40%2F%25@",
                query=f"starttls=true&cafile={certificate.certfile}",
            )
        )
        result = await channel.send(outbound(Channel.EMAIL, "erin@example.com"))
        await channel.close()
    finally:
        await peer.close()
    assert result.ok, result
    assert peer.messages[0].tls is True
    assert peer.messages[0].auth_user == "mailer@example.com"


async def test_implicit_tls_with_auth(certificate: PeerCertificate) -> None:
    peer = await SmtpPeer(implicit_tls=certificate.server_context(), users={"user": "pw"}).start()
    try:
        channel = adapter(url(peer, "smtps", "user:pw@", f"cafile={certificate.certfile}"))
        result = await channel.send(outbound(Channel.EMAIL, "frank@example.com"))
        await channel.close()
    finally:
        await peer.close()
    assert result.ok, result
    assert peer.messages[0].tls is True
    assert peer.messages[0].auth_user == "user"


async def test_untrusted_certificate_fails_unless_verify_false(
    certificate: PeerCertificate,
) -> None:
    peer = await SmtpPeer(implicit_tls=certificate.server_context()).start()
    try:
        strict = adapter(url(peer, "smtps"))
        refused = await strict.send(outbound(Channel.EMAIL, "gina@example.com"))
        await strict.close()
        lax = adapter(url(peer, "smtps", query="verify=false"))
        accepted = await lax.send(outbound(Channel.EMAIL, "gina@example.com"))
        await lax.close()
    finally:
        await peer.close()
    assert (refused.ok, refused.permanent, refused.error_code) == (False, False, "TLS_FAILED")
    assert accepted.ok, accepted
    assert len(peer.messages) == 1


async def test_auth_failure_is_permanent_invalid_credentials(
    certificate: PeerCertificate,
) -> None:
    peer = await SmtpPeer(
        starttls=certificate.server_context(), users={"user": "right-password"}
    ).start()
    try:
        channel = adapter(
            url(
                peer,
                auth="user:wrong-pa55word@",
                query=f"starttls=true&cafile={certificate.certfile}",
            )
        )
        result = await channel.send(outbound(Channel.EMAIL, "hank@example.com"))
        await channel.close()
    finally:
        await peer.close()
    assert (result.ok, result.permanent, result.error_code) == (False, True, "INVALID_CREDENTIALS")
    assert "wrong-pa55word" not in result.error
    assert "wrong-pa55word" not in repr(channel.relays[0].label)
    assert peer.auth_failures >= 1  # aiosmtplib tries each offered mechanism
    assert peer.messages == []


async def test_failover_from_451_relay_to_the_next(smtp_peer: SmtpPeer) -> None:
    busy = await SmtpPeer(rcpt_reply="451 4.7.1 Greylisted, try again").start()
    try:
        channel = adapter(url(busy), url(smtp_peer))
        result = await channel.send(outbound(Channel.EMAIL, "ivan@example.com"))
        await channel.close()
    finally:
        await busy.close()
    assert result.ok, result
    assert busy.rcpt_attempts == ["ivan@example.com"] and busy.messages == []
    assert [m.rcpt_tos for m in smtp_peer.messages] == [["ivan@example.com"]]


async def test_failover_from_refused_connection(smtp_peer: SmtpPeer, refused_port: int) -> None:
    channel = adapter(f"smtp://127.0.0.1:{refused_port}", url(smtp_peer))
    result = await channel.send(outbound(Channel.EMAIL, "judy@example.com"))
    await channel.close()
    assert result.ok, result
    assert len(smtp_peer.messages) == 1


async def test_no_failover_on_permanent_rejection(smtp_peer: SmtpPeer) -> None:
    strict = await SmtpPeer(rcpt_reply="550 5.7.1 Relaying denied").start()
    try:
        channel = adapter(url(strict), url(smtp_peer))
        result = await channel.send(outbound(Channel.EMAIL, "kim@example.com"))
        await channel.close()
    finally:
        await strict.close()
    assert (result.permanent, result.error_code) == (True, "SMTP_REJECTED")
    assert smtp_peer.connections == 0


async def test_all_relays_failing_is_transient(refused_port: int) -> None:
    busy = await SmtpPeer(rcpt_reply="452 4.3.1 Insufficient system storage").start()
    try:
        channel = adapter(url(busy), f"smtp://127.0.0.1:{refused_port}")
        result = await channel.send(outbound(Channel.EMAIL, "leo@example.com"))
        await channel.close()
    finally:
        await busy.close()
    assert (result.ok, result.permanent) == (False, False)
    assert result.error_code == "CONNECTION_FAILED"
    assert "452" in result.error and str(refused_port) in result.error


async def test_refused_connection_is_transient(refused_port: int) -> None:
    channel = adapter(f"smtp://127.0.0.1:{refused_port}")
    result = await channel.send(outbound(Channel.EMAIL, "mia@example.com"))
    await channel.close()
    assert (result.ok, result.permanent, result.error_code) == (False, False, "CONNECTION_FAILED")


async def test_stalled_relay_times_out() -> None:
    peer = await SmtpPeer(stall_seconds=5).start()
    try:
        channel = adapter(url(peer), timeout=0.5)
        started = time.monotonic()
        result = await channel.send(outbound(Channel.EMAIL, "ned+stall@example.com"))
        elapsed = time.monotonic() - started
        await channel.close()
    finally:
        await peer.close()
    assert (result.ok, result.permanent, result.error_code) == (False, False, "TIMEOUT")
    assert elapsed < 3


async def test_pool_reuses_connections_and_reconnects_after_drop(smtp_peer: SmtpPeer) -> None:
    channel = adapter(url(smtp_peer), pool_size=2)
    for n in range(3):
        assert (await channel.send(outbound(Channel.EMAIL, f"u{n}@example.com"))).ok
    assert smtp_peer.connections == 1
    smtp_peer.drop_connections()
    await asyncio.sleep(0.05)
    result = await channel.send(outbound(Channel.EMAIL, "after-drop@example.com"))
    assert result.ok, result
    assert smtp_peer.connections == 2
    results = await asyncio.gather(
        *(channel.send(outbound(Channel.EMAIL, f"c{n}@example.com")) for n in range(12))
    )
    await channel.close()
    assert all(r.ok for r in results)
    assert len(smtp_peer.messages) == 16
    assert smtp_peer.connections <= 3  # never more than pool_size at once


def test_parse_smtp_url() -> None:
    relay = parse_smtp_url("smtp://us%40er:p%3Ass%40word@mail.example.com:2525?starttls=true")
    assert (relay.host, relay.port, relay.username, relay.password) == (
        "mail.example.com",
        2525,
        "us@er",
        "p:ss@word",
    )
    assert (relay.use_tls, relay.start_tls, relay.verify, relay.cafile) == (False, True, True, None)
    assert "p:ss@word" not in relay.label and "p%3Ass" not in relay.label
    secure = parse_smtp_url("smtps://relay.example.com?cafile=/tmp/ca.pem&verify=false")
    assert (secure.port, secure.use_tls, secure.start_tls) == (465, True, False)
    assert (secure.cafile, secure.verify, secure.username) == ("/tmp/ca.pem", False, None)
    assert parse_smtp_url("smtp://h").port == 25
    assert parse_smtp_url("smtp://h").start_tls is None
    for bad in (
        "http://h",
        "smtp://",
        "smtps://h?starttls=true",
        "smtp://h?bogus=1",
        "smtp://h?starttls=maybe",
    ):
        with pytest.raises(SmtpUrlError):
            parse_smtp_url(bad)


def test_from_settings(tmp_path: Path) -> None:
    assert from_settings(Settings()) is None
    channel = from_settings(
        Settings(
            smtp_urls=("smtp://a:1025", "smtps://u:p@b"),
            email_from="X <x@example.com>",
            smtp_pool_size=3,
        )
    )
    assert channel is not None
    assert [r.label for r in channel.relays] == ["smtp://a:1025", "smtps://u@b:465"]
    assert channel.pool_size == 3


@pytest.mark.parametrize(
    ("cafile", "reason"),
    [
        ("/nonexistent/ca.pem", "No such file or directory"),
        ("not-pem.txt", "no certificate or crl found"),
    ],
)
def test_a_cafile_that_cannot_be_loaded_is_refused_at_start(
    tmp_path: Path, cafile: str, reason: str
) -> None:
    # It started, and every message then failed CONNECTION_FAILED and was retried.
    (tmp_path / "not-pem.txt").write_text("not a certificate\n")
    path = cafile if cafile.startswith("/") else str(tmp_path / cafile)
    url = f"smtp://mailer:Tr0ub4dor@127.0.0.1:2525?starttls=true&cafile={path}"
    with pytest.raises(SmtpUrlError) as caught:
        from_settings(Settings(smtp_urls=("smtp://127.0.0.1:2526", url)))

    error = str(caught.value)
    assert error.startswith("HERALD_SMTP_URL, relay 2 (smtp://mailer@127.0.0.1:2525): ")
    assert f"cannot load cafile {path!r}: " in error
    assert reason in error
    assert "Tr0ub4dor" not in error
    assert caught.value.__cause__ is None and caught.value.__suppress_context__


@pytest.mark.parametrize(
    "raw",
    [
        "smtp://mailer:Tr0ub4dor/3xyz@127.0.0.1:2525",  # a "/" ends the authority
        "smtp://mailer:Tr0ub4dor#3xyz@127.0.0.1:2525",
        "smtp://mailer:Tr0ub4dor?3xyz@127.0.0.1:2525",
        "smtp://mailer:Tr0ub4dor@[::1@127.0.0.1:2525",
    ],
)
def test_a_url_the_parser_misreads_never_shows_the_password(raw: str) -> None:
    with pytest.raises(SmtpUrlError) as caught:
        from_settings(Settings(smtp_urls=(raw,), email_from="x@example.com"))

    error = caught.value
    assert str(error).startswith("HERALD_SMTP_URL, relay 1: SMTP URL ")
    assert "percent-encode" in str(error)
    assert "Tr0ub4dor" not in str(error)
    # Nothing chained either: a traceback would print the library's message.
    assert error.__cause__ is None and error.__suppress_context__


async def test_a_temporary_auth_failure_is_transient_and_the_next_relay_takes_the_message(
    certificate: PeerCertificate, smtp_peer: SmtpPeer
) -> None:
    busy = await SmtpPeer(  # its user database is down: every AUTH answers 454
        starttls=certificate.server_context(),
        users={},
        auth_reply="454 4.7.0 Temporary authentication failure",
    ).start()
    auth = url(busy, auth="user:pw@", query=f"starttls=true&cafile={certificate.certfile}")
    try:
        deferred, delivered = await alone_then_with_backup(auth, url(smtp_peer), "lena@example.com")
    finally:
        await busy.close()
    assert (deferred.ok, deferred.permanent, deferred.error_code) == (
        False,
        False,
        "SMTP_TRANSIENT",
    )
    assert "454" in deferred.error and "pw@" not in deferred.error
    assert delivered.ok, delivered
    assert [m.rcpt_tos for m in smtp_peer.messages] == [["lena@example.com"]]


@pytest.mark.parametrize(
    ("refusing", "code", "permanent"),
    [
        ({"greeting": "554 5.7.1 Client host blocked"}, "SMTP_RELAY_REFUSED", True),
        ({"ehlo_reply": "550 5.7.1 Go away"}, "SMTP_RELAY_REFUSED", True),
        # MAIL FROM carries Herald's own sender: a refusal is of this client's setup.
        ({"mail_reply": "530 5.7.0 Authentication required"}, "SMTP_RELAY_REFUSED", True),
        ({"mail_reply": "553 5.7.1 Sender address rejected"}, "SMTP_RELAY_REFUSED", True),
        ({"ehlo_reply": "421 4.3.2 Too busy, try later"}, "SMTP_TRANSIENT", False),
        ({"greeting": "421 4.3.2 Too busy, try later"}, "SMTP_TRANSIENT", False),
    ],
)
async def test_a_relay_refusing_this_client_hands_the_message_to_the_next(
    smtp_peer: SmtpPeer, refusing: dict[str, str], code: str, permanent: bool
) -> None:
    refuser = await SmtpPeer(**refusing).start()  # type: ignore[arg-type]
    try:
        refused, delivered = await alone_then_with_backup(
            url(refuser), url(smtp_peer), "milo@example.com"
        )
    finally:
        await refuser.close()
    assert (refused.ok, refused.permanent, refused.error_code) == (False, permanent, code)
    assert delivered.ok, delivered
    assert refuser.messages == []
    assert [m.rcpt_tos for m in smtp_peer.messages] == [["milo@example.com"]]


async def test_an_internationalised_domain_goes_out_in_its_ascii_form(
    smtp_peer: SmtpPeer,
) -> None:
    channel = adapter(url(smtp_peer))
    result = await channel.send(outbound(Channel.EMAIL, "nina@bücher.de"))
    await channel.close()

    assert result.ok, result
    [received] = smtp_peer.messages
    assert received.rcpt_tos == ["nina@xn--bcher-kva.de"]
    assert received.message["To"] == "nina@xn--bcher-kva.de"


async def test_a_non_ascii_mailbox_goes_out_with_smtputf8_or_to_a_relay_that_has_it(
    smtp_peer: SmtpPeer,
) -> None:
    ascii_only = await SmtpPeer(smtputf8=False).start()
    try:
        refused, delivered = await alone_then_with_backup(
            url(ascii_only), url(smtp_peer), "josé@example.com"
        )
    finally:
        await ascii_only.close()

    assert (refused.ok, refused.permanent, refused.error_code) == (
        False,
        True,
        "SMTP_RELAY_REFUSED",
    )
    assert "SMTPUTF8" in refused.error
    assert ascii_only.rcpt_attempts == []
    assert delivered.ok, delivered
    [received] = smtp_peer.messages
    assert received.rcpt_tos == ["josé@example.com"]
    assert b"\r\nTo: jos\xc3\xa9@example.com\r\n" in received.raw


async def test_a_relay_limiting_messages_per_connection_gets_each_message_once() -> None:
    # Past its per-connection limit the relay answers MAIL with 421 (Exim's
    # smtp_accept_max_per_connection): the message goes again on a fresh connection.
    peer = await SmtpPeer(max_per_connection=3).start()
    try:
        channel = adapter(url(peer), pool_size=1)
        results = [
            await channel.send(outbound(Channel.EMAIL, f"r{n}@example.com", delivery_id=f"d{n}"))
            for n in range(8)
        ]
        await channel.close()
    finally:
        await peer.close()
    assert [r.error for r in results if not r.ok] == []
    assert [m.rcpt_tos for m in peer.messages] == [[f"r{n}@example.com"] for n in range(8)]
    assert peer.connections == 3


async def test_a_transactional_message_waits_for_a_connection_before_queued_bulk_ones() -> None:
    peer = await SmtpPeer(data_seconds=0.3).start()
    try:
        channel = adapter(url(peer), pool_size=1)

        def send(name: str, lane: Lane) -> asyncio.Task[DeliveryResult]:
            message = outbound(Channel.EMAIL, f"{name}@example.com", delivery_id=name, lane=lane)
            return asyncio.create_task(channel.send(message))

        sends = [send("bulk0", Lane.BULK)]
        await asyncio.sleep(0.1)  # bulk0 holds the only connection (DATA takes 0.3 s)
        assert peer.rcpt_attempts == ["bulk0@example.com"]
        sends += [send(f"bulk{n}", Lane.BULK) for n in range(1, 4)]
        await asyncio.sleep(0.05)  # they wait for the connection
        sends.append(send("tx", Lane.TRANSACTIONAL))
        results = await asyncio.gather(*sends)
        await channel.close()
    finally:
        await peer.close()
    assert all(r.ok for r in results), results
    # The transactional message is served next; the bulk ones still all go, in order.
    order = [m.rcpt_tos[0].partition("@")[0] for m in peer.messages]
    assert order == ["bulk0", "tx", "bulk1", "bulk2", "bulk3"]


async def test_a_hung_relay_cools_off_while_the_backup_takes_the_mail_and_is_used_once_it_recovers(
    smtp_peer: SmtpPeer,
) -> None:
    hung = await HungSmtpPeer().start()  # accepts connections, never greets
    port = hung.port
    channel = adapter(
        f"smtp://127.0.0.1:{port}", url(smtp_peer), timeout=0.5, pool_size=2, cool_off=1.0
    )
    sent = 0

    async def batch(size: int = 6) -> None:
        nonlocal sent
        messages = [
            outbound(Channel.EMAIL, f"m{n}@example.com", delivery_id=f"m{n}")
            for n in range(sent, sent + size)
        ]
        sent += size
        results = await asyncio.gather(*(channel.send(message) for message in messages))
        assert all(r.ok for r in results), results

    recovered: SmtpPeer | None = None
    try:
        with capture_logs() as logs:
            await batch()
            # The two messages holding its connections timed out; the four waiting for
            # one skipped it once it began to cool off.
            assert hung.connections == 2
            await batch()
            assert hung.connections == 2  # skipped during its cool-off
            await asyncio.sleep(1.1)
            await batch()
            assert hung.connections == 3  # after the cool-off, one message tried it again
            await asyncio.sleep(1.1)  # the cool-off doubled: 2 s
            await batch()
            assert hung.connections == 3
            await hung.close()
            recovered = await SmtpPeer().start(port)
            await asyncio.sleep(1.5)
            await batch(1)  # tries it again: it answers
            await batch()
        assert len(smtp_peer.messages) == 24
        assert recovered is not None and len(recovered.messages) == 7
        skips = [e for e in logs if e["event"] == "smtp_relay_skipped"]
        assert [(e["relay"], e["cool_off_seconds"]) for e in skips] == [
            (f"smtp://127.0.0.1:{port}", 1.0),
            (f"smtp://127.0.0.1:{port}", 2.0),
        ]
        assert "SMTPConnectTimeoutError" in skips[0]["reason"]
        assert [e["event"] for e in logs if e["event"] == "smtp_relay_recovered"] == [
            "smtp_relay_recovered"
        ]
    finally:
        await channel.close()
        await hung.close()
        if recovered is not None:
            await recovered.close()


async def test_when_every_relay_is_cooling_off_a_message_still_tries_them() -> None:
    sockets = [socket.socket() for _ in range(2)]
    for sock in sockets:
        sock.bind(("127.0.0.1", 0))  # bound, not listening: connections are refused
    ports = [sock.getsockname()[1] for sock in sockets]
    channel = adapter(*(f"smtp://127.0.0.1:{port}" for port in ports), cool_off=60.0)
    peer: SmtpPeer | None = None
    try:
        refused = await channel.send(outbound(Channel.EMAIL, "olga@example.com"))
        assert (refused.ok, refused.error_code) == (False, "CONNECTION_FAILED")
        assert all(str(port) in refused.error for port in ports)
        sockets.pop().close()
        peer = await SmtpPeer().start(ports[1])  # the second relay is back within its cool-off
        delivered = await channel.send(outbound(Channel.EMAIL, "olga@example.com"))
        assert delivered.ok, delivered
        assert [m.rcpt_tos for m in peer.messages] == [["olga@example.com"]]
    finally:
        await channel.close()
        for sock in sockets:
            sock.close()
        if peer is not None:
            await peer.close()
