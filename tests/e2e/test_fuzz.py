"""Fuzz every RPC from its descriptors against a live server: random and
mutated requests (huge strings, invalid enums, control characters, random
bytes as serialized messages through a generic channel call). No answer may be
INTERNAL or UNKNOWN, and the server must stay up and healthy.

No outbound connection can happen, by configuration: Email, SMS and Push are
not configured (their deliveries fail CHANNEL_NOT_CONFIGURED before any
network), and webhooks run with HERALD_WEBHOOK_ALLOW_PUBLIC=false and no
HERALD_WEBHOOK_ALLOW_CIDRS, a policy that refuses every URL before resolving
its name (so not even a DNS query leaves) or connecting. In-App writes to the
store. The requests are seeded (FUZZ_SEED), so a failure can be replayed."""

from __future__ import annotations

import asyncio
import collections
import contextlib
import os
import random
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import grpc
import pytest
from google.protobuf import descriptor, message_factory
from google.protobuf.descriptor import FieldDescriptor as F
from grpc_health.v1 import health_pb2, health_pb2_grpc
from herald.v1 import campaign_pb2, delivery_pb2, directory_pb2, inbox_pb2, template_pb2

from tests.support.server import ServerProcess

REQUESTS = int(os.environ.get("FUZZ_REQUESTS", "10000"))
SEED = int(os.environ.get("FUZZ_SEED", "20261125"))
CONCURRENCY = 32
STREAM_MESSAGES = 3
SERVICES = [
    module.DESCRIPTOR.services_by_name[name]
    for module, name in [
        (delivery_pb2, "DeliveryService"),
        (campaign_pb2, "CampaignService"),
        (template_pb2, "TemplateService"),
        (directory_pb2, "DirectoryService"),
        (inbox_pb2, "InboxService"),
    ]
]
FORBIDDEN = {grpc.StatusCode.INTERNAL, grpc.StatusCode.UNKNOWN}

STRINGS = [
    "",
    " ",
    "a",
    "user-1",
    "3f45ef0f-39d1-4d65-8eaa-5db7c0b8f763",
    "ada@example.com",
    "a@b.c\r\nBcc: x@y.z",
    "+4520123456",
    "+1",
    "http://127.0.0.1:9/hook",
    "http://10.0.0.1/",
    "http://169.254.169.254/latest/meta-data/",
    "http://[::1]/",
    "http://2130706433/",
    "https://example.com/hook",
    "ftp://x/",
    "file:///etc/passwd",
    "javascript:alert(1)",
    "{{ ''.__class__ }}",
    "{{ 7 * 7 }}",
    "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
    "{{ missing }}",
    "{% if %}",
    "users/1",
    "notifications/../../x",
    "campaigns/x/sends/y",
    "*",
    "en-GB",
    "Europe/Copenhagen",
    "\x00",
    "\u202e\u0000\ufeff",
    "😀" * 10,
    "'; DROP TABLE requests; --",
    "%s%n%x",
    "../" * 20,
    "a" * 129,
]


class Fuzzer:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def string(self) -> str:
        r = self.rng.random()
        if r < 0.55:
            return self.rng.choice(STRINGS)
        if r < 0.75:
            return "".join(chr(self.rng.randint(1, 0x2FF)) for _ in range(self.rng.randint(1, 40)))
        if r < 0.8:
            return self.rng.choice("ax\r\n") * self.rng.choice([1_000, 100_000, 1_000_000])
        return "".join(
            self.rng.choice("abcdef0123456789-_.:@/") for _ in range(self.rng.randint(1, 64))
        )

    def integer(self, field: descriptor.FieldDescriptor) -> int:
        unsigned = field.type in (F.TYPE_UINT32, F.TYPE_UINT64, F.TYPE_FIXED32, F.TYPE_FIXED64)
        bits = (
            64
            if field.type
            in (F.TYPE_INT64, F.TYPE_UINT64, F.TYPE_SINT64, F.TYPE_FIXED64, F.TYPE_SFIXED64)
            else 32
        )
        lo, hi = (0, 2**bits - 1) if unsigned else (-(2 ** (bits - 1)), 2 ** (bits - 1) - 1)
        return self.rng.choice(
            [0, 1, -1 if not unsigned else 2, 10, 100, 1000, lo, hi, self.rng.randint(lo, hi)]
        )

    def scalar(self, field: descriptor.FieldDescriptor) -> Any:
        t = field.type
        if t == F.TYPE_STRING:
            return self.string()
        if t == F.TYPE_BYTES:
            return self.rng.randbytes(self.rng.choice([0, 1, 16, 5000, 200_000]))
        if t == F.TYPE_BOOL:
            return self.rng.random() < 0.5
        if t in (F.TYPE_DOUBLE, F.TYPE_FLOAT):
            return self.rng.choice(
                [0.0, -1.0, 1e300, float("nan"), float("inf"), self.rng.random()]
            )
        if t == F.TYPE_ENUM:
            values = [v.number for v in field.enum_type.values]
            return self.rng.choice([*values, len(values) + 5, -1, 2**31 - 1])
        return self.integer(field)

    def fill(self, message: Any, depth: int = 0) -> Any:
        for field in message.DESCRIPTOR.fields:
            if self.rng.random() < 0.4:
                continue
            repeated = field.is_repeated
            if field.type == F.TYPE_MESSAGE:
                if field.message_type.GetOptions().map_entry:
                    target = getattr(message, field.name)
                    value_field = field.message_type.fields_by_name["value"]
                    for _ in range(self.rng.choice([1, 2, 5])):
                        key = self.string()[:100]
                        if value_field.type == F.TYPE_MESSAGE:
                            if depth < 4:
                                self.fill(target[key], depth + 1)
                        else:
                            target[key] = self.scalar(value_field)
                    continue
                if depth >= 4:
                    continue
                if repeated:
                    for _ in range(self.rng.choice([0, 1, 2, 3, 60])):
                        self.fill(getattr(message, field.name).add(), depth + 1)
                else:
                    self.fill(getattr(message, field.name), depth + 1)
                    getattr(message, field.name).SetInParent()
                continue
            if repeated:
                count = self.rng.choice([0, 1, 2, 3, 51, 1000])
                getattr(message, field.name).extend(self.scalar(field) for _ in range(count))
            else:
                with contextlib.suppress(ValueError, TypeError):
                    setattr(message, field.name, self.scalar(field))
        return message

    def mutate(self, data: bytes) -> bytes:
        choice = self.rng.random()
        if choice < 0.3 or not data:
            return self.rng.randbytes(self.rng.randint(0, 300))
        data = bytearray(data)
        for _ in range(self.rng.randint(1, 8)):
            op = self.rng.random()
            at = self.rng.randrange(len(data) + 1)
            if op < 0.4 and data:
                data[min(at, len(data) - 1)] ^= 1 << self.rng.randrange(8)
            elif op < 0.6:
                data[at:at] = self.rng.choice([b"\xff", b"\x80", b"\xc0\xaf", b"\xed\xa0\x80"])
            elif op < 0.8:
                del data[at:]
            else:
                data[at:at] = self.rng.randbytes(self.rng.randint(1, 20))
        return bytes(data)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    env = {
        # Nothing outbound: see the module's docstring.
        "HERALD_WEBHOOK_ALLOW_CIDRS": "",
        "HERALD_WEBHOOK_ALLOW_PUBLIC": "false",
        "HERALD_SMTP_URL": "",
        "HERALD_TWILIO_ACCOUNT_SID": "",
        "HERALD_TWILIO_AUTH_TOKEN": "",
        "HERALD_TWILIO_FROM": "",
        "HERALD_TWILIO_MESSAGING_SERVICE_SID": "",
        "HERALD_FCM_CREDENTIALS": "",
        "HERALD_SEND_WAIT_SECONDS": "1",
        "HERALD_MAX_CALL_SECONDS": "10",
    }
    process = ServerProcess(Path(tmp_path_factory.mktemp("fuzz")), env)
    process.start()
    yield process
    process.stop()


def _identity(value: bytes) -> bytes:
    return value


async def test_fuzz_every_rpc(server: ServerProcess, channel: grpc.aio.Channel) -> None:
    fuzzer = Fuzzer(SEED)
    methods = [(s, m) for s in SERVICES for m in s.methods]
    classes = {m.full_name: message_factory.GetMessageClass(m.input_type) for _, m in methods}
    codes: collections.Counter[str] = collections.Counter()
    bad: list[tuple[str, str, bytes]] = []
    started = time.monotonic()

    async def one(index: int) -> None:
        service, method = methods[index % len(methods)]
        data = fuzzer.fill(classes[method.full_name]()).SerializeToString()
        if fuzzer.rng.random() < 0.2:
            data = fuzzer.mutate(data)
        path = f"/{service.full_name}/{method.name}"
        try:
            if method.server_streaming:
                call = channel.unary_stream(path, _identity, _identity)(data, timeout=1.5)
                for _ in range(STREAM_MESSAGES):
                    if await call.read() is grpc.aio.EOF:
                        break
                call.cancel()
                codes["OK"] += 1
            else:
                await channel.unary_unary(path, _identity, _identity)(data, timeout=15)
                codes["OK"] += 1
        except grpc.aio.AioRpcError as exc:
            codes[exc.code().name] += 1
            if exc.code() in FORBIDDEN:
                bad.append((path, f"{exc.code().name}: {exc.details()}", data[:200]))

    pending = iter(range(REQUESTS))

    async def worker() -> None:
        for index in pending:
            await one(index)

    await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
    elapsed = time.monotonic() - started
    total = sum(codes.values())
    print(f"\nfuzz: {total} requests over {len(methods)} RPCs in {elapsed:.1f} s: {dict(codes)}")
    assert total == REQUESTS >= 10_000 or "FUZZ_REQUESTS" in os.environ
    assert bad == [], bad[:5]
    assert server.process is not None and server.process.poll() is None, "the server died"
    health = health_pb2_grpc.HealthStub(channel)
    reply = await health.Check(health_pb2.HealthCheckRequest(), timeout=10)
    assert reply.status == health_pb2.HealthCheckResponse.SERVING
    errors = [e for e in server.events() if e.get("level") in ("error", "critical")]
    assert errors == [], errors[:3]
