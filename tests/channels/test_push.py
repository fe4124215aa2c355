"""The push adapter, through firebase-admin's send_each_async, against an FCM v1 peer
(which runs in its own thread: google-auth's token refresh is synchronous)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from herald.channels.push import PushChannel, from_settings
from herald.config import Settings
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
