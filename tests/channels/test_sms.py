"""The SMS adapter, through the real twilio client, against a Twilio-speaking peer."""

from __future__ import annotations

import asyncio
import base64
import time
from email.utils import formatdate

import pytest
from herald.channels.base import SmsInfo
from herald.channels.sms import SmsChannel, from_settings
from herald.config import Settings
from herald.core.channel import Channel

from tests.channels.conftest import outbound
from tests.peers.twilio import TwilioPeer

FROM = "+15005550006"
SERVICE_SID = "MG" + "a" * 32
# Twilio's legacy error body (twilio raises TwilioRestException) and RFC 9457 problem
# details (twilio raises TwilioServiceException, not a TwilioRestException subclass).
ERROR_FORMS = pytest.mark.parametrize("error_form", ["legacy", "problem"])


def adapter(peer: TwilioPeer, timeout: float = 5.0, **kwargs: str) -> SmsChannel:
    fields = {"account_sid": peer.account_sid, "auth_token": peer.auth_token, "from_": FROM}
    fields.update(kwargs)
    return SmsChannel(base_url=peer.base_url, timeout=timeout, **fields)


async def test_sends_from_number(twilio_peer: TwilioPeer) -> None:
    channel = adapter(twilio_peer)
    await channel.start()
    result = await channel.send(outbound(Channel.SMS, "+14155552671", text="Your code is 123456"))
    await channel.close()
    assert result.ok, result
    assert result.provider_message_id.startswith("SM") and len(result.provider_message_id) == 34
    assert result.sms == SmsInfo(encoding="GSM-7", segments=1)
    [request] = twilio_peer.requests
    assert request.account_sid == twilio_peer.account_sid
    assert request.form == {"To": "+14155552671", "From": FROM, "Body": "Your code is 123456"}
    expected = base64.b64encode(f"{twilio_peer.account_sid}:{twilio_peer.auth_token}".encode())
    assert request.headers["Authorization"] == f"Basic {expected.decode()}"


async def test_sends_with_messaging_service_and_body_as_given(twilio_peer: TwilioPeer) -> None:
    body = "Привет 👋 — {ok} " * 10
    channel = adapter(twilio_peer, from_=FROM, messaging_service_sid=SERVICE_SID)
    result = await channel.send(outbound(Channel.SMS, "+447911123456", text=body))
    await channel.close()
    assert result.ok, result
    assert result.sms == SmsInfo(encoding="UCS-2", segments=3)  # 170 UTF-16 code units
    [request] = twilio_peer.requests
    assert request.form == {"To": "+447911123456", "MessagingServiceSid": SERVICE_SID, "Body": body}


async def test_invalid_e164_is_permanent_without_calling_twilio(twilio_peer: TwilioPeer) -> None:
    channel = adapter(twilio_peer)
    for bad in ("4155552671", "+0123456789", "+1 415 555 2671", "+1415555267a", "+999123", ""):
        result = await channel.send(outbound(Channel.SMS, bad))
        assert (result.ok, result.permanent, result.error_code) == (False, True, "INVALID_PHONE")
    await channel.close()
    assert twilio_peer.requests == []


@ERROR_FORMS
async def test_twilio_errors_are_classified(twilio_peer: TwilioPeer, error_form: str) -> None:
    twilio_peer.error_form = error_form
    channel = adapter(twilio_peer)
    invalid = await channel.send(outbound(Channel.SMS, "+15005550001"))
    limited = await channel.send(outbound(Channel.SMS, "+15005550429"))
    failing = await channel.send(outbound(Channel.SMS, "+15005550500"))
    await channel.close()
    assert (invalid.permanent, invalid.error_code) == (True, "INVALID_PHONE")
    assert "21211" in invalid.error
    assert (limited.permanent, limited.error_code, limited.retry_after) == (
        False,
        "RATE_LIMITED",
        7.0,
    )
    assert (failing.permanent, failing.error_code) == (False, "PROVIDER_UNAVAILABLE")
    assert "20500" in failing.error
    assert len(twilio_peer.requests) == 3  # no hidden retries: the dispatcher owns them


@ERROR_FORMS
async def test_retry_after_is_per_call_under_concurrency(
    twilio_peer: TwilioPeer, error_form: str
) -> None:
    twilio_peer.error_form = error_form
    channel = adapter(twilio_peer)
    numbers = ["+15005550429" if n % 2 else f"+1415555{n:04d}" for n in range(20)]
    results = await asyncio.gather(*(channel.send(outbound(Channel.SMS, n)) for n in numbers))
    await channel.close()
    for number, result in zip(numbers, results, strict=True):
        if number == "+15005550429":
            assert (result.error_code, result.retry_after) == ("RATE_LIMITED", 7.0)
        else:
            assert result.ok and result.retry_after is None


@ERROR_FORMS
@pytest.mark.parametrize("zone", ["-0000", ""])
async def test_a_dated_retry_after_without_a_real_zone_is_read_as_utc(
    twilio_peer: TwilioPeer, error_form: str, zone: str
) -> None:
    # email.utils parses a "-0000" date, and one with no zone, naive: the adapter once
    # raised TypeError on it (INTERNAL_ERROR, and the channel's bucket never slowed).
    twilio_peer.error_form = error_form
    twilio_peer.retry_after = formatdate(time.time() + 120).removesuffix("-0000") + zone
    channel = adapter(twilio_peer)
    result = await channel.send(outbound(Channel.SMS, "+15005550429"))
    await channel.close()
    assert (result.ok, result.permanent, result.error_code) == (False, False, "RATE_LIMITED")
    assert result.retry_after is not None and 110 <= result.retry_after <= 120


@ERROR_FORMS
@pytest.mark.parametrize("retry_after", ["", "3"])
async def test_a_full_sender_queue_is_rate_limited(
    twilio_peer: TwilioPeer, error_form: str, retry_after: str
) -> None:
    # 21611 comes with HTTP 400 but means "slow down and retry", not a rejection.
    twilio_peer.error_form = error_form
    twilio_peer.queue_full_retry_after = retry_after
    channel = adapter(twilio_peer, from_="+15005550611")
    result = await channel.send(outbound(Channel.SMS, "+14155552671"))
    await channel.close()
    assert (result.ok, result.permanent, result.error_code) == (False, False, "RATE_LIMITED")
    assert result.retry_after == (float(retry_after) if retry_after else None)
    assert "21611" in result.error
    assert twilio_peer.count == 0 and len(twilio_peer.requests) == 1


@ERROR_FORMS
async def test_bad_credentials_are_permanent_and_not_leaked(
    twilio_peer: TwilioPeer, error_form: str
) -> None:
    twilio_peer.error_form = error_form
    channel = adapter(twilio_peer, auth_token="not-the-token-xyz")
    result = await channel.send(outbound(Channel.SMS, "+14155552671"))
    await channel.close()
    assert (result.permanent, result.error_code) == (True, "INVALID_CREDENTIALS")
    assert "20003" in result.error
    assert "not-the-token-xyz" not in result.error + repr(channel)


async def test_stalled_api_times_out(twilio_peer: TwilioPeer) -> None:
    channel = adapter(twilio_peer, timeout=0.5)
    started = time.monotonic()
    result = await channel.send(outbound(Channel.SMS, "+15005550999"))
    elapsed = time.monotonic() - started
    await channel.close()
    assert (result.ok, result.permanent, result.error_code) == (False, False, "TIMEOUT")
    assert elapsed < 2.5


async def test_unreachable_api_is_transient(refused_port: int) -> None:
    channel = SmsChannel(
        "AC" + "1" * 32, "token", from_=FROM, base_url=f"http://127.0.0.1:{refused_port}"
    )
    result = await channel.send(outbound(Channel.SMS, "+14155552671"))
    await channel.close()
    assert (result.ok, result.permanent, result.error_code) == (False, False, "CONNECTION_FAILED")


def test_from_settings() -> None:
    assert from_settings(Settings()) is None
    assert from_settings(Settings(twilio_account_sid="AC1", twilio_auth_token="t")) is None
    channel = from_settings(
        Settings(
            twilio_account_sid="AC1",
            twilio_auth_token="t",
            twilio_messaging_service_sid=SERVICE_SID,
            twilio_base_url="http://127.0.0.1:9/",
            twilio_timeout=3,
        )
    )
    assert channel is not None
    assert (channel.base_url, channel.timeout) == ("http://127.0.0.1:9", 3)
    default = from_settings(
        Settings(twilio_account_sid="AC1", twilio_auth_token="t", twilio_from=FROM)
    )
    assert default is not None and default.base_url == "https://api.twilio.com"
