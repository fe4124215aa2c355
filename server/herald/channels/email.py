"""Email channel: MIME messages over SMTP (aiosmtplib), relays in priority order.

Configuration: HERALD_SMTP_URL (one or more relay URLs, see herald.channels.smtp_pool
for the format and the ``starttls``/``cafile``/``verify`` options), HERALD_EMAIL_FROM,
HERALD_EMAIL_REPLY_TO, HERALD_SMTP_TIMEOUT, HERALD_SMTP_POOL_SIZE (connections per relay).

The message: plain text, or multipart/alternative (text + HTML) when ``html`` is set,
its text part derived from the HTML when ``text`` is empty; attachments make it
multipart/mixed. Subjects and bodies are UTF-8. The Message-ID is
``<{delivery_id}@herald>`` on every attempt, so a receiver can drop a duplicate sent
again after a crash.

A relay failing transiently, refusing our credentials or refusing us outright hands
the message to the next relay; a permanent answer about the message itself ends the attempt at once.
When every relay failed, the result is transient if any failure was transient. A relay that
could not be reached or timed out is skipped for a cool-off (30 s, doubling while it keeps
failing, at most 5 minutes; logged once per cool-off as ``smtp_relay_skipped``) while another
relay is not cooling off; then one message tries it again. When every relay is cooling off,
each message still tries them all.

Failure codes:
- INVALID_ADDRESS (permanent): the recipient is not a valid email address; nothing sent.
- SMTP_REJECTED (permanent): the relay answered 5xx to RCPT TO or DATA.
- SMTP_TRANSIENT (transient): the relay answered 4xx (e.g. 451, 421).
- INVALID_CREDENTIALS (permanent): the relay refused the configured user/password, or
  offers no AUTH; fix the configuration.
- SMTP_RELAY_REFUSED (permanent): the relay refused this client (5xx greeting, EHLO or
  MAIL FROM, whose sender is Herald's own), or lacks SMTPUTF8 for an address with a
  non-ASCII local part.

A recipient whose domain is internationalised is sent in its ASCII (IDNA) form; one
whose local part is not ASCII needs a relay offering SMTPUTF8, and goes out with it.
- CONNECTION_FAILED (transient): connection refused, reset or closed by the relay.
- TIMEOUT (transient): no answer within HERALD_SMTP_TIMEOUT.
- TLS_FAILED (transient): the TLS handshake or certificate check failed.
- PROVIDER_ERROR (transient): any other SMTP protocol error.
"""

from __future__ import annotations

import io
import re
import ssl
from dataclasses import dataclass
from email.charset import QP, Charset
from email.encoders import encode_base64
from email.generator import BytesGenerator
from email.header import Header
from email.headerregistry import Address
from email.message import Message
from email.mime.base import MIMEBase
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.policy import compat32
from email.utils import formataddr, formatdate, getaddresses, parseaddr

import aiosmtplib
from email_validator import validate_email

from herald.channels.base import DeliveryResult, OutboundMessage
from herald.channels.smtp_pool import (
    COOL_OFF_SECONDS,
    SmtpAuthError,
    SmtpPool,
    SmtpRelay,
    SmtpRelayRefusedError,
    SmtpRelayRestingError,
    SmtpUrlError,
    parse_smtp_url,
)
from herald.config import Settings
from herald.core.addresses import email_problem
from herald.core.channel import Channel, Lane
from herald.core.text import html_to_text

_MSGID_UNSAFE = re.compile(r"[^A-Za-z0-9!#$%&'*+\-/=?^_`{|}~.]")
_LINE_BREAKS = re.compile(r"[\r\n]+")
_UTF8 = Charset("utf-8")
_UTF8.body_encoding = QP  # readable and 7-bit safe (the default for utf-8 is base64)
SMTP_POLICY = compat32.clone(linesep="\r\n")


# Permanent for this relay only: the next relay is tried.
RELAY_LEVEL = frozenset({"INVALID_CREDENTIALS", "SMTP_RELAY_REFUSED"})


@dataclass(frozen=True, slots=True)
class SmtpRecipient:
    address: str  # for RCPT TO
    header: str  # for the To header
    smtputf8: bool  # the address needs the relay's SMTPUTF8


def smtp_recipient(address: str) -> SmtpRecipient:
    """The recipient as sent: its ASCII form when it has one (an internationalised
    domain in IDNA), else UTF-8 under SMTPUTF8. ValueError: not an address."""
    problem = email_problem(address)
    if problem:
        raise ValueError(problem)
    if address.isascii():
        return SmtpRecipient(address, address, smtputf8=False)
    valid = validate_email(address, check_deliverability=False, globally_deliverable=False)
    if valid.ascii_email:
        return SmtpRecipient(valid.ascii_email, valid.ascii_email, smtputf8=False)
    # RFC 6532: the header carries the address as UTF-8 (compat32 writes surrogate-escaped
    # bytes back as they were; a str would become an encoded word, wrong in an address).
    raw_header = valid.normalized.encode("utf-8").decode("ascii", "surrogateescape")
    return SmtpRecipient(valid.normalized, raw_header, smtputf8=True)


def message_id_for(delivery_id: str) -> str:
    """The stable Message-ID of a delivery (the same on every attempt)."""
    local = _MSGID_UNSAFE.sub("-", delivery_id).strip(".") or "delivery"
    return f"<{local}@herald>"


def envelope_address(header_value: str) -> str:
    """The bare address of a From header such as ``Herald <herald@example.com>``."""
    addresses = getaddresses([header_value])
    return addresses[0][1] if addresses and addresses[0][1] else header_value.strip()


def _header(value: str) -> str | Header:
    value = _LINE_BREAKS.sub(" ", value)
    return value if value.isascii() else Header(value, "utf-8")


def _address(value: str) -> str:
    name, address = parseaddr(_LINE_BREAKS.sub(" ", value))
    if not address:
        return value
    return formataddr((name, address), charset="utf-8")


def _text_part(content: str, subtype: str) -> MIMEText:
    return MIMEText(content, subtype, _UTF8)  # type: ignore[arg-type]  # a Charset works


def build_email(
    message: OutboundMessage, sender: str, reply_to: str = "", to: str | None = None
) -> Message:
    """The MIME message (built with the email package's fast compat32 classes); `to`:
    the To header when it differs from the recipient (smtp_recipient)."""
    body: Message
    if message.html is not None:
        text = message.text or html_to_text(message.html)
        body = MIMEMultipart("alternative")
        body.attach(_text_part(text, "plain"))
        body.attach(_text_part(message.html, "html"))
    else:
        body = _text_part(message.text, "plain")
    mail = body
    if message.attachments:
        mail = MIMEMultipart("mixed")
        mail.attach(body)
        for attachment in message.attachments:
            maintype, _, subtype = attachment.content_type.partition("/")
            if not maintype or not subtype:
                maintype, subtype = "application", "octet-stream"
            part = MIMEBase(maintype, subtype)
            part.set_payload(attachment.content)
            encode_base64(part)
            if attachment.filename:
                filename = _LINE_BREAKS.sub(" ", attachment.filename)
                part.add_header(
                    "Content-Disposition",
                    "attachment",
                    filename=filename if filename.isascii() else ("utf-8", "", filename),
                )
            else:
                part.add_header("Content-Disposition", "attachment")
            mail.attach(part)
    mail["From"] = _address(sender)
    mail["To"] = message.recipient if to is None else to
    if reply_to:
        mail["Reply-To"] = _address(reply_to)
    mail["Subject"] = _header(message.subject)  # type: ignore[assignment]  # Header works
    mail["Date"] = formatdate(usegmt=True)
    mail["Message-ID"] = message_id_for(message.delivery_id)
    mail["X-Herald-Delivery-Id"] = _LINE_BREAKS.sub(" ", message.delivery_id)
    return mail


def flatten(mail: Message) -> bytes:
    buffer = io.BytesIO()
    BytesGenerator(buffer, mangle_from_=False, policy=SMTP_POLICY).flatten(mail)
    return buffer.getvalue()


def _reply_text(exc: aiosmtplib.SMTPResponseException) -> str:
    return f"{exc.code} {_LINE_BREAKS.sub(' ', exc.message)}".strip()


def classify(relay: SmtpRelay, exc: BaseException) -> DeliveryResult:
    """A DeliveryResult for an error raised while sending through ``relay``."""
    where = relay.label
    if isinstance(exc, SmtpAuthError):
        return DeliveryResult.permanent_failure("INVALID_CREDENTIALS", f"{where}: {exc}")
    if isinstance(exc, SmtpRelayRefusedError):
        return DeliveryResult.permanent_failure("SMTP_RELAY_REFUSED", f"{where}: {exc}")
    if (
        isinstance(exc, aiosmtplib.SMTPConnectResponseError | aiosmtplib.SMTPHeloError)
        and exc.code >= 500
    ):
        return DeliveryResult.permanent_failure(
            "SMTP_RELAY_REFUSED", f"{where}: relay refused this client: {_reply_text(exc)}"
        )
    if isinstance(exc, aiosmtplib.SMTPSenderRefused) and exc.code >= 500:
        # MAIL FROM carries Herald's own sender, not the message's recipient: a relay that
        # refuses it (530 authentication required, 553 sender not allowed) refuses this
        # client's setup, and another relay may take the message.
        return DeliveryResult.permanent_failure(
            "SMTP_RELAY_REFUSED", f"{where}: relay refused the sender: {_reply_text(exc)}"
        )
    if isinstance(exc, aiosmtplib.SMTPRecipientsRefused):
        refusals = exc.recipients
        codes = [r.code for r in refusals]
        detail = "; ".join(f"{r.recipient}: {_reply_text(r)}" for r in refusals)
        if codes and all(500 <= code < 600 for code in codes):
            return DeliveryResult.permanent_failure(
                "SMTP_REJECTED", f"{where}: recipient refused: {detail}"
            )
        return DeliveryResult.transient_failure(
            "SMTP_TRANSIENT", f"{where}: recipient deferred: {detail}"
        )
    if isinstance(exc, aiosmtplib.SMTPResponseException):
        stage = (
            "sender refused"
            if isinstance(exc, aiosmtplib.SMTPSenderRefused)
            else "message refused"
            if isinstance(exc, aiosmtplib.SMTPDataError)
            else "relay answered"
        )
        text = f"{where}: {stage}: {_reply_text(exc)}"
        if 500 <= exc.code < 600:
            return DeliveryResult.permanent_failure("SMTP_REJECTED", text)
        if 400 <= exc.code < 500:
            return DeliveryResult.transient_failure("SMTP_TRANSIENT", text)
        return DeliveryResult.transient_failure("PROVIDER_ERROR", text)
    if isinstance(exc, TimeoutError):  # includes aiosmtplib.SMTPTimeoutError
        return DeliveryResult.transient_failure("TIMEOUT", f"{where}: timed out")
    if isinstance(exc, ssl.SSLError | ssl.CertificateError):
        return DeliveryResult.transient_failure("TLS_FAILED", f"{where}: TLS failed: {exc}")
    if isinstance(exc, aiosmtplib.SMTPConnectError | ConnectionError | OSError):
        cause = exc.__cause__ or exc.__context__
        if isinstance(cause, ssl.SSLError | ssl.CertificateError):
            return DeliveryResult.transient_failure("TLS_FAILED", f"{where}: TLS failed: {cause}")
        return DeliveryResult.transient_failure("CONNECTION_FAILED", f"{where}: {exc}")
    if isinstance(exc, aiosmtplib.SMTPException):
        return DeliveryResult.transient_failure("PROVIDER_ERROR", f"{where}: {exc}")
    if isinstance(exc, ValueError):  # aiosmtplib refuses an unsafe address
        return DeliveryResult.permanent_failure("INVALID_ADDRESS", str(exc))
    return DeliveryResult.transient_failure("PROVIDER_ERROR", f"{where}: {type(exc).__name__}")


class EmailChannel:
    channel = Channel.EMAIL

    def __init__(
        self,
        relays: list[SmtpRelay],
        sender: str,
        reply_to: str = "",
        timeout: float = 30.0,
        pool_size: int = 4,
        cool_off: float = COOL_OFF_SECONDS,
    ) -> None:
        if not relays:
            raise ValueError("at least one SMTP relay is required")
        self.relays = relays
        self.sender = sender
        self.reply_to = reply_to
        self.timeout = timeout
        self.pool_size = pool_size
        self.cool_off = cool_off
        self._envelope_from = envelope_address(sender)
        Address(addr_spec=self._envelope_from)  # a From Herald cannot use fails at startup
        self._pools: list[SmtpPool] = []

    async def start(self) -> None:
        self._pools = [
            SmtpPool(relay, self.pool_size, self.timeout, self.cool_off) for relay in self.relays
        ]

    async def send(self, message: OutboundMessage) -> DeliveryResult:
        try:
            recipient = smtp_recipient(message.recipient)
        except ValueError as exc:
            return DeliveryResult.permanent_failure(
                "INVALID_ADDRESS", f"recipient {message.recipient!r} {exc}"
            )
        if not self._pools:
            await self.start()
        mail = build_email(message, self.sender, self.reply_to, recipient.header)
        raw = flatten(mail)
        failures: list[DeliveryResult] = []
        pools = self._pools
        # A relay cooling off after a connection failure is skipped while another is not.
        may_skip = not all(pool.resting() for pool in pools)
        while pools:
            skipped: list[SmtpPool] = []
            for pool in pools:
                if may_skip and pool.resting():
                    pool.skipped()
                    skipped.append(pool)
                    continue
                try:
                    refused = await pool.send(
                        raw,
                        self._envelope_from,
                        [recipient.address],
                        recipient.smtputf8,
                        bulk=message.lane is Lane.BULK,
                        may_skip=may_skip,
                    )
                except SmtpRelayRestingError:
                    skipped.append(pool)
                    continue
                except Exception as exc:
                    result = classify(pool.relay, exc)
                    if result.permanent and result.error_code not in RELAY_LEVEL:
                        return result
                    failures.append(result)
                    continue
                if refused:
                    # Only one recipient, so aiosmtplib raises instead; kept for safety.
                    detail = "; ".join(f"{k}: {v[0]} {v[1]}" for k, v in refused.items())
                    return DeliveryResult.permanent_failure("SMTP_REJECTED", detail)
                return DeliveryResult.delivered(provider_message_id=str(mail["Message-ID"]))
            # No relay was tried, each resting (some may have begun to while the message
            # waited for a connection): try them anyway; no message fails for a cool-off.
            pools = skipped if not failures else []
            may_skip = False
        transient = [f for f in failures if not f.permanent]
        last = transient[-1] if transient else failures[-1]
        if len(failures) == 1:
            return last
        summary = " | ".join(f.error for f in failures)
        if last.permanent:
            return DeliveryResult.permanent_failure(last.error_code, summary)
        return DeliveryResult.transient_failure(last.error_code, summary, last.retry_after)

    async def close(self) -> None:
        pools, self._pools = self._pools, []
        for pool in pools:
            await pool.close()


def from_settings(settings: Settings) -> EmailChannel | None:
    """The email adapter, or None when no HERALD_SMTP_URL is set (channel off)."""
    if not settings.smtp_urls:
        return None
    relays = []
    for position, url in enumerate(settings.smtp_urls, 1):
        try:
            relay = parse_smtp_url(url)
        except SmtpUrlError as exc:
            raise SmtpUrlError(f"HERALD_SMTP_URL, relay {position}: {exc}") from None
        if relay.cafile is not None:
            # Loaded now: a cafile that cannot be read failed every message (CONNECTION_FAILED,
            # retried) rather than the start.
            try:
                relay.tls_context()
            except (OSError, ssl.SSLError) as exc:
                reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
                raise SmtpUrlError(
                    f"HERALD_SMTP_URL, relay {position} ({relay.label}): cannot load "
                    f"cafile {relay.cafile!r}: {reason}"
                ) from None
        relays.append(relay)
    return EmailChannel(
        relays,
        sender=settings.email_from,
        reply_to=settings.email_reply_to,
        timeout=settings.smtp_timeout,
        pool_size=settings.smtp_pool_size,
    )
