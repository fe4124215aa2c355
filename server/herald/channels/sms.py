"""SMS channel: Twilio's Messages API through the official twilio client (async).

Configuration: HERALD_TWILIO_ACCOUNT_SID, HERALD_TWILIO_AUTH_TOKEN, and either
HERALD_TWILIO_FROM (an E.164 number or alphanumeric sender) or
HERALD_TWILIO_MESSAGING_SERVICE_SID (preferred when both are set);
HERALD_TWILIO_BASE_URL (default https://api.twilio.com) and HERALD_TWILIO_TIMEOUT.

The body is sent exactly as given; the result reports its encoding (GSM-7 or UCS-2)
and segment count (herald.channels.sms_encoding).

Two twilio client traps are handled here: its aiohttp session must be created inside
the running loop (so it is built in start()), and AsyncTwilioHttpClient ignores its
own ``timeout`` (so every request gets it explicitly).

Failure codes:
- INVALID_PHONE (permanent): not an E.164 number (checked before calling Twilio), or
  Twilio error 21211 / 21614 (invalid or unreachable 'To').
- INVALID_CREDENTIALS (permanent): HTTP 401 / Twilio 20003.
- RATE_LIMITED (transient): HTTP 429 / Twilio 20429, or Twilio 21611 (the sender's
  queue is full; HTTP 400, but Twilio means "slow down and retry"), with the
  Retry-After given.
- PROVIDER_UNAVAILABLE (transient): HTTP 5xx (Retry-After honoured when present).
- PROVIDER_REJECTED (permanent): any other 4xx; the Twilio code is in the error text.
- TIMEOUT (transient): no answer within HERALD_TWILIO_TIMEOUT.
- CONNECTION_FAILED (transient): could not reach the API.
- PROVIDER_ERROR (transient): an unexpected answer (e.g. not JSON).

Twilio answers errors in two JSON forms, classified alike: the legacy one
(``{"code", "message", ...}``, raised by twilio as TwilioRestException) and RFC 9457
problem details (``{"type", "title", "status", "code", ...}``, raised as
TwilioServiceException, which is not a TwilioRestException).
"""

from __future__ import annotations

from collections.abc import Mapping
from contextvars import ContextVar
from typing import Any

import aiohttp
import phonenumbers
from aiohttp.helpers import sentinel
from twilio.base.exceptions import (
    TwilioException,
    TwilioRestException,
    TwilioServiceException,
)
from twilio.http.async_http_client import AsyncTwilioHttpClient
from twilio.http.response import Response
from twilio.rest import Client

from herald.channels.base import DeliveryResult, OutboundMessage, SmsInfo
from herald.channels.retry_after import parse_retry_after
from herald.channels.sms_encoding import count_segments
from herald.config import Settings
from herald.core.addresses import phone_problem
from herald.core.channel import Channel

DEFAULT_BASE_URL = "https://api.twilio.com"
INVALID_NUMBER_CODES = {21211, 21614, 21217, 21401}
# 20429: too many requests; 21611: the 'From' number's queue of messages is full.
RATE_LIMITED_CODES = {20429, 21611}


def e164_problem(number: str) -> str | None:
    problem = phone_problem(number)
    if problem:
        return problem
    try:
        parsed = phonenumbers.parse(number, None)
    except phonenumbers.NumberParseException as exc:
        return f"is not a phone number ({exc})"
    if not phonenumbers.is_possible_number(parsed):
        return "is not a possible phone number"
    return None


class _HeraldTwilioHttpClient(AsyncTwilioHttpClient):  # type: ignore[misc]
    """Applies the timeout twilio's client ignores and remembers each response's headers
    (for Retry-After) in a per-call holder."""

    def __init__(self, timeout: float) -> None:
        super().__init__(pool_connections=False, timeout=timeout)
        # The session's default carries our timeout, so a call without its own timeout
        # (all of ours) passes none and builds no ClientTimeout per request.
        self.session = aiohttp.ClientSession(
            timeout=aiohttp.ClientTimeout(total=timeout),
            connector=aiohttp.TCPConnector(limit=0),
        )

    async def request(
        self,
        method: str,
        url: str,
        params: dict[str, object] | None = None,
        data: dict[str, object] | None = None,
        headers: dict[str, str] | None = None,
        auth: tuple[str, str] | None = None,
        timeout: float | None = None,  # noqa: ASYNC109 (twilio's signature)
        allow_redirects: bool = False,
    ) -> Response:
        headers = dict(headers or {})
        if auth:
            headers["Authorization"] = aiohttp.encode_basic_auth(auth[0], auth[1])
        async with self.session.request(
            method.upper(),
            url,
            params=params,  # type: ignore[arg-type]
            data=data,
            headers=headers,
            timeout=aiohttp.ClientTimeout(total=timeout) if timeout else sentinel,
            allow_redirects=allow_redirects,
        ) as response:
            text = await response.text()
        capture = _CURRENT.get()
        if capture is not None:
            capture.status = response.status
            capture.headers = response.headers
        return Response(response.status, text, response.headers)

    async def close(self) -> None:
        await self.session.close()


class _Capture:
    """The last response's status and headers, for the exception twilio raises without
    them."""

    status: int | None = None
    headers: Mapping[str, str] | None = None


_CURRENT: ContextVar[_Capture | None] = ContextVar("herald_twilio_capture", default=None)


def _as_int(value: object) -> int | None:
    try:
        return int(str(value))
    except ValueError:
        return None


def classify_api_error(
    status: int | None, code: object, message: str, retry_after: float | None = None
) -> DeliveryResult:
    """An error answer of the Twilio API, whichever form its body took."""
    code = _as_int(code)
    message = message.replace("\r", " ").replace("\n", " ")
    text = f"Twilio HTTP {status}, code {code}: {message}"
    if code in INVALID_NUMBER_CODES:
        return DeliveryResult.permanent_failure("INVALID_PHONE", text)
    if status == 401 or code == 20003:
        return DeliveryResult.permanent_failure("INVALID_CREDENTIALS", text)
    if status == 429 or code in RATE_LIMITED_CODES:
        return DeliveryResult.transient_failure("RATE_LIMITED", text, retry_after)
    if status is not None and status >= 500:
        return DeliveryResult.transient_failure("PROVIDER_UNAVAILABLE", text, retry_after)
    if status is not None and 400 <= status < 500:
        return DeliveryResult.permanent_failure("PROVIDER_REJECTED", text)
    return DeliveryResult.transient_failure("PROVIDER_ERROR", text, retry_after)


def classify(
    exc: BaseException, retry_after: float | None = None, http_status: int | None = None
) -> DeliveryResult:
    if isinstance(exc, TwilioRestException):
        return classify_api_error(int(exc.status), exc.code, str(exc.msg), retry_after)
    if isinstance(exc, TwilioServiceException):
        # RFC 9457: the body's status is advisory, the HTTP status is authoritative.
        status = http_status if http_status is not None else _as_int(exc.status)
        message = f"{exc.title} - {exc.detail}" if exc.detail else str(exc.title)
        return classify_api_error(status, exc.code, message, retry_after)
    if isinstance(exc, TimeoutError):
        return DeliveryResult.transient_failure("TIMEOUT", "Twilio did not answer in time")
    if isinstance(exc, aiohttp.ClientConnectionError | OSError):
        return DeliveryResult.transient_failure(
            "CONNECTION_FAILED", f"could not reach Twilio: {type(exc).__name__}: {exc}"
        )
    if isinstance(exc, TwilioException | aiohttp.ClientError | ValueError | KeyError):
        return DeliveryResult.transient_failure(
            "PROVIDER_ERROR", f"unexpected answer from Twilio: {type(exc).__name__}"
        )
    return DeliveryResult.transient_failure("PROVIDER_ERROR", type(exc).__name__)


class SmsChannel:
    channel = Channel.SMS

    def __init__(
        self,
        account_sid: str,
        auth_token: str,
        from_: str = "",
        messaging_service_sid: str = "",
        base_url: str = "",
        timeout: float = 10.0,
    ) -> None:
        if not from_ and not messaging_service_sid:
            raise ValueError("Twilio needs a From number or a Messaging Service SID")
        self.account_sid = account_sid
        self._auth_token = auth_token
        self.from_ = from_
        self.messaging_service_sid = messaging_service_sid
        self.base_url = (base_url or DEFAULT_BASE_URL).rstrip("/")
        self.timeout = timeout
        self._http: _HeraldTwilioHttpClient | None = None
        self._client: Client | None = None
        self._messages: Any = None

    def __repr__(self) -> str:  # never show the auth token
        return f"SmsChannel(account_sid={self.account_sid!r}, base_url={self.base_url!r})"

    async def start(self) -> None:
        if self._client is not None:
            return
        self._http = _HeraldTwilioHttpClient(self.timeout)
        client = Client(self.account_sid, self._auth_token, http_client=self._http)
        client.edge = None  # TWILIO_EDGE / TWILIO_REGION would rewrite our base URL
        client.region = None
        client.api.base_url = self.base_url
        self._client = client
        # Built once: the twilio client builds these context objects anew on every access.
        self._messages = client.api.v2010.accounts(self.account_sid).messages

    async def send(self, message: OutboundMessage) -> DeliveryResult:
        segments = count_segments(message.text)
        info = SmsInfo(encoding=segments.encoding, segments=segments.segments)
        problem = e164_problem(message.recipient)
        if problem:
            return _with_sms(
                DeliveryResult.permanent_failure(
                    "INVALID_PHONE", f"recipient {message.recipient!r} {problem}"
                ),
                info,
            )
        if self._client is None:
            await self.start()
        assert self._client is not None and self._http is not None
        sender: dict[str, Any] = (
            {"messaging_service_sid": self.messaging_service_sid}
            if self.messaging_service_sid
            else {"from_": self.from_}
        )
        capture = _Capture()
        try:
            created = await self._create(message, sender, capture)
        except (TwilioRestException, TwilioServiceException) as exc:
            headers = capture.headers or {}
            retry_after = parse_retry_after(headers.get("Retry-After"))
            result = classify(exc, retry_after, capture.status)
            return _with_sms(result, info)
        except Exception as exc:
            return _with_sms(classify(exc), info)
        return DeliveryResult.delivered(provider_message_id=str(created.sid or ""), sms=info)

    async def _create(
        self, message: OutboundMessage, sender: dict[str, Any], capture: _Capture
    ) -> Any:
        assert self._client is not None
        token = _CURRENT.set(capture)
        try:
            return await self._messages.create_async(
                to=message.recipient, body=message.text, **sender
            )
        finally:
            _CURRENT.reset(token)

    async def close(self) -> None:
        http, self._http, self._client = self._http, None, None
        if http is not None:
            await http.close()


def _with_sms(result: DeliveryResult, info: SmsInfo) -> DeliveryResult:
    return DeliveryResult(
        ok=result.ok,
        permanent=result.permanent,
        error_code=result.error_code,
        error=result.error,
        retry_after=result.retry_after,
        provider_message_id=result.provider_message_id,
        sms=info,
    )


def from_settings(settings: Settings) -> SmsChannel | None:
    """The SMS adapter, or None when Twilio is not configured (channel off)."""
    if not settings.twilio_account_sid or not settings.twilio_auth_token:
        return None
    if not settings.twilio_from and not settings.twilio_messaging_service_sid:
        return None
    return SmsChannel(
        account_sid=settings.twilio_account_sid,
        auth_token=settings.twilio_auth_token,
        from_=settings.twilio_from,
        messaging_service_sid=settings.twilio_messaging_service_sid,
        base_url=settings.twilio_base_url,
        timeout=settings.twilio_timeout,
    )
