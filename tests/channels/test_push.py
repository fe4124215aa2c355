"""The push adapter, through firebase-admin's send_each_async, against an FCM v1 peer
(which runs in its own thread: google-auth's token refresh is synchronous)."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
import time
from collections.abc import AsyncIterator, Iterator
from email.utils import formatdate
from pathlib import Path

import pytest
from herald.channels.push import PushChannel, from_settings
from herald.config import ConfigError, Settings
from herald.core.channel import Channel

from tests.channels.conftest import outbound
from tests.peers.fcm import FcmPeer, ServiceAccount, write_service_account


@pytest.fixture
async def push(fcm_peer: FcmPeer, service_account: ServiceAccount) -> AsyncIterator[PushChannel]:
    channel = PushChannel(str(service_account.path), base_url=fcm_peer.base_url, timeout=2)
    await channel.start()
    yield channel
    await channel.close()


def sends_to(peer: FcmPeer, token: str) -> list[dict[str, object]]:
    return [s for s in peer.sends if s["body"]["message"].get("token") == token]  # type: ignore[index,union-attr]


async def test_delivers_notification_and_data(push: PushChannel, fcm_peer: FcmPeer) -> None:
    token = "device-token_abc:123"
    result = await push.send(
        outbound(
            Channel.PUSH,
            token,
            subject="Order shipped",
            text="It's on its way 🚚",
            data={"order_id": "42", "deep_link": "app://orders/42"},
        )
    )
    assert result.ok, result
    assert result.provider_message_id.startswith("projects/herald-test/messages/")
    [sent] = sends_to(fcm_peer, token)
    assert sent["project"] == "herald-test"
    assert sent["body"] == {
        "message": {
            "token": token,
            "notification": {"title": "Order shipped", "body": "It's on its way 🚚"},
            "data": {"order_id": "42", "deep_link": "app://orders/42"},
        }
    }
    assert str(sent["headers"]["Authorization"]).startswith("Bearer ya29.test-")  # type: ignore[index]


async def test_fcm_errors_are_classified(push: PushChannel, fcm_peer: FcmPeer) -> None:
    unregistered = await push.send(outbound(Channel.PUSH, "unregistered-1"))
    quota = await push.send(outbound(Channel.PUSH, "quota-1"))
    unavailable = await push.send(outbound(Channel.PUSH, "unavailable-1"))
    invalid = await push.send(outbound(Channel.PUSH, "invalid-1"))
    assert (unregistered.permanent, unregistered.error_code) == (True, "UNREGISTERED_TOKEN")
    assert "delete" in unregistered.error
    assert (quota.permanent, quota.error_code, quota.retry_after) == (False, "RATE_LIMITED", 11.0)
    assert (unavailable.permanent, unavailable.error_code) == (False, "PROVIDER_UNAVAILABLE")
    assert (invalid.permanent, invalid.error_code) == (True, "INVALID_ARGUMENT")
    # firebase-admin's own retries on 503 are off: the dispatcher owns retries.
    assert len(sends_to(fcm_peer, "unavailable-1")) == 1


async def test_a_dated_retry_after_without_a_real_zone_is_read_as_utc(
    push: PushChannel, fcm_peer: FcmPeer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # email.utils parses a "-0000" date naive; the adapter used to drop such a hint.
    monkeypatch.setattr(fcm_peer, "retry_after", formatdate(time.time() + 120))
    assert fcm_peer.retry_after.endswith("-0000")
    quota = await push.send(outbound(Channel.PUSH, "quota-2"))
    assert (quota.permanent, quota.error_code) == (False, "RATE_LIMITED")
    assert quota.retry_after is not None and 110 <= quota.retry_after <= 120


async def test_malformed_token_is_refused_locally(push: PushChannel, fcm_peer: FcmPeer) -> None:
    before = len(fcm_peer.sends)
    result = await push.send(outbound(Channel.PUSH, "not a token"))
    assert (result.permanent, result.error_code) == (True, "INVALID_TOKEN")
    assert len(fcm_peer.sends) == before


async def test_stalled_fcm_times_out(fcm_peer: FcmPeer, service_account: ServiceAccount) -> None:
    channel = PushChannel(str(service_account.path), base_url=fcm_peer.base_url, timeout=0.5)
    await channel.start()
    started = time.monotonic()
    result = await channel.send(outbound(Channel.PUSH, "stall-1"))
    elapsed = time.monotonic() - started
    await channel.close()
    assert (result.ok, result.permanent, result.error_code) == (False, False, "TIMEOUT")
    assert elapsed < 2


async def test_token_refresh_never_blocks_the_event_loop(
    fcm_peer: FcmPeer, service_account: ServiceAccount
) -> None:
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.01)
            ticks += 1

    fcm_peer.token_delay = 0.6
    task = asyncio.create_task(ticker())
    try:
        channel = PushChannel(str(service_account.path), base_url=fcm_peer.base_url, timeout=3)
        before = fcm_peer.token_requests
        started = time.monotonic()
        await channel.start()  # fetches the first token
        result = await channel.send(outbound(Channel.PUSH, "refresh-1"))
        elapsed = time.monotonic() - started
        # A refused token (401) is refreshed, again off the loop, and the send retried.
        fcm_peer.revoke_tokens()
        ticks_before_second = ticks
        again = await channel.send(outbound(Channel.PUSH, "refresh-2"))
        ticks_during_second = ticks - ticks_before_second
        await channel.close()
    finally:
        fcm_peer.token_delay = 0.0
        task.cancel()
    assert result.ok and again.ok, (result, again)
    assert fcm_peer.token_requests - before == 2
    assert elapsed >= 0.6
    # Had the 0.6 s refreshes run on the loop, the ticker could not have run meanwhile.
    assert ticks >= 40
    assert ticks_during_second >= 20


async def test_untrusted_service_account_is_invalid_credentials(
    fcm_peer: FcmPeer, tmp_path: Path
) -> None:
    stranger = write_service_account(tmp_path / "stranger.json", fcm_peer.token_uri)
    channel = PushChannel(str(stranger.path), base_url=fcm_peer.base_url, timeout=2)
    await channel.start()
    result = await channel.send(outbound(Channel.PUSH, "good-token"))
    await channel.close()
    assert (result.ok, result.permanent, result.error_code) == (False, True, "INVALID_CREDENTIALS")
    assert "PRIVATE KEY" not in result.error


async def test_unreachable_fcm_is_transient(
    service_account: ServiceAccount, refused_port: int
) -> None:
    channel = PushChannel(
        str(service_account.path), base_url=f"http://127.0.0.1:{refused_port}", timeout=2
    )
    await channel.start()
    result = await channel.send(outbound(Channel.PUSH, "good-token"))
    await channel.close()
    assert (result.ok, result.permanent, result.error_code) == (False, False, "CONNECTION_FAILED")


@pytest.fixture
def silent_listener() -> Iterator[socket.socket]:
    """A loopback port that accepts connections (the kernel completes them into the
    listen backlog) but never answers; closing it resets those connections."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    yield listener
    listener.close()


@pytest.fixture
def silent_account(silent_listener: socket.socket, tmp_path: Path) -> ServiceAccount:
    """A service account whose token_uri is the silent listener."""
    port = silent_listener.getsockname()[1]
    return write_service_account(tmp_path / "silent.json", f"http://127.0.0.1:{port}/token")


async def test_silent_token_endpoint_cannot_hold_up_start(
    fcm_peer: FcmPeer, silent_account: ServiceAccount
) -> None:
    # google-auth's own timeout for a token request is 120 s; HERALD_FCM_TIMEOUT bounds it.
    channel = PushChannel(str(silent_account.path), base_url=fcm_peer.base_url, timeout=1)
    before = len(fcm_peer.sends)
    try:
        started = time.monotonic()
        try:
            async with asyncio.timeout(20):
                await channel.start()
        except TimeoutError:
            pytest.fail("start() still waiting on the token endpoint after 20 s")
        start_took = time.monotonic() - started
        started = time.monotonic()
        result = await channel.send(outbound(Channel.PUSH, "good-token"))
        send_took = time.monotonic() - started
    finally:
        await channel.close()
    assert start_took < 10
    assert (result.ok, result.permanent, result.error_code) == (False, False, "TIMEOUT")
    assert send_took < 10
    assert len(fcm_peer.sends) == before


async def test_silent_token_endpoint_does_not_pile_up_threads(
    fcm_peer: FcmPeer, silent_listener: socket.socket, silent_account: ServiceAccount
) -> None:
    channel = PushChannel(str(silent_account.path), base_url=fcm_peer.base_url, timeout=0.5)
    try:
        with contextlib.suppress(TimeoutError):  # start()'s own bound is tested above
            async with asyncio.timeout(5):
                await channel.start()
        results = [await channel.send(outbound(Channel.PUSH, "good-token-0"))]
        threads = threading.active_count()
        for i in range(1, 9):
            results.append(await channel.send(outbound(Channel.PUSH, f"good-token-{i}")))
        results += await asyncio.gather(
            *(channel.send(outbound(Channel.PUSH, f"good-token-{i}")) for i in range(9, 17))
        )
        after = threading.active_count()
    finally:
        silent_listener.close()  # frees any refresh still blocked on it, so close() is quick
        await channel.close()
    assert {(r.ok, r.permanent, r.error_code) for r in results} == {(False, False, "TIMEOUT")}
    # Each timed-out send used to leave its own refresh thread blocked for 120 s.
    assert after <= threads, (threads, after)


async def test_failed_token_refresh_at_start_is_retried_on_send(
    fcm_peer: FcmPeer, service_account: ServiceAccount
) -> None:
    channel = PushChannel(str(service_account.path), base_url=fcm_peer.base_url, timeout=1)
    before = fcm_peer.token_requests
    fcm_peer.token_delay = 30  # the first token request gets no answer in time
    try:
        started = time.monotonic()
        try:
            async with asyncio.timeout(20):
                await channel.start()
        except TimeoutError:
            pytest.fail("start() still waiting on the token endpoint after 20 s")
        start_took = time.monotonic() - started
        fcm_peer.token_delay = 0.0
        result = await channel.send(outbound(Channel.PUSH, "after-slow-start"))
    finally:
        fcm_peer.token_delay = 0.0
        await channel.close()
    assert start_took < 10
    assert result.ok, result
    assert fcm_peer.token_requests - before >= 1


def test_from_settings(tmp_path: Path) -> None:
    assert from_settings(Settings()) is None
    channel = from_settings(
        Settings(
            fcm_credentials=str(tmp_path / "sa.json"),
            fcm_base_url="http://127.0.0.1:9/",
            fcm_timeout=4,
        )
    )
    assert channel is not None
    assert (channel.base_url, channel.timeout) == ("http://127.0.0.1:9", 4)


@pytest.mark.parametrize("content", ["not json", '{"type": "authorized_user"}', None])
async def test_credentials_that_are_no_service_account_name_the_setting(
    tmp_path: Path, content: str | None
) -> None:
    path = tmp_path / "fcm.json"
    if content is not None:
        path.write_text(content)
    channel = PushChannel(str(path))
    with pytest.raises(ConfigError, match=f"HERALD_FCM_CREDENTIALS '{path}' is not a Firebase"):
        await channel.start()
    await channel.close()
