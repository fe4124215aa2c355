"""Webhook channel: a JSON POST signed per Standard Webhooks, behind an SSRF guard.

Failure codes:
- SSRF_REFUSED (permanent): the URL resolves to an address the policy refuses.
- WEBHOOK_REDIRECT (permanent): the receiver answered 3xx; redirects are not followed.
- RATE_LIMITED (transient): HTTP 429, with its Retry-After (this receiver's: it slows
  no other delivery down).
- WEBHOOK_HTTP_STATUS: 408, 425 and 5xx are transient (Retry-After honoured),
  other 4xx permanent.
- TIMEOUT, CONNECTION_FAILED (transient).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Sequence
from datetime import UTC, datetime

import aiohttp
import yarl
from standardwebhooks import Webhook

from herald.channels.base import DeliveryResult, OutboundMessage
from herald.channels.retry_after import parse_retry_after
from herald.channels.ssrf import (
    AddressRefusedError,
    GuardedSocketFactory,
    IPNetwork,
    is_allowed,
    literal_address,
)
from herald.core.channel import Channel

TRANSIENT_STATUSES = {408, 425, 429}
USER_AGENT = "Herald-Webhooks/1"
HOST_VERDICTS = 4096  # hosts whose verdict is kept before the cache starts again
# Of a receiver's answer, read and dropped; a longer one is left unread and its connection closed.
ANSWER_BYTES = 64 * 1024


async def drop_answer(content: aiohttp.StreamReader) -> None:
    """Read the answer's body up to ANSWER_BYTES, so its connection can carry the next
    delivery. Past that it is left unread (aiohttp then closes the connection rather
    than reuse it): an endless or huge answer costs neither memory nor the timeout."""
    left = ANSWER_BYTES
    while left > 0 and not content.at_eof():
        chunk = await content.read(left)
        if not chunk:
            return
        left -= len(chunk)


def payload_of(message: OutboundMessage, timestamp: datetime) -> str:
    data: dict[str, object] = {
        "message_id": message.message_id,
        "delivery_id": message.delivery_id,
        "user_id": message.user_id,
        "subject": message.subject,
        "body": message.text,
        "data": dict(message.data),
    }
    if message.html is not None:
        data["html"] = message.html
    document = {"type": "message.sent", "timestamp": timestamp.isoformat(), "data": data}
    return json.dumps(document, separators=(",", ":"), ensure_ascii=False)


class WebhookChannel:
    channel = Channel.WEBHOOK

    def __init__(
        self,
        secrets: Sequence[str],
        timeout: float,
        allow: tuple[IPNetwork, ...] = (),
        max_connections: int = 256,
        allow_public: bool = True,
    ) -> None:
        # Each secret signs every delivery (rotation: receivers verify with any one).
        self._signers = [Webhook(secret) for secret in secrets]
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._allow = allow
        self._public = allow_public
        self._max_connections = max_connections
        self._session: aiohttp.ClientSession | None = None
        # A URL host's verdict (None: not refused here), kept: hosts repeat, addresses parse slowly.
        self._host_verdicts: dict[str, str | None] = {}

    async def start(self) -> None:
        connector = aiohttp.TCPConnector(
            limit=self._max_connections,
            socket_factory=GuardedSocketFactory(self._allow, self._public),
        )
        self._session = aiohttp.ClientSession(
            connector=connector,
            timeout=self._timeout,
            # No state between deliveries: a receiver's cookies are not kept or sent on.
            cookie_jar=aiohttp.DummyCookieJar(),
            headers={"User-Agent": USER_AGENT},
        )

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()

    def _refused_before_resolving(self, url: yarl.URL) -> str | None:
        """Why `url` is refused without resolving or connecting anything: its
        host is a literal the policy refuses, or the policy allows nothing."""
        if not self._public and not self._allow:
            return "the webhook policy allows no destination"
        host = url.raw_host or ""
        try:
            return self._host_verdicts[host]
        except KeyError:
            pass
        address = literal_address(host)
        verdict = None
        if address is not None and not is_allowed(address, self._allow, self._public):
            verdict = f"destination address {address} is not allowed"
        if len(self._host_verdicts) >= HOST_VERDICTS:
            self._host_verdicts.clear()
        self._host_verdicts[host] = verdict
        return verdict

    async def send(self, message: OutboundMessage) -> DeliveryResult:
        assert self._session is not None, "start() first"
        # Parsed once, here: aiohttp takes the URL object as it is.
        url: yarl.URL | str
        try:
            url = yarl.URL(message.recipient)
        except (TypeError, ValueError):
            url = message.recipient  # aiohttp reports it
        else:
            refused = self._refused_before_resolving(url)
            if refused is not None:
                return DeliveryResult.permanent_failure("SSRF_REFUSED", refused)
        now = datetime.now(UTC)
        body = payload_of(message, now)
        headers = {
            "content-type": "application/json",
            "webhook-id": message.delivery_id,
            "webhook-timestamp": str(int(now.timestamp())),
            "webhook-signature": " ".join(
                signer.sign(message.delivery_id, now, body) for signer in self._signers
            ),
        }
        try:
            async with self._session.post(
                url, data=body.encode(), headers=headers, allow_redirects=False
            ) as response:
                await drop_answer(response.content)
                status = response.status
                retry_after_header = response.headers.get("Retry-After")
        except TimeoutError:
            return DeliveryResult.transient_failure(
                "TIMEOUT", "the receiver did not answer in time"
            )
        except aiohttp.ClientConnectorError as exc:
            if isinstance(exc.os_error, AddressRefusedError):
                return DeliveryResult.permanent_failure("SSRF_REFUSED", str(exc.os_error))
            return DeliveryResult.transient_failure(
                "CONNECTION_FAILED", f"cannot connect: {exc.os_error}"
            )
        except (aiohttp.ClientError, asyncio.IncompleteReadError, OSError) as exc:
            return DeliveryResult.transient_failure(
                "CONNECTION_FAILED", f"{type(exc).__name__}: {exc}"
            )
        if 200 <= status < 300:
            return DeliveryResult.delivered()
        if 300 <= status < 400:
            return DeliveryResult.permanent_failure(
                "WEBHOOK_REDIRECT",
                f"the receiver answered HTTP {status}; redirects are not followed",
            )
        error = f"the receiver answered HTTP {status}"
        if status == 429:
            return DeliveryResult.transient_failure(
                "RATE_LIMITED", error, parse_retry_after(retry_after_header)
            )
        if status in TRANSIENT_STATUSES or status >= 500:
            return DeliveryResult.transient_failure(
                "WEBHOOK_HTTP_STATUS", error, parse_retry_after(retry_after_header)
            )
        return DeliveryResult.permanent_failure("WEBHOOK_HTTP_STATUS", error)
