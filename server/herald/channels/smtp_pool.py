"""SMTP relay URLs and a small pool of reused aiosmtplib connections per relay.

URL format (HERALD_SMTP_URL, several comma-separated in priority order)::

    smtp://[user[:password]@]host[:port][?options]     plain, port 25 by default
    smtps://[user[:password]@]host[:port][?options]    implicit TLS, port 465 by default

User and password are URL-decoded: percent-encode ``@ : / ? # ,`` and ``%`` in them
(``%40 %3A %2F %3F %23 %2C %25``; a comma would split the list). Options:

- ``starttls=true``: require STARTTLS (fail if the relay does not offer it);
  ``starttls=false``: never upgrade. Unset: upgrade when the relay offers it.
  Not allowed with ``smtps://``.
- ``cafile=/path/ca.pem``: trust this CA bundle (e.g. a private or test CA)
  instead of the system store.
- ``verify=false``: do not verify the relay's certificate or host name. For
  tests and lab relays only: it makes TLS open to interception.

Nothing in a relay's ``label`` (used in errors and logs) carries the password.

A relay that could not be reached or did not answer in time (a connection timeout, a
refused, reset or dropped connection; not an SMTP reply, not a TLS failure) cools off:
``resting()`` says so for 30 s, doubled each time it fails again, at most 5 minutes, and
the email channel skips it while another relay is not resting. After the cool-off one
message tries it again (others keep skipping it meanwhile); a connection made ends it.
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
import time
from collections import deque
from collections.abc import AsyncIterator
from dataclasses import dataclass
from urllib.parse import parse_qs, unquote, urlsplit

import aiosmtplib
import structlog
from aiosmtplib.errors import SMTPServerDisconnected

from herald.config import ConfigError

log = structlog.get_logger("herald.channels")

COOL_OFF_SECONDS = 30.0
COOL_OFF_MAX_SECONDS = 300.0

_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off")


class SmtpUrlError(ConfigError):
    """An SMTP relay URL Herald cannot use (the message never contains the password)."""


class SmtpAuthError(Exception):
    """The relay refused our credentials, or offers no AUTH while credentials are configured."""


class SmtpRelayRestingError(Exception):
    """The relay is cooling off after a connection failure: the message was not tried on
    it (raised only when the caller allows skipping it)."""


class SmtpRelayRefusedError(Exception):
    """The relay refused this client or session (a 5xx greeting or EHLO, no SMTPUTF8 for an
    address that needs it): another relay may take the message."""


@dataclass(frozen=True)
class SmtpRelay:
    host: str
    port: int
    username: str | None
    password: str | None
    use_tls: bool  # implicit TLS (smtps://)
    start_tls: bool | None  # True required, False never, None opportunistic
    cafile: str | None
    verify: bool

    @property
    def label(self) -> str:
        """The relay without its password, for errors and logs."""
        scheme = "smtps" if self.use_tls else "smtp"
        user = f"{self.username}@" if self.username else ""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{scheme}://{user}{host}:{self.port}"

    def tls_context(self) -> ssl.SSLContext:
        context = ssl.create_default_context(cafile=self.cafile)
        if not self.verify:
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
        return context


def _flag(name: str, values: list[str]) -> bool:
    raw = values[-1].strip().lower()
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise SmtpUrlError(f"SMTP URL option {name} must be true or false, got {raw!r}")


def parse_smtp_url(url: str) -> SmtpRelay:
    # The library's own messages may quote the URL's parts (a password read as a port):
    # never chained into a traceback, only ours.
    try:
        return _parse_smtp_url(url)
    except SmtpUrlError:
        raise
    except ValueError:
        raise SmtpUrlError(
            "SMTP URL cannot be parsed (percent-encode @ : / ? # , in user and password)"
        ) from None


def _parse_smtp_url(url: str) -> SmtpRelay:
    parts = urlsplit(url.strip())
    if parts.scheme not in ("smtp", "smtps"):
        raise SmtpUrlError(f"SMTP URL must start with smtp:// or smtps://, got {parts.scheme!r}")
    if not parts.hostname:
        raise SmtpUrlError("SMTP URL must name a host")
    try:
        port = parts.port
    except ValueError:
        raise SmtpUrlError(
            "SMTP URL has an invalid port (percent-encode @ : / ? # , in user and password)"
        ) from None
    use_tls = parts.scheme == "smtps"
    query = parse_qs(parts.query, keep_blank_values=True)
    unknown = set(query) - {"starttls", "cafile", "verify"}
    if unknown:
        raise SmtpUrlError(f"SMTP URL has unknown options: {', '.join(sorted(unknown))}")
    start_tls: bool | None = None
    if "starttls" in query:
        start_tls = _flag("starttls", query["starttls"])
        if start_tls and use_tls:
            raise SmtpUrlError("starttls=true cannot be combined with smtps:// (implicit TLS)")
    if use_tls:
        start_tls = False
    verify = _flag("verify", query["verify"]) if "verify" in query else True
    cafile = query["cafile"][-1] if "cafile" in query else None
    return SmtpRelay(
        host=parts.hostname,
        port=port or (465 if use_tls else 25),
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password is not None else None,
        use_tls=use_tls,
        start_tls=start_tls,
        cafile=cafile or None,
        verify=verify,
    )


def _unreachable(exc: BaseException) -> bool:
    """The relay could not be reached or did not answer in time; not an SMTP reply
    (aiosmtplib's reply errors are OSErrors too) and not a TLS failure."""
    if not isinstance(exc, OSError) or isinstance(exc, aiosmtplib.SMTPResponseException):
        return False
    cause = exc.__cause__ or exc.__context__
    return not isinstance(exc, ssl.SSLError) and not isinstance(cause, ssl.SSLError)


def _connection_done(client: aiosmtplib.SMTP, exc: BaseException) -> bool:
    """The relay will take nothing more on this connection: it dropped it, answered 421,
    or closed it after its reply."""
    if isinstance(exc, aiosmtplib.SMTPRecipientsRefused):
        codes = [refusal.code for refusal in exc.recipients]
    elif isinstance(exc, aiosmtplib.SMTPResponseException):
        codes = [exc.code]
    else:
        return True
    return 421 in codes or not client.is_connected


class _Slots:
    """A semaphore that hands a freed slot to a waiting transactional send before a
    waiting bulk one (each in arrival order): a campaign's queued messages never hold up
    a SendMessage email. Bulk sends take every slot no transactional send waits for."""

    def __init__(self, size: int) -> None:
        self._free = size
        self._transactional: deque[asyncio.Future[None]] = deque()
        self._bulk: deque[asyncio.Future[None]] = deque()

    async def acquire(self, bulk: bool) -> None:
        if self._free > 0:  # a free slot means nobody waits: release hands slots over
            self._free -= 1
            return
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        queue = self._bulk if bulk else self._transactional
        queue.append(waiter)
        try:
            await waiter
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled():
                self.release()  # handed a slot as it was cancelled: pass it on
            else:
                with contextlib.suppress(ValueError):
                    queue.remove(waiter)
            raise

    def release(self) -> None:
        for queue in (self._transactional, self._bulk):
            while queue:
                waiter = queue.popleft()
                if not waiter.done():
                    waiter.set_result(None)
                    return
        self._free += 1

    @contextlib.asynccontextmanager
    async def slot(self, bulk: bool) -> AsyncIterator[None]:
        await self.acquire(bulk)
        try:
            yield
        finally:
            self.release()


class SmtpPool:
    """Up to ``size`` connections to one relay, reused between messages.

    A connection that fails outside an SMTP reply (disconnect, timeout,
    cancellation) is dropped; a pooled connection the relay closed while idle, or
    that answers 421 (or closes after its reply) because the relay takes no more
    messages on it, is replaced by a fresh one and the message sent again once.

    A failure to connect starts a cool-off (see the module's docstring and ``resting``).
    """

    def __init__(
        self, relay: SmtpRelay, size: int, timeout: float, cool_off: float = COOL_OFF_SECONDS
    ) -> None:
        self.relay = relay
        self.timeout = timeout
        self._slots = _Slots(size)
        self._idle: list[aiosmtplib.SMTP] = []
        self._tls: ssl.SSLContext | None = None
        self._closed = False
        self._first_cool_off = cool_off
        self._cool_off = 0.0  # the current cool-off's length; 0: the relay is well
        self._resume_at = 0.0  # monotonic time the current cool-off ends
        self._trying = False  # a message is trying the relay again after its cool-off
        self._skip_logged = False
        self._reason = ""  # the failure that started the cool-off, for the log

    def resting(self) -> bool:
        """Cooling off after a connection failure, or another message is trying it again."""
        return self._cool_off > 0 and (self._trying or time.monotonic() < self._resume_at)

    def skipped(self) -> None:
        """The caller skips this resting relay: logged once per cool-off."""
        if not self._skip_logged:
            self._skip_logged = True
            log.warning(
                "smtp_relay_skipped",
                relay=self.relay.label,
                cool_off_seconds=self._cool_off,
                resume_in_seconds=round(max(0.0, self._resume_at - time.monotonic()), 1),
                reason=self._reason,
            )

    def _failed(self, exc: BaseException) -> None:
        now = time.monotonic()
        if now < self._resume_at:
            return  # a connection begun before this cool-off started: already counted
        self._cool_off = (
            min(self._cool_off * 2, COOL_OFF_MAX_SECONDS)
            if self._cool_off
            else self._first_cool_off
        )
        self._resume_at = now + self._cool_off
        self._skip_logged = False
        self._reason = f"{type(exc).__name__}: {exc}".rstrip(": ")

    def _well(self) -> None:
        if self._cool_off:
            log.info("smtp_relay_recovered", relay=self.relay.label)
        self._cool_off = 0.0
        self._resume_at = 0.0

    def _context(self) -> ssl.SSLContext | None:
        if self.relay.start_tls is False and not self.relay.use_tls:
            return None
        if self._tls is None:
            self._tls = self.relay.tls_context()
        return self._tls

    async def _connect(self) -> aiosmtplib.SMTP:
        try:
            client = await self._open()
        except Exception as exc:
            if _unreachable(exc):
                self._failed(exc)
            raise
        self._well()
        return client

    async def _open(self) -> aiosmtplib.SMTP:
        relay = self.relay
        context = self._context()
        client = aiosmtplib.SMTP(
            hostname=relay.host,
            port=relay.port,
            timeout=self.timeout,
            use_tls=relay.use_tls,
            start_tls=relay.start_tls,
            tls_context=context,
            validate_certs=relay.verify,
        )
        await client.connect()
        if relay.username is not None:
            try:
                if client.is_ehlo_or_helo_needed:
                    await client.ehlo()
                if not client.supports_extension("auth"):
                    raise SmtpAuthError(
                        "relay does not offer AUTH on this connection (it may require TLS first)"
                    )
                await client.login(relay.username, relay.password or "")
            except aiosmtplib.SMTPResponseException as exc:
                client.close()
                # 4xx is the relay failing for now (454 temporary authentication failure,
                # 421 on EHLO): transient, as the caller classifies any other 4xx. A 5xx
                # EHLO refuses this client; a 5xx AUTH reply refuses the credentials.
                if exc.code < 500 or isinstance(exc, aiosmtplib.SMTPHeloError):
                    raise
                raise SmtpAuthError(f"authentication failed: {exc.code} {exc.message}") from None
            except aiosmtplib.SMTPException as exc:
                client.close()
                if isinstance(exc, aiosmtplib.SMTPServerDisconnected | aiosmtplib.SMTPTimeoutError):
                    raise
                raise SmtpAuthError(f"authentication failed: {exc}") from None
            except SmtpAuthError:
                client.close()
                raise
        return client

    def _checkout(self) -> aiosmtplib.SMTP | None:
        while self._idle:
            client = self._idle.pop()
            if client.is_connected:
                return client
            client.close()
        return None

    def _checkin(self, client: aiosmtplib.SMTP) -> None:
        if self._closed or not client.is_connected:
            client.close()
        else:
            self._idle.append(client)

    async def send(
        self,
        message: bytes,
        sender: str,
        recipients: list[str],
        smtputf8: bool = False,
        *,
        bulk: bool = False,
        may_skip: bool = False,
    ) -> dict[str, aiosmtplib.SMTPResponse]:
        """Send one message (`smtputf8`: its addresses need the SMTPUTF8 extension;
        `bulk`: it waits for a connection behind every waiting transactional message);
        returns per-recipient refusals (empty when all accepted).

        Raises aiosmtplib errors, SmtpAuthError, SmtpRelayRefusedError, or OSError for the
        caller to classify; SmtpRelayRestingError when `may_skip` and the relay is resting
        once this message's turn comes (it may have begun to while the message waited).
        """
        options = ["SMTPUTF8"] if smtputf8 else None
        async with self._slots.slot(bulk):
            trying = False
            if self._cool_off:
                if self.resting():
                    if may_skip:
                        self.skipped()
                        raise SmtpRelayRestingError(self.relay.label)
                else:  # the cool-off is over: this message tries the relay again
                    self._trying = trying = True
            try:
                return await self._send(message, sender, recipients, options)
            finally:
                if trying:
                    self._trying = False

    async def _send(
        self, message: bytes, sender: str, recipients: list[str], options: list[str] | None
    ) -> dict[str, aiosmtplib.SMTPResponse]:
        client = self._checkout()
        reused = client is not None
        started = time.monotonic()
        if client is None:
            client = await self._connect()
        try:
            try:
                errors, _ = await client.sendmail(sender, recipients, message, mail_options=options)
            except (
                SMTPServerDisconnected,
                ConnectionError,
                aiosmtplib.SMTPResponseException,
                aiosmtplib.SMTPRecipientsRefused,
            ) as exc:
                if not reused or not _connection_done(client, exc):
                    raise
                # The relay closed this idle connection, or takes no more messages on
                # it (421, e.g. Exim's smtp_accept_max_per_connection): one fresh
                # attempt. A reply means the message was not taken: no duplicate.
                client.close()
                remaining = self.timeout - (time.monotonic() - started)
                if remaining <= 0:
                    raise
                client = await self._connect()
                errors, _ = await client.sendmail(sender, recipients, message, mail_options=options)
        except aiosmtplib.SMTPNotSupported as exc:  # raised before MAIL FROM: in step
            self._checkin(client)
            raise SmtpRelayRefusedError(str(exc)) from None
        except (aiosmtplib.SMTPResponseException, aiosmtplib.SMTPRecipientsRefused):
            # The conversation is still in step (aiosmtplib sent RSET): keep it.
            self._checkin(client)
            raise
        except BaseException:
            client.close()
            raise
        self._checkin(client)
        return errors

    async def close(self) -> None:
        self._closed = True
        idle, self._idle = self._idle, []
        for client in idle:
            with contextlib.suppress(Exception):
                async with asyncio.timeout(min(self.timeout, 2.0)):
                    await client.quit()
            client.close()
