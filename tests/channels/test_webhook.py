"""How the webhook adapter reads a receiver's answer, in process, against a real
receiver on 127.0.0.1: its status decides, its Retry-After only where a retry follows."""

from __future__ import annotations

import ipaddress
import time
from collections.abc import AsyncIterator
from email.utils import formatdate
from urllib.parse import quote

import pytest
from herald.channels.base import DeliveryResult
from herald.channels.webhook import WebhookChannel
from herald.core.channel import Channel

from tests.channels.conftest import outbound
from tests.support.server import WEBHOOK_SECRET
from tests.support.webhook_receiver import WebhookReceiver

LOOPBACK = (ipaddress.ip_network("127.0.0.0/8"),)
# RFC 7231 allows "-0000"; email.utils parses such a date (and one with no zone) naive.
NAIVE_DATE = "Wed, 21 Oct 2037 07:28:00 -0000"


@pytest.fixture
async def receiver() -> AsyncIterator[WebhookReceiver]:
    receiver = await WebhookReceiver(WEBHOOK_SECRET).start()
    yield receiver
    await receiver.close()


async def send(receiver: WebhookReceiver, status: int, retry_after: str) -> DeliveryResult:
    channel = WebhookChannel([WEBHOOK_SECRET], timeout=5, allow=LOOPBACK, allow_public=False)
    await channel.start()
    try:
        url = receiver.url(f"/status/{status}/{quote(retry_after)}")
        return await channel.send(outbound(Channel.WEBHOOK, url))
    finally:
        await channel.close()


@pytest.mark.parametrize("retry_after", [NAIVE_DATE, "Wed, 21 Oct 2037 07:28:00", "²", "soon"])
async def test_a_success_is_delivered_whatever_its_retry_after(
    receiver: WebhookReceiver, retry_after: str
) -> None:
    result = await send(receiver, 200, retry_after)
    assert (result.ok, result.error_code, result.retry_after) == (True, "", None)
    assert len(receiver.received) == 1


@pytest.mark.parametrize("zone", ["-0000", "", "+0000", "GMT"])
async def test_a_dated_retry_after_is_honoured_in_any_zone(
    receiver: WebhookReceiver, zone: str
) -> None:
    # formatdate(localtime=False) writes "-0000"; the zone under test replaces it.
    date = formatdate(time.time() + 120).removesuffix("-0000") + zone
    limited = await send(receiver, 429, date)
    unavailable = await send(receiver, 503, date)
    assert (limited.permanent, limited.error_code) == (False, "RATE_LIMITED")
    assert (unavailable.permanent, unavailable.error_code) == (False, "WEBHOOK_HTTP_STATUS")
    for result in (limited, unavailable):
        assert result.retry_after is not None and 110 <= result.retry_after <= 120


@pytest.mark.parametrize("retry_after", ["²", "1_0", "nan", "soon", "Wed, 32 Oct 2037 07:28:00"])
async def test_an_unreadable_retry_after_is_no_hint(
    receiver: WebhookReceiver, retry_after: str
) -> None:
    result = await send(receiver, 429, retry_after)
    assert (result.ok, result.permanent, result.error_code, result.retry_after) == (
        False,
        False,
        "RATE_LIMITED",
        None,
    )
