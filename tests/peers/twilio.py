"""An HTTP server on 127.0.0.1 speaking Twilio's Messages API (2010-04-01).

``POST /2010-04-01/Accounts/{AccountSid}/Messages.json`` with HTTP basic auth
(account SID : auth token) and a form body (To, From or MessagingServiceSid, Body).
Answers 201 with a Twilio-shaped message resource, or Twilio JSON errors:

- wrong credentials: 401, code 20003
- ``To`` not E.164 or listed in ``invalid_numbers`` (default +15005550001): 400, 21211
- ``To`` in ``rate_limited_numbers`` (default +15005550429): 429, 20429, Retry-After
- ``To`` in ``failing_numbers`` (default +15005550500): 500, 20500
- ``To`` in ``stalled_numbers`` (default +15005550999): no answer for ``stall_seconds``
- ``From`` in ``queue_full_senders`` (default +15005550611): 400, 21611 (the sender's
  queue is full: Twilio's "slow down"), with Retry-After when ``queue_full_retry_after``

Errors are in Twilio's legacy form (``{"code", "message", "more_info", "status"}``), or
with ``error_form="problem"`` in RFC 9457 problem-details form
(``{"type", "title", "status", "code", "detail"}``), which twilio raises as a
TwilioServiceException rather than a TwilioRestException.

Requests are recorded (form fields and headers) unless ``record=False``.

As a process: ``python -m tests.peers.twilio --port N --account-sid AC.. --auth-token ..``;
prints ``READY <port>`` once listening.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import re
import secrets
from dataclasses import dataclass, field
from email.utils import formatdate

from aiohttp import web

HOST = "127.0.0.1"
E164 = re.compile(r"^\+[1-9][0-9]{6,14}$")


@dataclass
class TwilioRequest:
    account_sid: str
    form: dict[str, str]
    headers: dict[str, str]


@dataclass
class TwilioPeer:
    account_sid: str = "AC" + "0" * 32
    auth_token: str = "test-auth-token"
    invalid_numbers: set[str] = field(default_factory=lambda: {"+15005550001"})
    rate_limited_numbers: set[str] = field(default_factory=lambda: {"+15005550429"})
    failing_numbers: set[str] = field(default_factory=lambda: {"+15005550500"})
    stalled_numbers: set[str] = field(default_factory=lambda: {"+15005550999"})
    queue_full_senders: set[str] = field(default_factory=lambda: {"+15005550611"})
    queue_full_retry_after: str = ""
    retry_after: str = "7"
    stall_seconds: float = 30.0
    record: bool = True
    error_form: str = "legacy"  # or "problem" (RFC 9457 problem details)
    requests: list[TwilioRequest] = field(default_factory=list)
    count: int = 0
    port: int = 0
    _runner: web.AppRunner | None = None

    @property
    def base_url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def _error(self, status: int, code: int, message: str, **headers: str) -> web.Response:
        body: dict[str, object]
        if self.error_form == "problem":
            body = {
                "type": f"https://www.twilio.com/docs/errors/{code}",
                "title": message,
                "status": status,
                "code": code,
                "detail": f"Twilio error {code}",
            }
            return web.json_response(
                body, status=status, headers=headers, content_type="application/problem+json"
            )
        body = {
            "code": code,
            "message": message,
            "more_info": f"https://www.twilio.com/docs/errors/{code}",
            "status": status,
        }
        return web.json_response(body, status=status, headers=headers)

    def _authorized(self, request: web.Request, sid: str) -> bool:
        header = request.headers.get("Authorization", "")
        if not header.startswith("Basic "):
            return False
        try:
            user, _, password = base64.b64decode(header[6:]).decode().partition(":")
        except ValueError:
            return False
        return (
            sid == self.account_sid and user == self.account_sid and (password == self.auth_token)
        )

    async def _messages(self, request: web.Request) -> web.Response:
        sid = request.match_info["sid"]
        form = {k: str(v) for k, v in (await request.post()).items()}
        if self.record:
            self.requests.append(TwilioRequest(sid, form, dict(request.headers)))
        if not self._authorized(request, sid):
            return self._error(401, 20003, "Authenticate")
        to = form.get("To", "")
        if to in self.stalled_numbers:
            await asyncio.sleep(self.stall_seconds)
        if not E164.match(to) or to in self.invalid_numbers:
            return self._error(400, 21211, f"The 'To' number {to} is not a valid phone number.")
        if to in self.rate_limited_numbers:
            return self._error(429, 20429, "Too Many Requests", **{"Retry-After": self.retry_after})
        if form.get("From") in self.queue_full_senders:
            extra = {"Retry-After": self.queue_full_retry_after}
            return self._error(
                400,
                21611,
                "This 'From' number has exceeded the maximum number of queued messages",
                **(extra if self.queue_full_retry_after else {}),
            )
        if to in self.failing_numbers:
            return self._error(500, 20500, "Internal Server Error")
        if "Body" not in form and "MediaUrl" not in form:
            return self._error(400, 21602, "Message body is required.")
        if not form.get("From") and not form.get("MessagingServiceSid"):
            return self._error(400, 21603, "A 'From' or 'MessagingServiceSid' is required.")
        self.count += 1
        message_sid = "SM" + secrets.token_hex(16)
        now = formatdate(usegmt=True)
        return web.json_response(
            {
                "account_sid": sid,
                "api_version": "2010-04-01",
                "body": form.get("Body", ""),
                "date_created": now,
                "date_sent": None,
                "date_updated": now,
                "direction": "outbound-api",
                "error_code": None,
                "error_message": None,
                "from": form.get("From") or None,
                "messaging_service_sid": form.get("MessagingServiceSid") or None,
                "num_media": "0",
                "num_segments": "1",
                "price": None,
                "price_unit": "USD",
                "sid": message_sid,
                "status": "accepted" if form.get("MessagingServiceSid") else "queued",
                "subresource_uris": {
                    "media": f"/2010-04-01/Accounts/{sid}/Messages/{message_sid}/Media.json"
                },
                "to": to,
                "uri": f"/2010-04-01/Accounts/{sid}/Messages/{message_sid}.json",
            },
            status=201,
        )

    async def start(self, port: int = 0) -> TwilioPeer:
        app = web.Application()
        app.router.add_post("/2010-04-01/Accounts/{sid}/Messages.json", self._messages)
        self._runner = web.AppRunner(app, access_log=None, handler_cancellation=True)
        await self._runner.setup()
        site = web.TCPSite(self._runner, HOST, port)
        await site.start()
        server = site._server
        assert server is not None
        self.port = server.sockets[0].getsockname()[1]  # type: ignore[attr-defined]
        return self

    async def close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None


async def _main(port: int, account_sid: str, auth_token: str) -> None:
    peer = TwilioPeer(account_sid=account_sid, auth_token=auth_token, record=False)
    await peer.start(port)
    print(f"READY {peer.port}", flush=True)
    await asyncio.Event().wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--account-sid", default="AC" + "0" * 32)
    parser.add_argument("--auth-token", default="test-auth-token")
    args = parser.parse_args()
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_main(args.port, args.account_sid, args.auth_token))


if __name__ == "__main__":
    main()
