"""A real SMTP server (aiosmtpd) on 127.0.0.1 for tests and benchmarks.

Started with ``loop.create_server`` in the running loop (aiosmtpd's Controller(port=0)
fails its own readiness check on this machine). Supports STARTTLS, implicit TLS and
AUTH LOGIN/PLAIN, and answers on demand:

- a recipient whose local part contains ``+451`` gets ``451`` (transient), ``+550``
  gets ``550`` (permanent), ``+stall`` gets no answer for ``stall_seconds``;
- ``rcpt_reply`` (e.g. "451 4.3.0 Try later") answers every RCPT that way, ``mail_reply``
  every MAIL (e.g. "530 5.7.0 Authentication required");
- ``ehlo_reply`` answers EHLO and HELO that way, ``auth_reply`` every AUTH attempt;
- ``greeting`` replaces the 220 greeting (e.g. "554 5.7.1 client host blocked": the
  server then answers nothing else but QUIT);
- ``smtputf8=False`` leaves the SMTPUTF8 extension out of EHLO;
- ``data_seconds`` delays every answer to DATA (a slow relay);
- ``max_per_connection`` takes that many messages per connection, then answers MAIL
  with ``421`` (as Exim does past ``smtp_accept_max_per_connection``).

Every accepted message is recorded (envelope, raw bytes, parsed EmailMessage, TLS and
AUTH state) unless ``record=False``.

As a process: ``python -m tests.peers.smtp --port N [--tls starttls|implicit|none]``;
prints ``READY <port>`` once listening.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import email
import email.policy
import ssl
import tempfile
import weakref
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

HOST = "127.0.0.1"


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    raw: bytes
    tls: bool
    auth_user: str | None

    @property
    def message(self) -> EmailMessage:
        # The wire uses CRLF; parse with the local line ending like a mail store would.
        parsed = email.message_from_bytes(
            self.raw.replace(b"\r\n", b"\n"), policy=email.policy.default
        )
        assert isinstance(parsed, EmailMessage)
        return parsed


@dataclass
class _Handler:
    peer: SmtpPeer

    async def handle_MAIL(
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        address: str,
        mail_options: list[str],
    ) -> str:
        peer = self.peer
        if peer.mail_reply:
            return peer.mail_reply
        if peer.max_per_connection is not None:
            taken = peer.mails_per_session.get(session, 0) + 1
            peer.mails_per_session[session] = taken
            if taken > peer.max_per_connection:
                return "421 4.7.0 too many messages in this connection"
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        address: str,
        rcpt_options: list[str],
    ) -> str:
        peer = self.peer
        peer.rcpt_attempts.append(address)
        local = address.partition("@")[0]
        if "+stall" in local:
            await asyncio.sleep(peer.stall_seconds)
        if peer.rcpt_reply:
            return peer.rcpt_reply
        if "+451" in local:
            return "451 4.3.0 Mailbox temporarily unavailable"
        if "+550" in local:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_EHLO(
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        hostname: str,
        responses: list[str],
    ) -> list[str]:
        if self.peer.ehlo_reply:
            return [self.peer.ehlo_reply]
        session.host_name = hostname
        return responses

    async def handle_HELO(
        self, server: SMTP, session: Session, envelope: Envelope, hostname: str
    ) -> str:
        if self.peer.ehlo_reply:
            return self.peer.ehlo_reply
        session.host_name = hostname
        return f"250 {server.hostname}"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        peer = self.peer
        if peer.data_seconds:
            await asyncio.sleep(peer.data_seconds)
        peer.count += 1
        if peer.record:
            raw = envelope.original_content or b""
            peer.messages.append(
                Received(
                    mail_from=str(envelope.mail_from),
                    rcpt_tos=list(envelope.rcpt_tos),
                    raw=raw,
                    tls=session.ssl is not None or peer.implicit_tls is not None,
                    auth_user=(
                        session.auth_data.login.decode()
                        if isinstance(session.auth_data, LoginPassword)
                        else None
                    ),
                )
            )
        return f"250 2.0.0 OK queued as {peer.count}"


class _Refusing(asyncio.Protocol):
    """A server whose greeting refuses the client: it answers QUIT, and 503 to the rest."""

    def __init__(self, greeting: str) -> None:
        self._greeting = greeting
        self._transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self._transport = transport
        transport.write(f"{self._greeting}\r\n".encode())

    def data_received(self, data: bytes) -> None:
        assert self._transport is not None
        for line in data.splitlines():
            if line.strip().upper() == b"QUIT":
                self._transport.write(b"221 2.0.0 Bye\r\n")
                self._transport.close()
                return
            self._transport.write(b"503 5.5.1 Bad sequence of commands\r\n")


@dataclass
class SmtpPeer:
    """``await SmtpPeer(...).start()``; ``port`` once started; ``await close()``."""

    starttls: ssl.SSLContext | None = None  # offer STARTTLS with this server context
    implicit_tls: ssl.SSLContext | None = None  # TLS from the first byte
    users: dict[str, str] | None = None  # offer AUTH, accept these users
    require_starttls: bool = False
    stall_seconds: float = 30.0
    data_seconds: float = 0.0
    rcpt_reply: str | None = None
    mail_reply: str | None = None
    ehlo_reply: str | None = None
    auth_reply: str | None = None
    greeting: str | None = None
    smtputf8: bool = True
    max_per_connection: int | None = None
    record: bool = True
    messages: list[Received] = field(default_factory=list)
    rcpt_attempts: list[str] = field(default_factory=list)
    mails_per_session: weakref.WeakKeyDictionary[Session, int] = field(
        default_factory=weakref.WeakKeyDictionary
    )
    auth_failures: int = 0
    connections: int = 0
    count: int = 0
    port: int = 0
    _server: asyncio.Server | None = None
    _protocols: list[SMTP] = field(default_factory=list)

    def _authenticate(
        self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: Any
    ) -> AuthResult:
        if (
            self.users is not None
            and isinstance(data, LoginPassword)
            and self.users.get(data.login.decode()) == data.password.decode()
        ):
            return AuthResult(success=True, auth_data=data)
        self.auth_failures += 1
        if self.auth_reply:
            return AuthResult(success=False, handled=False, message=self.auth_reply)
        return AuthResult(success=False, handled=False)

    def _protocol(self) -> asyncio.Protocol:
        self.connections += 1
        if self.greeting:
            return _Refusing(self.greeting)
        kwargs: dict[str, Any] = {}
        if self.users is not None:
            kwargs["authenticator"] = self._authenticate
            # Implicit TLS is TLS too, but aiosmtpd only knows about STARTTLS.
            kwargs["auth_require_tls"] = self.implicit_tls is None
        protocol = SMTP(
            _Handler(self),
            hostname="herald-test-peer",
            tls_context=self.starttls,
            require_starttls=self.require_starttls,
            data_size_limit=50 * 1024 * 1024,
            enable_SMTPUTF8=self.smtputf8,
            **kwargs,
        )
        self._protocols.append(protocol)
        if len(self._protocols) > 256:
            self._protocols = [p for p in self._protocols if p.transport is not None]
        return protocol

    async def start(self, port: int = 0) -> SmtpPeer:
        loop = asyncio.get_running_loop()
        self._server = await loop.create_server(
            self._protocol, host=HOST, port=port, ssl=self.implicit_tls
        )
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    def drop_connections(self) -> None:
        """Close every open connection from the server side (as an idle timeout would)."""
        for protocol in self._protocols:
            transport = protocol.transport
            if transport is not None and not transport.is_closing():
                transport.close()

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
            self.drop_connections()
            with contextlib.suppress(Exception):
                async with asyncio.timeout(2):
                    await self._server.wait_closed()
            self._server = None


@dataclass
class HungSmtpPeer:
    """Accepts TCP connections and never greets (a hung MTA); counts the connections."""

    connections: int = 0
    port: int = 0
    _server: asyncio.Server | None = None
    _writers: list[asyncio.StreamWriter] = field(default_factory=list)

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        self._writers.append(writer)  # kept open, silent

    async def start(self) -> HungSmtpPeer:
        self._server = await asyncio.start_server(self._accept, HOST, 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
            for writer in self._writers:
                writer.close()
            with contextlib.suppress(Exception):
                async with asyncio.timeout(2):
                    await self._server.wait_closed()
            self._server = None


async def _main(port: int, tls: str) -> None:
    from tests.peers.tls import make_certificate  # noqa: PLC0415

    cert = make_certificate(Path(tempfile.mkdtemp(prefix="herald-smtp-peer-")))
    peer = SmtpPeer(
        starttls=cert.server_context() if tls == "starttls" else None,
        implicit_tls=cert.server_context() if tls == "implicit" else None,
        record=False,
    )
    await peer.start(port)
    print(f"READY {peer.port} {cert.certfile}", flush=True)
    await asyncio.Event().wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--tls", choices=["none", "starttls", "implicit"], default="none")
    args = parser.parse_args()
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_main(args.port, args.tls))


if __name__ == "__main__":
    main()
