"""The raw side of the webhook benchmarks: Standard-Webhooks-signed JSON posts made
straight with aiohttp, built as the webhook adapter builds them (channels/webhook.py:
the same headers, compact JSON of the same shape)."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import time
import uuid
from collections.abc import Callable
from typing import Any

import aiohttp
from standardwebhooks import Webhook

# The signing secret every benchmark's Herald (HERALD_WEBHOOK_SECRET) and raw side use.
BENCH_SECRET = "whsec_" + "YmVuY2htYXJrLXNlY3JldC1iZW5jaG1hcmstc2VjcmV0"


async def signed_post(
    session: aiohttp.ClientSession,
    signer: Webhook,
    url: str,
    webhook_id: str,
    *,
    message_id: str,
    user_id: str,
    subject: str,
    body: str,
) -> bool:
    """What a user of aiohttp + standardwebhooks writes: serialise the event, sign
    id.timestamp.body, POST it with the three webhook-* headers; whether a 2xx came back."""
    now = dt.datetime.now(dt.UTC)
    payload = json.dumps(
        {
            "type": "message.sent",
            "timestamp": now.isoformat(),
            "data": {
                "message_id": message_id,
                "delivery_id": webhook_id,
                "user_id": user_id,
                "subject": subject,
                "body": body,
                "data": {},
            },
        },
        separators=(",", ":"),
        ensure_ascii=False,
    )
    headers = {
        "content-type": "application/json",
        "webhook-id": webhook_id,
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": signer.sign(webhook_id, now, payload),
    }
    async with session.post(
        url, data=payload.encode(), headers=headers, allow_redirects=False
    ) as response:
        await response.read()
        return 200 <= response.status < 300


async def signed_posts(
    session: aiohttp.ClientSession,
    signer: Webhook,
    total: int,
    concurrency: int,
    *,
    url_for: Callable[[int], str],
    message_id: str,
    user_id_for: Callable[[int], str],
    subject: str,
    body: str,
) -> dict[str, Any]:
    """`total` posts, the i-th to url_for(i), by `concurrency` workers on `session`."""
    next_index = ok = failed = 0

    async def worker() -> None:
        nonlocal next_index, ok, failed
        while next_index < total:
            index = next_index
            next_index += 1
            if await signed_post(
                session,
                signer,
                url_for(index),
                uuid.uuid4().hex,
                message_id=message_id,
                user_id=user_id_for(index),
                subject=subject,
                body=body,
            ):
                ok += 1
            else:
                failed += 1

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    elapsed = time.perf_counter() - started
    return {"sent": ok, "failed": failed, "seconds": elapsed, "deliveries_per_second": ok / elapsed}
