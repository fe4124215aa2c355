"""One large campaign on two server trees, alternated, to tell a change's cost from the
machine's drift.

    .venv/bin/python -m bench.campaign_ab --rev d7869b6 --rev . [--pairs 3]
        [--recipients 100000] [--delivery-processes N] [--label NAME]

A `--rev` is a git revision (its `server` directory, from `git archive`) or `.`, the working
tree. Each pair runs the two on fresh servers (SQLite, the default configuration, a
1,000-recipient warm-up each), the first pair A then B, the next B then A, and so on, so
neither side always runs on the warmer or the busier machine. Each run is bench.campaign's
campaign round: a CreateCampaign, one SendCampaign with every recipient, WatchCampaignSend
until COMPLETED, every post to the same loopback sink.

Writes bench/results/campaign-ab-<date>[-<label>].{json,md}.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import aiohttp

from bench.campaign import campaign_round, machine
from bench.harness import ROOT, child, free_port, summary, write_results
from bench.notifications import (
    SERVER_SOURCE,
    add_delivery_processes_argument,
    start_server,
    use_delivery_processes,
)

WARM_UP = 1000


def server_path(rev: str) -> str:
    """The PYTHONPATH entry that runs the server from `rev` ("" for the working tree)."""
    if rev == ".":
        return ""
    export = Path(tempfile.mkdtemp(prefix="herald-ab-"))
    archive = subprocess.run(
        ["git", "archive", rev, "server"], cwd=ROOT, check=True, capture_output=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(export)], input=archive, check=True)
    return str(export / "server")


def commit_of(rev: str) -> str:
    if rev == ".":
        return "working tree"
    return subprocess.run(
        ["git", "rev-parse", "--short=10", rev],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()


async def one_run(
    path: str, sink: str, session: aiohttp.ClientSession, total: int
) -> dict[str, Any]:
    inherited = os.environ.get("PYTHONPATH", "")
    SERVER_SOURCE["PYTHONPATH"] = os.pathsep.join(p for p in (path, inherited) if p)
    server = start_server("campaign-ab")
    try:
        await campaign_round(server, session, sink, WARM_UP, "warm")
        result = await campaign_round(server, session, sink, total, "main")
    finally:
        server.stop()
    result.pop("progress")
    return result


async def run(args: argparse.Namespace, paths: dict[str, str]) -> list[dict[str, Any]]:
    runs: list[dict[str, Any]] = []
    sink_port = free_port()
    sink = f"http://127.0.0.1:{sink_port}"
    with child(["-m", "bench.webhook_sink", "--port", str(sink_port)], sink_port):
        async with aiohttp.ClientSession() as session:
            for pair in range(args.pairs):
                order = args.rev if pair % 2 == 0 else args.rev[::-1]
                for rev in order:
                    result = await one_run(paths[rev], sink, session, args.recipients)
                    if result["sink_received"] != args.recipients or result["failed"]:
                        raise AssertionError(f"{rev}: not every recipient delivered: {result}")
                    runs.append({"pair": pair, "rev": rev, **result})
                    print(
                        f"pair {pair} {rev:>10}  {result['deliveries_per_second']:6.0f}/s  "
                        f"{result['seconds']:5.1f} s  "
                        f"queueing {result['send_campaign_rpc_seconds']:4.1f} s  "
                        f"CPU {result['server_cpu_ms_per_1k']:4.0f} ms/1k",
                        flush=True,
                    )
    return runs


FIGURES = (
    ("deliveries_per_second", "deliveries/s", 0),
    ("seconds", "wall s", 1),
    ("send_campaign_rpc_seconds", "SendCampaign s", 1),
    ("server_cpu_ms_per_1k", "server CPU ms per 1,000", 0),
    ("server_cpu_queueing_seconds", "of which queueing, s", 1),
    ("server_loop_cpu_seconds", "event-loop thread CPU s", 1),
)


def compare(runs: list[dict[str, Any]], a: str, b: str) -> dict[str, Any]:
    """Per figure: each side's median, min, max, and the per-pair ratio b / a."""
    out: dict[str, Any] = {}
    pairs = sorted({r["pair"] for r in runs})
    for key, _, _ in FIGURES:
        side = {rev: [r[key] for r in runs if r["rev"] == rev] for rev in (a, b)}
        ratios = [
            next(r[key] for r in runs if r["pair"] == p and r["rev"] == b)
            / next(r[key] for r in runs if r["pair"] == p and r["rev"] == a)
            for p in pairs
        ]
        out[key] = {a: summary(side[a]), b: summary(side[b]), "ratio": summary(ratios)}
    return out


def markdown(doc: dict[str, Any]) -> str:
    a, b = doc["revs"]
    m = doc["machine"]
    names = {rev: f"`{rev}` ({doc['commits'][rev]})" for rev in (a, b)}
    lines = [
        f"# Campaign A/B: {names[a]} against {names[b]}",
        "",
        f"Command: `{doc['command']}`  ",
        f"When: {doc['when']}; nproc {m['nproc']} ({m['cpu_model']}), Python {m['python']}, "
        f"SQLite {m['sqlite']}.  ",
        f"Load average before {doc['load_average_before']}, after {doc['load_average_after']}.",
        "",
        f"{doc['pairs']} pairs of {doc['recipients']:,}-recipient campaigns, each on a fresh "
        "server (SQLite, default configuration, a 1,000-recipient warm-up first), alternating "
        "which side runs first. Ratio: the second rev's figure over the first's, per pair.",
        "",
        f"| figure | {a} median (min-max) | {b} median (min-max) | ratio median (min-max) |",
        "|---|---:|---:|---:|",
    ]
    for key, label, digits in FIGURES:
        row = doc["compare"][key]

        def cell(s: dict[str, float], d: int = digits) -> str:
            return f"{s['median']:.{d}f} ({s['min']:.{d}f}-{s['max']:.{d}f})"

        lines.append(f"| {label} | {cell(row[a])} | {cell(row[b])} | {cell(row['ratio'], 2)} |")
    lines += [
        "",
        "| pair | rev | deliveries/s | wall s | SendCampaign s | CPU ms/1k |",
        "|---:|---|---:|---:|---:|---:|",
    ]
    for r in doc["runs"]:
        lines.append(
            f"| {r['pair']} | {r['rev']} | {r['deliveries_per_second']:.0f} | {r['seconds']:.1f} "
            f"| {r['send_campaign_rpc_seconds']:.1f} | {r['server_cpu_ms_per_1k']:.0f} |"
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rev", action="append", required=True, help="twice: A, then B")
    parser.add_argument("--pairs", type=int, default=3)
    parser.add_argument("--recipients", type=int, default=100_000)
    parser.add_argument("--label", default="")
    add_delivery_processes_argument(parser, "both servers")
    args = parser.parse_args()
    if len(args.rev) != 2 or args.rev[0] == args.rev[1]:
        parser.error("give --rev twice, two different revisions")
    command = (
        f".venv/bin/python -m bench.campaign_ab --rev {args.rev[0]} --rev {args.rev[1]} "
        f"--pairs {args.pairs} --recipients {args.recipients}"
    )
    command += use_delivery_processes(args.delivery_processes)
    when = dt.datetime.now(dt.UTC)
    load_before = [round(x, 2) for x in os.getloadavg()]
    paths = {rev: server_path(rev) for rev in args.rev}
    runs = asyncio.run(run(args, paths))
    doc: dict[str, Any] = {
        "benchmark": "campaign_ab",
        "command": command,
        "when": when.isoformat(timespec="seconds"),
        "machine": machine(),
        "load_average_before": load_before,
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
        "revs": args.rev,
        "commits": {rev: commit_of(rev) for rev in args.rev},
        "pairs": args.pairs,
        "recipients": args.recipients,
        "delivery_processes": args.delivery_processes,
        "runs": runs,
        "compare": compare(runs, *args.rev),
    }
    text = markdown(doc)
    path = write_results("campaign-ab", doc, text, args.label)
    print(text)
    print(f"written to {path.with_suffix('')}.{{md,json}}")


if __name__ == "__main__":
    main()
