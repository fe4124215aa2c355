"""Throughput of Herald's Email, SMS, Push and Webhook adapters beside the raw libraries.

The peers (tests/peers, and bench/webhook_sink.py for webhooks) run as separate processes
on 127.0.0.1. For each channel and
concurrency level, rounds alternate raw library / Herald adapter, each round sending a
bounded number of messages (or stopping at a time cap); the reported rate is the median
round, and the ratio is adapter / raw (target >= 0.70).

Raw sides: aiosmtplib sending pre-built EmailMessages over one kept-open connection per
worker; twilio's ``messages.create_async`` on an AsyncTwilioHttpClient; firebase-admin's
``messaging.send_each_async`` (one message per call, as the adapter does); aiohttp
posting the same JSON document, serialised and signed per message with
``standardwebhooks`` (the timestamp is part of both the body and the signature).
The Herald webhook adapter runs with its SSRF guard on, allowing 127.0.0.0/8.

Usage: .venv/bin/python -m bench.channels.run [--count 2000] [--rounds 6]
       [--concurrency 1,8,32] [--time-cap 2] [--channels email,sms,push,webhook]
Writes bench/results/channels-<UTC timestamp>.{json,md}.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import ipaddress
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from importlib.metadata import version as _version
from pathlib import Path
from typing import Any

import aiohttp
import aiosmtplib
import firebase_admin
import twilio
from firebase_admin import credentials, messaging
from herald.channels import email as email_channel
from herald.channels import push as push_channel
from herald.channels import sms as sms_channel
from herald.channels.base import OutboundMessage
from herald.channels.webhook import WebhookChannel
from herald.config import Settings
from herald.core.channel import Channel
from standardwebhooks import Webhook
from twilio.http.async_http_client import AsyncTwilioHttpClient
from twilio.rest import Client

from bench.raw_webhooks import signed_post

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "bench" / "results"
ACCOUNT_SID = "AC" + "b" * 32
AUTH_TOKEN = "bench-token"
WEBHOOK_SECRET = "whsec_" + base64.b64encode(b"herald-bench-webhook-secret-32b!").decode()
SendOne = Callable[[int], Awaitable[bool]]


@dataclass
class Peer:
    process: subprocess.Popen[str]
    port: int


def start_webhook_sink() -> Peer:
    """bench/webhook_sink.py takes a fixed port and says "ready" before it listens, so
    pick a free port and wait until its /count answers."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    process = subprocess.Popen(
        [sys.executable, "-m", "bench.webhook_sink", "--port", str(port)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        text=True,
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as conn:
                conn.sendall(b"GET /count HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                if conn.recv(64).split(b" ")[1:2] == [b"200"]:
                    return Peer(process, port)
        except OSError:
            pass
        if process.poll() is not None:
            break
        time.sleep(0.05)
    process.kill()
    raise RuntimeError("webhook sink did not start")


def start_peer(module: str, *args: str) -> Peer:
    process = subprocess.Popen(
        [sys.executable, "-m", f"tests.peers.{module}", "--port", "0", *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    line = process.stdout.readline().split()
    if not line or line[0] != "READY":
        process.kill()
        raise RuntimeError(f"peer {module} did not start")
    return Peer(process, int(line[1]))


async def run_round(send: SendOne, count: int, concurrency: int, cap: float) -> dict[str, Any]:
    next_index = 0
    ok = failed = 0
    deadline = time.monotonic() + cap

    async def worker() -> None:
        nonlocal next_index, ok, failed
        while next_index < count and time.monotonic() < deadline:
            index = next_index
            next_index += 1
            if await send(index):
                ok += 1
            else:
                failed += 1

    started, cpu_started = time.perf_counter(), time.process_time()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    elapsed = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    return {
        "sent": ok,
        "failed": failed,
        "seconds": elapsed,
        "rate": ok / elapsed,
        # this process's CPU per message: less sensitive to other load on the machine
        "cpu_us_per_message": cpu / max(ok + failed, 1) * 1e6,
    }


def outbound(channel: Channel, recipient: str, index: int) -> OutboundMessage:
    return OutboundMessage(
        delivery_id=f"bench-{index}",
        message_id="bench",
        channel=channel,
        recipient=recipient,
        user_id="bench",
        subject="Benchmark",
        text="Hello from the Herald benchmark " * 4,
    )


# --- Email -------------------------------------------------------------------------


async def email_sides(port: int, concurrency: int) -> tuple[Any, Any]:
    prebuilt = []
    for n in range(64):
        mail = EmailMessage()
        mail["From"] = "bench@example.com"
        mail["To"] = "to@example.com"
        mail["Subject"] = "Benchmark"
        mail["Message-ID"] = f"<raw-{n}@bench>"
        mail.set_content("Hello from the Herald benchmark " * 4)
        prebuilt.append(mail)
    clients: list[aiosmtplib.SMTP] = []
    idle: asyncio.Queue[aiosmtplib.SMTP] = asyncio.Queue()
    for _ in range(concurrency):
        client = aiosmtplib.SMTP(hostname="127.0.0.1", port=port, start_tls=False, timeout=10)
        await client.connect()
        clients.append(client)
        idle.put_nowait(client)

    async def raw(index: int) -> bool:
        client = await idle.get()
        try:
            await client.send_message(prebuilt[index % len(prebuilt)])
            return True
        finally:
            idle.put_nowait(client)

    adapter = email_channel.from_settings(
        Settings(
            smtp_urls=(f"smtp://127.0.0.1:{port}?starttls=false",),
            email_from="Herald <bench@example.com>",
            smtp_pool_size=concurrency,
        )
    )
    assert adapter is not None
    await adapter.start()

    async def herald(index: int) -> bool:
        return (await adapter.send(outbound(Channel.EMAIL, "to@example.com", index))).ok

    async def close() -> None:
        for client in clients:
            await client.quit()
        await adapter.close()

    return (raw, herald), close


# --- SMS ---------------------------------------------------------------------------


async def sms_sides(port: int, concurrency: int) -> tuple[Any, Any]:
    base = f"http://127.0.0.1:{port}"
    http = AsyncTwilioHttpClient(timeout=10)
    client = Client(ACCOUNT_SID, AUTH_TOKEN, http_client=http)
    client.api.base_url = base
    messages = client.api.v2010.accounts(ACCOUNT_SID).messages

    body = outbound(Channel.SMS, "+14155552671", 0).text  # the body the adapter sends

    async def raw(index: int) -> bool:
        created = await messages.create_async(to="+14155552671", from_="+15005550006", body=body)
        return bool(created.sid)

    adapter = sms_channel.from_settings(
        Settings(
            twilio_account_sid=ACCOUNT_SID,
            twilio_auth_token=AUTH_TOKEN,
            twilio_from="+15005550006",
            twilio_base_url=base,
        )
    )
    assert adapter is not None
    await adapter.start()

    async def herald(index: int) -> bool:
        return (await adapter.send(outbound(Channel.SMS, "+14155552671", index))).ok

    async def close() -> None:
        await http.close()
        await adapter.close()

    return (raw, herald), close


# --- Push --------------------------------------------------------------------------

_apps = 0


async def push_sides(port: int, account: Path, concurrency: int) -> tuple[Any, Any]:
    global _apps  # noqa: PLW0603
    _apps += 1
    base = f"http://127.0.0.1:{port}"
    app = firebase_admin.initialize_app(
        credentials.Certificate(str(account)), name=f"bench-raw-{_apps}"
    )
    # firebase-admin has no endpoint option; this is the one attribute to point it at the peer.
    service = messaging._get_messaging_service(app)
    service._fcm_url = f"{base}/v1/projects/{app.project_id}/messages:send"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        prebuilt = messaging.Message(
            token="bench-token-1",
            notification=messaging.Notification(title="Benchmark", body="Hello"),
        )
    await asyncio.to_thread(service._credential.refresh, _google_request())

    async def raw(index: int) -> bool:
        batch = await messaging.send_each_async([prebuilt], app=app)
        return batch.success_count == 1

    adapter = push_channel.from_settings(Settings(fcm_credentials=str(account), fcm_base_url=base))
    assert adapter is not None
    await adapter.start()

    async def herald(index: int) -> bool:
        return (await adapter.send(outbound(Channel.PUSH, "bench-token-1", index))).ok

    async def close() -> None:
        await service._async_client.aclose()
        await asyncio.to_thread(firebase_admin.delete_app, app)
        await adapter.close()

    return (raw, herald), close


# --- Webhook -----------------------------------------------------------------------


async def webhook_sides(port: int, concurrency: int) -> tuple[Any, Any]:
    url = f"http://127.0.0.1:{port}/hook"
    template = outbound(Channel.WEBHOOK, url, 0)
    message_id, user_id = template.message_id, template.user_id
    subject, text = template.subject, template.text
    signer = Webhook(WEBHOOK_SECRET)
    session = aiohttp.ClientSession()

    async def raw(index: int) -> bool:
        return await signed_post(
            session,
            signer,
            url,
            f"bench-{index}",
            message_id=message_id,
            user_id=user_id,
            subject=subject,
            body=text,
        )

    adapter = WebhookChannel(
        secrets=[WEBHOOK_SECRET], timeout=10.0, allow=(ipaddress.ip_network("127.0.0.0/8"),)
    )
    await adapter.start()

    async def herald(index: int) -> bool:
        return (await adapter.send(outbound(Channel.WEBHOOK, url, index))).ok

    async def close() -> None:
        await session.close()
        await adapter.close()

    return (raw, herald), close


def _google_request() -> Any:
    import google.auth.transport.requests  # noqa: PLC0415

    return google.auth.transport.requests.Request()


async def bench(args: argparse.Namespace) -> dict[str, Any]:
    workdir = Path(tempfile.mkdtemp(prefix="herald-bench-"))
    account = workdir / "service-account.json"
    starters = {
        "email": lambda: start_peer("smtp"),
        "sms": lambda: start_peer(
            "twilio", "--account-sid", ACCOUNT_SID, "--auth-token", AUTH_TOKEN
        ),
        "push": lambda: start_peer("fcm", "--service-account", str(account)),
        "webhook": start_webhook_sink,
    }
    peers: dict[str, Peer] = {}
    results: list[dict[str, Any]] = []
    try:
        for name in args.channels:
            peers[name] = starters[name]()
        for name in args.channels:
            for concurrency in args.concurrency:
                if name == "email":
                    sides, close = await email_sides(peers[name].port, concurrency)
                elif name == "sms":
                    sides, close = await sms_sides(peers[name].port, concurrency)
                elif name == "webhook":
                    sides, close = await webhook_sides(peers[name].port, concurrency)
                else:
                    sides, close = await push_sides(peers[name].port, account, concurrency)
                raw, herald = sides
                # warm-up (connections, tokens), not measured
                await run_round(raw, min(20, args.count), concurrency, args.time_cap)
                await run_round(herald, min(20, args.count), concurrency, args.time_cap)
                rounds: dict[str, list[dict[str, Any]]] = {"raw": [], "herald": []}
                sides_in_order = [("raw", raw), ("herald", herald)]
                for number in range(args.rounds):
                    # ABBA: the side that goes first alternates, so a drift in the
                    # machine's load does not always favour the same side.
                    for side, send in sides_in_order[:: 1 if number % 2 == 0 else -1]:
                        rounds[side].append(
                            await run_round(send, args.count, concurrency, args.time_cap)
                        )
                await close()
                raw_rate = statistics.median(r["rate"] for r in rounds["raw"])
                herald_rate = statistics.median(r["rate"] for r in rounds["herald"])
                paired = statistics.median(
                    h["rate"] / r["rate"]
                    for r, h in zip(rounds["raw"], rounds["herald"], strict=True)
                )
                row = {
                    "channel": name,
                    "concurrency": concurrency,
                    "raw_per_second": round(raw_rate, 1),
                    "herald_per_second": round(herald_rate, 1),
                    "ratio": round(herald_rate / raw_rate, 3),
                    "paired_ratio": round(paired, 3),
                    "raw_cpu_us": round(
                        statistics.median(r["cpu_us_per_message"] for r in rounds["raw"])
                    ),
                    "herald_cpu_us": round(
                        statistics.median(r["cpu_us_per_message"] for r in rounds["herald"])
                    ),
                    "failures": sum(r["failed"] for side in rounds.values() for r in side),
                    "rounds": rounds,
                }
                results.append(row)
                print(
                    f"{name:7} c={concurrency:<3} raw {raw_rate:8.1f}/s  herald "
                    f"{herald_rate:8.1f}/s  ratio {row['ratio']:.2f}  paired {paired:.2f}  "
                    f"cpu us/msg {row['raw_cpu_us']}/{row['herald_cpu_us']}",
                    flush=True,
                )
    finally:
        for peer in peers.values():
            peer.process.terminate()
            peer.process.wait(5)
    return {
        "command": " ".join([".venv/bin/python -m bench.channels.run", *sys.argv[1:]]),
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "libraries": {
            "aiosmtplib": aiosmtplib.__version__,
            "twilio": twilio.__version__,
            "firebase_admin": firebase_admin.__version__,
            "aiohttp": aiohttp.__version__,
            "standardwebhooks": _version("standardwebhooks"),
        },
        "count_per_round": args.count,
        "rounds": args.rounds,
        "time_cap_seconds": args.time_cap,
        "target_ratio": 0.7,
        "results": results,
    }


def markdown(report: dict[str, Any]) -> str:
    lines = [
        "# Channel adapter throughput (loopback peers in separate processes)",
        "",
        f"Command: `{report['command']}`  ",
        f"When: {report['when']}; Python {report['python']}; {report['cpus']} CPUs; "
        + ", ".join(f"{k} {v}" for k, v in report["libraries"].items()),
        "",
        f"{report['count_per_round']} messages per round (capped at "
        f"{report['time_cap_seconds']} s), {report['rounds']} rounds per side in ABBA "
        "order, median round reported. Target: Herald >= 70% of the raw library.",
        "",
        "ratio = median Herald rate / median raw rate; paired = median over rounds of "
        "Herald / the raw round beside it; CPU = this process's CPU time per message "
        "(median round), raw / Herald.",
        "",
        "| channel | concurrency | raw msg/s | Herald msg/s | ratio | paired | "
        "CPU µs/msg raw / Herald | failures |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in report["results"]:
        lines.append(
            f"| {row['channel']} | {row['concurrency']} | {row['raw_per_second']} | "
            f"{row['herald_per_second']} | {row['ratio']:.2f} | {row['paired_ratio']:.2f} | "
            f"{row['raw_cpu_us']} / {row['herald_cpu_us']} | {row['failures']} |"
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--time-cap", type=float, default=2.0)
    parser.add_argument(
        "--concurrency", type=lambda s: [int(x) for x in s.split(",")], default=[1, 8, 32]
    )
    parser.add_argument(
        "--channels", type=lambda s: s.split(","), default=["email", "sms", "push", "webhook"]
    )
    parser.add_argument("--out", type=Path, default=RESULTS, help="directory for the results")
    args = parser.parse_args()
    report = asyncio.run(bench(args))
    args.out.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    (args.out / f"channels-{stamp}.json").write_text(json.dumps(report, indent=2) + "\n")
    (args.out / f"channels-{stamp}.md").write_text(markdown(report))
    print(markdown(report))
    print(f"written to {args.out / f'channels-{stamp}'}.{{md,json}}")


if __name__ == "__main__":
    main()
