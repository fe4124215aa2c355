"""Herald against Apprise (the peer) sending the same notification to the same loopback
webhook receiver and the same SMTP sink, alternating sides, every message counted at the
receiver.

    .venv/bin/python -m bench.apprise_peer [--quick]
        (results: bench/results/apprise-<UTC timestamp>.{md,json};
         --quick writes them to the temporary directory instead: not a record)

Every process is on 127.0.0.1: `herald serve` (tests/support/server.py's ServerProcess,
SQLite, product defaults but HERALD_SMTP_URL pointing at the sink), the webhook sink
(bench/webhook_sink.py), the SMTP sink (bench/smtp_sink.py: tests/peers/smtp.py's aiosmtpd
peer, plain SMTP, with a /count endpoint) and this process (gRPC client and Apprise).

The notification: subject "Scheduled maintenance" and a one-line body, to BATCH (50)
recipients at a time (distinct webhook URLs on the sink, or distinct addresses).

- Herald: SendNotification with the 50 recipients in `to` (channels=[WEBHOOK] or
  [EMAIL]), 16 calls in flight, until N are accepted; rate = N / (the moment the receiver
  has counted all N - the first call).
- Apprise, per recipient (`apobj.add(url)` once per recipient, one notify() per 50, as one
  would fan a notification out with Apprise; its async mode sends the targets from a thread
  pool): `json://127.0.0.1:PORT/p/<i>` and `mailto://127.0.0.1:PORT?mode=insecure&from=...
  &to=<address>`; with its defaults (the email plugin waits request_rate_per_sec = 5.5 s
  between two sends of one target; JSON's is 0) and with the throttle disabled
  (request_rate_per_sec = 0 on every target).
- Apprise, one message per notify() (webhook only): one `json://` target, notify() called
  once per message, as code that sends each notification as it happens would call it.
- Apprise, one mailto URL listing the 50 addresses (`to=a,b,...`): one SMTP connection per
  notify() carrying 50 messages, throttle disabled. Apprise's fastest email shape here.

Rounds alternate the order of the sides (ABBA). Targets: Herald >= 5x Apprise (median rate,
against each Apprise shape), and the receiver counted exactly every message sent.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import platform
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Awaitable, Callable
from importlib.metadata import version
from pathlib import Path
from typing import Any

import apprise
from herald.v1 import common_pb2, delivery_pb2, delivery_pb2_grpc

from bench.harness import RESULTS, ROOT, child, free_port, summary
from bench.notifications import (
    add_delivery_processes_argument,
    start_server,
    use_delivery_processes,
)
from tests.support.auth import authenticated_channel
from tests.support.server import ServerProcess

TARGET_RATIO = 5.0
BATCH = 50
IN_FLIGHT = 16
SUBJECT = "Scheduled maintenance"
BODY = "A scheduled maintenance window starts at 22:00 UTC and lasts one hour."
FROM = "bench@example.com"
ONE_PER_NOTIFY_SHARE = 5  # Apprise one notify() per message: 1/5 of the webhook count, as slow


def count(port: int) -> int:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/count", timeout=10) as reply:
        return int(json.loads(reply.read())["received"])


async def wait_count(port: int, goal: int, limit: float) -> float:
    """Poll the receiver until it has counted `goal`; the time it did (perf_counter)."""
    deadline = time.perf_counter() + limit
    while True:
        seen = await asyncio.to_thread(count, port)
        now = time.perf_counter()
        if seen >= goal:
            return now
        if now > deadline:
            raise AssertionError(f"receiver on {port} counted {seen}, expected {goal}")
        await asyncio.sleep(0.02)


# -- Herald ---------------------------------------------------------------------------


async def herald_round(
    server: ServerProcess, channel: str, addresses: list[str], total: int, counter: int
) -> dict[str, Any]:
    chan = common_pb2.CHANNEL_WEBHOOK if channel == "webhook" else common_pb2.CHANNEL_EMAIL
    request = delivery_pb2.SendNotificationRequest(
        channels=[chan], to=addresses[:BATCH], subject=SUBJECT, body=BODY
    )
    calls = total // BATCH
    before = await asyncio.to_thread(count, counter)
    accepted = 0
    async with authenticated_channel(server.target) as grpc_channel:
        stub = delivery_pb2_grpc.DeliveryServiceStub(grpc_channel)
        await grpc_channel.channel_ready()
        remaining = calls
        began = time.perf_counter()

        async def caller() -> None:
            nonlocal remaining, accepted
            while remaining > 0:
                remaining -= 1
                reply = await stub.SendNotification(request, timeout=60)
                accepted += sum(len(c.recipients) for c in reply.accepted_recipients)

        await asyncio.gather(*(caller() for _ in range(IN_FLIGHT)))
        accepted_at = time.perf_counter()
        done = await wait_count(counter, before + calls * BATCH, 300)
    sent = calls * BATCH
    await asyncio.sleep(0.2)
    received = await asyncio.to_thread(count, counter) - before
    return {
        "messages": sent,
        "accepted": accepted,
        "received": received,
        "accept_seconds": accepted_at - began,
        "seconds": done - began,
        "per_second": sent / (done - began),
    }


# -- Apprise --------------------------------------------------------------------------


def apprise_object(urls: list[str], throttle: bool) -> apprise.Apprise:
    apobj = apprise.Apprise()
    for url in urls:
        if not apobj.add(url):
            raise AssertionError(f"Apprise refused {url}")
    if not throttle:
        for service in apobj:
            service.request_rate_per_sec = 0
    return apobj


def apprise_round(urls: list[str], per_notify: int, total: int, throttle: bool, counter: int):  # type: ignore[no-untyped-def]
    """`total` messages through a fresh Apprise object (its targets `urls`, `per_notify`
    messages per notify() call)."""

    async def run() -> dict[str, Any]:
        apobj = apprise_object(urls, throttle)
        before = await asyncio.to_thread(count, counter)
        notifies = total // per_notify
        failed = 0
        began = time.perf_counter()
        for _ in range(notifies):
            if not await asyncio.to_thread(apobj.notify, body=BODY, title=SUBJECT):
                failed += 1
        done = await wait_count(counter, before + notifies * per_notify, 60)
        await asyncio.sleep(0.2)
        received = await asyncio.to_thread(count, counter) - before
        sent = notifies * per_notify
        return {
            "messages": sent,
            "failed_notify_calls": failed,
            "received": received,
            "seconds": done - began,
            "per_second": sent / (done - began),
        }

    return run


# -- the run ---------------------------------------------------------------------------


async def compare(
    name: str,
    sides: dict[str, Callable[[], Awaitable[dict[str, Any]]]],
    rounds: int,
) -> dict[str, list[dict[str, Any]]]:
    runs: dict[str, list[dict[str, Any]]] = {side: [] for side in sides}
    order = list(sides)
    for number in range(rounds):
        for side in order if number % 2 == 0 else order[::-1]:
            result = await sides[side]()
            runs[side].append(result)
            print(
                f"{name:7} round {number} {side:28} {result['per_second']:8.1f}/s  "
                f"({result['received']}/{result['messages']} received)",
                flush=True,
            )
    return runs


async def run(args: argparse.Namespace) -> dict[str, Any]:
    hook_port, smtp_port, smtp_count = free_port(), free_port(), free_port()
    hooks = [f"http://127.0.0.1:{hook_port}/p/{i}" for i in range(BATCH)]
    addresses = [f"user{i}@example.com" for i in range(BATCH)]
    smtp_query = f"mode=insecure&from={FROM}"
    mail_per_target = [f"mailto://127.0.0.1:{smtp_port}?{smtp_query}&to={a}" for a in addresses]
    mail_one_url = [f"mailto://127.0.0.1:{smtp_port}?{smtp_query}&to={','.join(addresses)}"]
    json_per_target = [f"json://127.0.0.1:{hook_port}/p/{i}" for i in range(BATCH)]
    json_one = json_per_target[:1]
    results: dict[str, Any] = {}
    with (
        child(["-m", "bench.webhook_sink", "--port", str(hook_port)], hook_port),
        child(
            ["-m", "bench.smtp_sink", "--port", str(smtp_port), "--count-port", str(smtp_count)],
            smtp_count,
        ),
    ):
        server = start_server(
            "apprise",
            {
                "HERALD_SMTP_URL": f"smtp://127.0.0.1:{smtp_port}?starttls=false",
                "HERALD_EMAIL_FROM": f"Herald <{FROM}>",
            },
        )
        try:
            # warm-up, not recorded
            await herald_round(server, "webhook", hooks, 500, hook_port)
            await herald_round(server, "email", addresses, 200, smtp_count)
            n_hook, n_mail, n_default = args.webhook_messages, args.email_messages, BATCH * 2
            n_one = n_hook // ONE_PER_NOTIFY_SHARE
            results["webhook"] = await compare(
                "webhook",
                {
                    "herald": lambda: herald_round(server, "webhook", hooks, n_hook, hook_port),
                    "apprise_per_target_defaults": apprise_round(
                        json_per_target, BATCH, n_hook, True, hook_port
                    ),
                    "apprise_per_target_no_throttle": apprise_round(
                        json_per_target, BATCH, n_hook, False, hook_port
                    ),
                    "apprise_one_per_notify": apprise_round(json_one, 1, n_one, True, hook_port),
                },
                args.rounds,
            )
            results["email"] = await compare(
                "email",
                {
                    "herald": lambda: herald_round(server, "email", addresses, n_mail, smtp_count),
                    # Defaults: every target waits 5.5 s between its sends, so a small count.
                    "apprise_per_target_defaults": apprise_round(
                        mail_per_target, BATCH, n_default, True, smtp_count
                    ),
                    "apprise_per_target_no_throttle": apprise_round(
                        mail_per_target, BATCH, n_mail, False, smtp_count
                    ),
                    "apprise_one_url_no_throttle": apprise_round(
                        mail_one_url, BATCH, n_mail, False, smtp_count
                    ),
                },
                args.rounds,
            )
        finally:
            server.stop()
    figures: dict[str, Any] = {}
    for channel, runs in results.items():
        herald = runs["herald"]
        rows: dict[str, Any] = {}
        for side, side_runs in runs.items():
            row: dict[str, Any] = {"per_second": summary([r["per_second"] for r in side_runs])}
            if side != "herald":
                ratios = [
                    h["per_second"] / a["per_second"]
                    for h, a in zip(herald, side_runs, strict=True)
                ]
                row["ratio"] = summary(ratios)
                row["met"] = row["ratio"]["median"] >= TARGET_RATIO
            row["messages"] = sum(r["messages"] for r in side_runs)
            row["received"] = sum(r["received"] for r in side_runs)
            rows[side] = row
        figures[channel] = rows
    return {"figures": figures, "runs": results}


def markdown(doc: dict[str, Any]) -> str:
    lines = [
        "# Herald against Apprise (same notification, same loopback receivers)",
        "",
        f"Command: `{doc['command']}`  ",
        f"When: {doc['when']}; {doc['machine']['cpus']} CPUs; Python "
        f"{doc['machine']['python']}; apprise {doc['machine']['apprise']}; load average at "
        f"start {doc['machine']['load_average_at_start']}",
        "",
        f"{doc['params']['rounds']} rounds per side, order alternating; webhook "
        f"{doc['params']['webhook_messages']} and email {doc['params']['email_messages']} "
        f"messages per round ({BATCH} recipients per notification); Apprise email with "
        f"its defaults {BATCH * 2} per round (its 5.5 s throttle), webhook one per notify() "
        f"{doc['params']['webhook_messages'] // ONE_PER_NOTIFY_SHARE} per round. Rates are "
        "messages "
        "counted at the receiver per second; ratio = Herald / Apprise per round, median "
        f"(min-max). Herald: HERALD_DELIVERY_PROCESSES={doc.get('delivery_processes', 0)}.",
        "",
        "| channel | side | msg/s median | min | max | Herald / side | target | met | "
        "received / sent |",
        "|---|---|---:|---:|---:|---:|---:|---|---:|",
    ]
    for channel, rows in doc["figures"].items():
        for side, row in rows.items():
            rate = row["per_second"]
            ratio = row.get("ratio")
            lines.append(
                f"| {channel} | {side} | {rate['median']:.1f} | {rate['min']:.1f} | "
                f"{rate['max']:.1f} | "
                + (
                    f"{ratio['median']:.2f} ({ratio['min']:.2f}-{ratio['max']:.2f}) | "
                    f">= {TARGET_RATIO:.0f} | {'yes' if row['met'] else 'NOT met'} | "
                    if ratio
                    else " | | | "
                )
                + f"{row['received']} / {row['messages']} |"
            )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small numbers, about 30 s")
    parser.add_argument("--rounds", type=int)
    add_delivery_processes_argument(parser, "Herald's server")
    args = parser.parse_args()
    full = {"rounds": 3, "webhook_messages": 5000, "email_messages": 2000}
    quick = {"rounds": 1, "webhook_messages": 500, "email_messages": 250}
    rounds = args.rounds
    for key, value in (quick if args.quick else full).items():
        setattr(args, key, value)
    if rounds:
        args.rounds = rounds
    command = ".venv/bin/python -m bench.apprise_peer" + (" --quick" if args.quick else "")
    if rounds:
        command += f" --rounds {rounds}"
    command += use_delivery_processes(args.delivery_processes)
    when = dt.datetime.now(dt.UTC)
    load = [round(x, 2) for x in os.getloadavg()]
    figures = asyncio.run(run(args))
    doc = {
        "benchmark": "apprise_peer",
        "command": command,
        "when": when.isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "apprise": version("apprise"),
            "load_average_at_start": load,
            "commit": subprocess.run(
                ["git", "rev-parse", "--short=10", "HEAD"],
                cwd=ROOT,
                capture_output=True,
                text=True,
                check=False,
            ).stdout.strip(),
        },
        "params": {k: getattr(args, k) for k in full},
        "delivery_processes": args.delivery_processes,
        "target_ratio": TARGET_RATIO,
        **figures,
    }
    ratios = [
        row["ratio"]["median"]
        for rows in doc["figures"].values()
        for row in rows.values()
        if "ratio" in row
    ]
    doc["min_ratio"] = min(ratios)
    doc["all_delivered"] = all(
        row["received"] == row["messages"]
        for rows in doc["figures"].values()
        for row in rows.values()
    )
    text = markdown(doc)
    stem = RESULTS / f"apprise-{when.strftime('%Y%m%dT%H%M%SZ')}"
    if args.quick:
        stem = Path(tempfile.gettempdir()) / stem.name
    RESULTS.mkdir(parents=True, exist_ok=True)
    stem.with_suffix(".json").write_text(json.dumps(doc, indent=2) + "\n")
    stem.with_suffix(".md").write_text(text)
    print(text)
    print(f"written to {stem}.{{md,json}}")


if __name__ == "__main__":
    main()
