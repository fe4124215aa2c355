"""An open stream ends when its credential stops being valid: a JWT at its expiry, an API
key within 10 s of its revocation (README, Authentication), with the refusal a new call
would get; a stream whose credential stays valid goes on."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Iterator
from pathlib import Path

import grpc
import jwt
import pytest
from herald.v1 import common_pb2, delivery_pb2, delivery_pb2_grpc, inbox_pb2, inbox_pb2_grpc

from tests.support.auth import authenticated_channel, token
from tests.support.server import ServerProcess
from tests.support.status import rich_error

WAIT = 20  # seconds: a bound on a hung call, not an expectation of speed
REVOKED_WITHIN = 10.0  # README: "A revoked key stops working within 10 seconds."


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    process = ServerProcess(
        Path(tmp_path_factory.mktemp("herald")), {"HERALD_JWT_LEEWAY_SECONDS": "0"}
    )
    process.start()
    yield process
    process.stop()


class Watcher:
    """A WatchInbox stream opened with `credential`: the titles it received, how it ended."""

    def __init__(self, server: ServerProcess, credential: str, user_id: str) -> None:
        self.titles: list[str] = []
        self.error: grpc.aio.AioRpcError | None = None
        self.ended_at: float | None = None
        self.opened = asyncio.Event()
        self.new_title = asyncio.Event()
        self._task = asyncio.create_task(self._run(server, credential, user_id))

    async def _run(self, server: ServerProcess, credential: str, user_id: str) -> None:
        async with authenticated_channel(server.target, credential) as channel:
            request = inbox_pb2.WatchInboxRequest(user_id=user_id)
            try:
                async for event in inbox_pb2_grpc.InboxServiceStub(channel).WatchInbox(request):
                    self.opened.set()
                    if event.HasField("message_added"):
                        self.titles.append(event.message_added.title)
                        self.new_title.set()
            except grpc.aio.AioRpcError as error:
                self.error = error
            self.ended_at = time.time()

    async def received(self, title: str) -> bool:
        """Whether `title` arrives within a few seconds."""
        deadline = time.monotonic() + 5
        while title not in self.titles and time.monotonic() < deadline:
            self.new_title.clear()
            try:
                await asyncio.wait_for(self.new_title.wait(), deadline - time.monotonic())
            except TimeoutError:
                break
        return title in self.titles

    async def ended(self, within: float) -> bool:
        try:
            await asyncio.wait_for(asyncio.shield(self._task), within)
        except TimeoutError:
            return False
        return True

    async def close(self) -> None:
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task


async def _send(server: ServerProcess, user_id: str, title: str) -> None:
    async with authenticated_channel(server.target) as channel:
        reply = await delivery_pb2_grpc.DeliveryServiceStub(channel).SendMessage(
            delivery_pb2.SendMessageRequest(
                subject=title, body="b", channels=[common_pb2.CHANNEL_IN_APP], user_id=user_id
            ),
            timeout=WAIT,
        )
    assert reply.results[0].success, reply


async def test_a_stream_ends_when_its_jwt_expires(server: ServerProcess) -> None:
    short = token("short-lived", scopes=["read_inbox"], roles=[], ttl=3)
    expires = jwt.decode(short, options={"verify_signature": False})["exp"]
    expiring = Watcher(server, short, "u-jwt-short")
    lasting = Watcher(server, token("long-lived", scopes=["read_inbox"], roles=[]), "u-jwt-long")
    try:
        await asyncio.wait_for(asyncio.gather(expiring.opened.wait(), lasting.opened.wait()), WAIT)
        await _send(server, "u-jwt-short", "before expiry")
        assert await expiring.received("before expiry")

        await asyncio.sleep(max(0.0, expires + 0.5 - time.time()))
        await _send(server, "u-jwt-short", "after expiry")
        await _send(server, "u-jwt-long", "after expiry")

        assert await expiring.ended(within=3), "the stream outlived its token"
        assert expiring.error is not None and expiring.ended_at is not None
        error = rich_error(expiring.error)
        assert (error.code, error.reason) == (grpc.StatusCode.UNAUTHENTICATED, "TOKEN_EXPIRED")
        assert expiring.ended_at - expires < 1.0
        assert "after expiry" not in expiring.titles
        # The stream whose token is still valid goes on and receives.
        assert await lasting.received("after expiry")
        assert lasting.ended_at is None
    finally:
        await expiring.close()
        await lasting.close()


async def test_a_stream_ends_when_its_api_key_is_revoked(server: ServerProcess) -> None:
    revoked = server.cli(
        "apikey", "create", "--name", "revoked", "--scope", "read_inbox"
    ).stdout.strip()
    kept = server.cli("apikey", "create", "--name", "kept", "--scope", "read_inbox").stdout.strip()
    ending = Watcher(server, revoked, "u-key-revoked")
    lasting = Watcher(server, kept, "u-key-kept")
    try:
        await asyncio.wait_for(asyncio.gather(ending.opened.wait(), lasting.opened.wait()), WAIT)
        await _send(server, "u-key-revoked", "before revocation")
        assert await ending.received("before revocation")

        server.cli("apikey", "revoke", revoked.split("_")[1])
        revoked_at = time.time()
        # Idle: nothing is sent to the stream while it waits to be ended.
        assert await ending.ended(within=REVOKED_WITHIN + 1), "the stream outlived its key"
        assert ending.error is not None and ending.ended_at is not None
        error = rich_error(ending.error)
        assert (error.code, error.reason) == (grpc.StatusCode.UNAUTHENTICATED, "API_KEY_REVOKED")
        assert ending.ended_at - revoked_at <= REVOKED_WITHIN + 0.5
        # A new call with the key gets the same refusal.
        async with authenticated_channel(server.target, revoked) as channel:
            with pytest.raises(grpc.aio.AioRpcError) as caught:
                await inbox_pb2_grpc.InboxServiceStub(channel).GetUnreadCount(
                    inbox_pb2.GetUnreadCountRequest(user_id="u-key-revoked"), timeout=WAIT
                )
        assert rich_error(caught.value).reason == "API_KEY_REVOKED"

        # The stream of the key still valid outlived the cache and every recheck so far.
        await _send(server, "u-key-revoked", "after revocation")
        await _send(server, "u-key-kept", "after revocation")
        assert await lasting.received("after revocation")
        assert lasting.ended_at is None
        assert "after revocation" not in ending.titles
    finally:
        await ending.close()
        await lasting.close()
