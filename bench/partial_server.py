"""Between the echo server and Herald: grpc.aio servers answering SendMessage (the echo
server's canned reply) after doing only part of what Herald does, to show what each part
costs against the echo ceiling (bench/send_message.py runs them in the same rounds).

    .venv/bin/python -m bench.partial_server --port N --work post|post-store

- post: the webhook, as any server delivering it must: a Standard-Webhooks-signed JSON POST
  with aiohttp to the request's webhook_url (bench/raw_webhooks.py's signed_post, the
  adapter's shape), answered once the receiver has.
- post-store: also the durable writes a send that survives a crash needs, the cheapest way
  Python offers: a SQLite file with Herald's settings (WAL, synchronous=NORMAL), one
  transaction before the POST (the request and its two deliveries) and one after (the
  webhook's outcome and the In-App message), each run straight on the event loop's thread
  (no thread hop, no group commit).

Nothing else: no authentication, validation, In-App delivery task, retries, metrics or logs.
"""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import aiohttp
import grpc
from herald.v1 import delivery_pb2, delivery_pb2_grpc
from standardwebhooks import Webhook

from bench.echo_server import REPLY, serve
from bench.raw_webhooks import BENCH_SECRET, signed_post

SCHEMA = (
    "CREATE TABLE requests (id TEXT PRIMARY KEY, subject TEXT, body TEXT, created_at REAL)",
    "CREATE TABLE deliveries (id TEXT PRIMARY KEY, request_id TEXT, channel TEXT,"
    " recipient TEXT, state TEXT, updated_at REAL)",
    "CREATE TABLE inbox (id TEXT PRIMARY KEY, user_id TEXT, title TEXT, body TEXT)",
)


class Store:
    def __init__(self, path: Path) -> None:
        self._db = sqlite3.connect(path, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        for statement in SCHEMA:
            self._db.execute(statement)

    def accept(self, request: delivery_pb2.SendMessageRequest) -> tuple[str, str, str]:
        message_id, in_app, webhook = uuid.uuid4().hex, uuid.uuid4().hex, uuid.uuid4().hex
        now = time.time()
        self._db.execute("BEGIN IMMEDIATE")
        self._db.execute(
            "INSERT INTO requests VALUES (?, ?, ?, ?)",
            (message_id, request.subject, request.body, now),
        )
        self._db.executemany(
            "INSERT INTO deliveries VALUES (?, ?, ?, ?, 'sending', ?)",
            [
                (in_app, message_id, "in_app", request.user_id, now),
                (webhook, message_id, "webhook", request.webhook_url, now),
            ],
        )
        self._db.execute("COMMIT")
        return message_id, in_app, webhook

    def record(self, request: delivery_pb2.SendMessageRequest, in_app: str, webhook: str) -> None:
        self._db.execute("BEGIN IMMEDIATE")
        self._db.execute(
            "INSERT INTO inbox VALUES (?, ?, ?, ?)",
            (in_app, request.user_id, request.subject, request.body),
        )
        self._db.executemany(
            "UPDATE deliveries SET state = 'delivered', updated_at = ? WHERE id = ?",
            [(time.time(), in_app), (time.time(), webhook)],
        )
        self._db.execute("COMMIT")


class Partial(delivery_pb2_grpc.DeliveryServiceServicer):
    def __init__(self, store: Store | None) -> None:
        self._store = store
        self._signer = Webhook(BENCH_SECRET)
        self._session: aiohttp.ClientSession | None = None

    async def SendMessage(
        self, request: delivery_pb2.SendMessageRequest, context: Any
    ) -> delivery_pb2.SendMessageResponse:
        if self._session is None:
            self._session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=100))
        message_id = webhook_id = uuid.uuid4().hex
        in_app = ""
        if self._store is not None:
            message_id, in_app, webhook_id = self._store.accept(request)
        ok = await signed_post(
            self._session,
            self._signer,
            request.webhook_url,
            webhook_id,
            message_id=message_id,
            user_id=request.user_id,
            subject=request.subject,
            body=request.body,
        )
        if not ok:
            await context.abort(grpc.StatusCode.UNAVAILABLE, "the webhook receiver refused")
        if self._store is not None:
            self._store.record(request, in_app, webhook_id)
        return REPLY


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--work", choices=("post", "post-store"), required=True)
    args = parser.parse_args()
    store = None
    if args.work == "post-store":
        store = Store(Path(tempfile.mkdtemp(prefix="herald-bench-partial-")) / "store.db")
    await serve(Partial(store), args.port)


if __name__ == "__main__":
    asyncio.run(main())
