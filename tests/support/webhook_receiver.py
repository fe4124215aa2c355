"""A real HTTP receiver for webhooks on 127.0.0.1 that verifies Standard
Webhooks signatures and can answer slowly, with an error, or on a signal.

Paths choose the behaviour: /ok, /status/<code>[/<retry-after>] (answers <code>, with
that Retry-After header when given), /delay/<seconds>, /hold/<name>[/...]
(answers 204 once release(name) is called; /hold/<name>/answer/<code> answers <code> then;
anything else after the name only tells requests apart),
/redirect/<code>/<path...> (answers <code> with Location: /<path...>), /cookie/<name>
(sets a cookie <name> for the whole host), /endless (answers 200 with a body that
never ends), and /flaky/<n>/<code>[/<retry-after>]: the first n requests to that path
answer <code> (with a Retry-After header when given), later ones succeed."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from aiohttp import web
from standardwebhooks import Webhook, WebhookVerificationError


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    verified: bool
    at: float = 0.0  # time.monotonic() on arrival

    @property
    def json(self) -> Any:
        return json.loads(self.body)


async def endless(request: web.Request) -> web.StreamResponse:
    """200, then a body written until the client goes away."""
    response = web.StreamResponse(status=200)
    await response.prepare(request)
    chunk = b"x" * 65536
    with contextlib.suppress(ConnectionError):
        while True:
            await response.write(chunk)
            await asyncio.sleep(0)


class WebhookReceiver:
    def __init__(self, secret: str) -> None:
        self.verifier = Webhook(secret)
        self.received: list[Received] = []
        self.arrived: dict[str, asyncio.Event] = defaultdict(asyncio.Event)
        self._holds: dict[str, asyncio.Event] = defaultdict(asyncio.Event)
        self._runner: web.AppRunner | None = None
        self._count_changed = asyncio.Condition()
        self.port = 0
        self.in_flight = 0  # /delay and /hold requests not answered yet
        self.most_in_flight = 0

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    async def until_received(self, count: int) -> None:
        """Return once at least `count` requests have arrived."""
        async with self._count_changed:
            await self._count_changed.wait_for(lambda: len(self.received) >= count)

    def release(self, name: str) -> None:
        self._holds[name].set()

    async def start(self) -> WebhookReceiver:
        app = web.Application()
        app.router.add_post("/{tail:.*}", self._handle)
        # A connection still open at close (a held request whose client died) is given
        # seconds, not aiohttp's default minute: one such cost a suite run 60 s.
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=5.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self

    async def close(self) -> None:
        for hold in self._holds.values():
            hold.set()
        if self._runner is not None:
            await self._runner.cleanup()

    async def _handle(self, request: web.Request) -> web.Response:
        body = await request.read()
        headers = {k.lower(): v for k, v in request.headers.items()}
        try:
            self.verifier.verify(body, headers)
            verified = True
        except WebhookVerificationError:
            verified = False
        self.received.append(Received(request.path, headers, body, verified, time.monotonic()))
        self.arrived[request.path].set()
        async with self._count_changed:
            self._count_changed.notify_all()
        parts = request.path.strip("/").split("/")
        if parts[0] == "redirect":
            location = "/" + "/".join(parts[2:])
            return web.Response(status=int(parts[1]), headers={"Location": location})
        if parts[0] == "cookie":
            return web.Response(
                status=204, headers={"Set-Cookie": f"{parts[1]}=from-the-receiver; Path=/"}
            )
        if parts[0] == "endless":
            return await endless(request)
        if parts[0] == "status":
            extra = {"Retry-After": parts[2]} if len(parts) > 2 else {}
            return web.Response(status=int(parts[1]), headers=extra)
        if parts[0] == "flaky":
            seen = sum(1 for r in self.received if r.path == request.path)
            if seen <= int(parts[1]):
                extra = {"Retry-After": parts[3]} if len(parts) > 3 else {}
                return web.Response(status=int(parts[2]), headers=extra)
        if parts[0] in ("delay", "hold"):
            self.in_flight += 1
            self.most_in_flight = max(self.most_in_flight, self.in_flight)
            try:
                if parts[0] == "delay":
                    await asyncio.sleep(float(parts[1]))
                else:
                    await self._holds[parts[1]].wait()
            finally:
                self.in_flight -= 1
            if parts[0] == "hold" and len(parts) > 3 and parts[2] == "answer":
                return web.Response(status=int(parts[3]))
        return web.Response(status=204)
