"""Every benchmark in one run, one summary table.

    .venv/bin/python -m bench.suite [--quick]      (make bench / make bench-quick)

Runs the benchmarks as subprocesses with their own flags (each starts and stops its own
server, sinks and peers on 127.0.0.1), one after another so they do not compete for the
CPUs, reads the JSON each one writes, and writes

    bench/results/<UTC date-time>[-quick].json   every benchmark's document, and the summary
    bench/results/<UTC date-time>[-quick].md     the summary table (figure, median, min, max,
                                                 ratio, target, met?) and links
    bench/results/<UTC date-time>[-quick]-*.png  the plots (bench/plots.py)

--quick runs each benchmark's smallest configuration (under two minutes in all; its
figures are a smoke test, not a record). Each figure is a median over the runs the
benchmark made, with min and max; each ratio was measured in the same run, sides
alternating (see each benchmark's docstring).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.harness import RESULTS, ROOT

WRITTEN = re.compile(r"written to (\S+?)(?:\.\{md,json\}|\.json)\s*$")
# A stage name ending in this ran its benchmark with HERALD_DELIVERY_PROCESSES=1 (DP1),
# and its summary rows say so (DP1_LABEL).
ONE_DELIVERY_PROCESS = "+1dp"
DP1 = ["--delivery-processes", "1"]
DP1_LABEL = "HERALD_DELIVERY_PROCESSES=1"


def stages(quick: bool, scratch: Path, run_label: str) -> list[tuple[str, list[str]]]:
    """`run_label` names this run's send_message results (it writes <date>-<label>)."""
    if quick:
        return [
            ("concurrency", ["-m", "bench.concurrency", "--quick"]),
            ("apprise", ["-m", "bench.apprise_peer", "--quick"]),
            ("notifications", ["-m", "bench.notifications", "--smoke"]),
            ("campaign", ["-m", "bench.campaign", "--smoke"]),
            (
                "channels",
                [
                    "-m",
                    "bench.channels.run",
                    "--channels",
                    "email,webhook",
                    "--concurrency",
                    "32",
                    "--rounds",
                    "2",
                    "--count",
                    "300",
                    "--time-cap",
                    "1",
                    "--out",
                    str(scratch),
                ],
            ),
        ]
    return [
        ("send_message", ["-m", "bench.send_message", "--label", run_label]),
        ("concurrency", ["-m", "bench.concurrency"]),
        ("apprise", ["-m", "bench.apprise_peer"]),
        ("notifications", ["-m", "bench.notifications"]),
        ("campaign", ["-m", "bench.campaign"]),
        # The three that deliver through the queue again, with the delivery process
        # README recommends where a core is spare (PostgreSQL acceptance is not run again).
        ("apprise" + ONE_DELIVERY_PROCESS, ["-m", "bench.apprise_peer", *DP1]),
        (
            "notifications" + ONE_DELIVERY_PROCESS,
            ["-m", "bench.notifications", "--no-postgres", *DP1],
        ),
        ("campaign" + ONE_DELIVERY_PROCESS, ["-m", "bench.campaign", *DP1]),
        ("channels", ["-m", "bench.channels.run", "--channels", "email,webhook"]),
        ("replicas", ["-m", "bench.replicas"]),
    ]


def run_stage(name: str, args: list[str], log: Any) -> tuple[dict[str, Any] | None, float, str]:
    """Run one benchmark, echo and log its output; its JSON document (None if it failed)."""
    print(f"== {name}: python {' '.join(args)}", flush=True)
    began = time.monotonic()
    process = subprocess.Popen(
        [sys.executable, *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert process.stdout is not None
    path = ""
    for line in process.stdout:
        log.write(line)
        if match := WRITTEN.search(line):
            path = match.group(1) + ".json"
        if not line.startswith(("|", "#")) and line.strip():
            print(f"   {line.rstrip()}", flush=True)
    code = process.wait()
    seconds = time.monotonic() - began
    if code != 0 or not path:
        print(f"== {name}: FAILED (exit {code}) after {seconds:.0f} s", flush=True)
        return None, seconds, path
    print(f"== {name}: {seconds:.0f} s, {path}", flush=True)
    return json.loads(Path(path).read_text()), seconds, path


# -- the summary -------------------------------------------------------------------------


REPLICAS_TARGET = 1.6  # two replicas deliver at least 1.6x one (issue 8)


def row(
    figure: str,
    stat: dict[str, float] | float | None,
    *,
    ratio: dict[str, float] | float | None = None,
    target: str = "",
    met: bool | None = None,
    unit: str = "",
) -> dict[str, Any]:
    if isinstance(stat, dict):
        values = {"median": stat["median"], "min": stat["min"], "max": stat["max"]}
    else:
        values = {"median": stat, "min": None, "max": None}
    r = ratio["median"] if isinstance(ratio, dict) else ratio
    return {"figure": figure, "unit": unit, **values, "ratio": r, "target": target, "met": met}


def send_message_rows(d: dict[str, Any]) -> list[dict[str, Any]]:
    rows = [
        row("bench.send_message: echo requests/s (c=32)", d["echo_rps"], unit="req/s"),
        row(
            "bench.send_message: SendMessage requests/s (c=32)",
            d["herald_rps"],
            ratio=d["ratio"],
            target=f"ratio >= {d['target_ratio']}",
            met=d["ratio"]["median"] >= d["target_ratio"],
            unit="req/s",
        ),
        row("bench.send_message: SendMessage p50", d["herald_p50_ms"], unit="ms"),
        row("bench.send_message: SendMessage p99", d["herald_p99_ms"], unit="ms"),
    ]
    for work, partial in d.get("partial", {}).items():
        rows.append(
            row(
                f"bench.send_message: echo + {work} (bench/partial_server.py) requests/s",
                partial["rps"],
                ratio=partial["ratio"],
                unit="req/s",
            )
        )
    return rows


def concurrency_rows(d: dict[str, Any]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for level in d["sweep"]:
        c = level["concurrency"]
        rows.append(row(f"echo (ceiling) unary requests/s, c={c}", level["echo_rps"]))
        rows.append(
            row(
                f"SendMessage requests/s, c={c}",
                level["herald_rps"],
                ratio=level["ratio"],
                target="ratio >= 0.4" if c == 32 else "",
                met=level["ratio"]["median"] >= 0.4 if c == 32 else None,
                unit="req/s",
            )
        )
        rows.append(row(f"SendMessage p50 ms, c={c}", level["herald_p50_ms"]))
        rows.append(row(f"SendMessage p99 ms, c={c}", level["herald_p99_ms"]))
    s = d["stream"]
    rows += [
        row("echo (ceiling) stream messages/s", s["echo"]["messages_per_second"]),
        row(
            "SendMessageStream messages/s",
            s["herald"]["messages_per_second"],
            ratio=s["ratio"],
        ),
        row("SendMessageStream time to first result p50 ms", s["herald"]["ttfr_p50_ms"]),
        row("SendMessageStream time to first result p99 ms", s["herald"]["ttfr_p99_ms"]),
    ]
    return rows


def apprise_rows(d: dict[str, Any]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for channel, sides in d["figures"].items():
        rows.append(
            row(
                f"{channel}: Herald SendNotification msg/s delivered",
                sides["herald"]["per_second"],
                met=sides["herald"]["received"] == sides["herald"]["messages"],
                target="all delivered",
            )
        )
        for side, figures in sides.items():
            if side == "herald":
                continue
            rows.append(
                row(
                    f"{channel}: Apprise {side.removeprefix('apprise_')} msg/s",
                    figures["per_second"],
                    ratio=figures["ratio"],
                    target=f"Herald >= {d['target_ratio']:.0f}x",
                    met=figures["met"] and figures["received"] == figures["messages"],
                )
            )
    return rows


def notifications_rows(d: dict[str, Any]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    target = d["targets"]["accept_recipients_per_second"]
    for store, figures in d["acceptance"]["stores"].items():
        rate = figures["recipients_per_second"]
        rows.append(
            row(
                f"SendNotification recipients/s accepted ({store})",
                rate,
                target=f">= {target:.0f}",
                met=rate["median"] >= target,
            )
        )
    delivery = d["delivery"]
    rows += [
        row("aiohttp (ceiling) signed webhook posts/s", delivery["raw_per_second"]),
        row(
            "SendNotification recipients/s delivered (sqlite)",
            delivery["herald_per_second"],
            ratio=delivery["ratio"],
            target=f"ratio >= {d['targets']['delivery_ratio']}",
            met=d["met"]["delivery_ratio"],
        ),
        row(
            "server peak RSS growth, small to large run",
            d["rss"]["peak_growth"],
            target=f"<= {d['targets']['rss_peak_growth']}",
            met=d["met"]["rss"],
        ),
    ]
    return rows


def campaign_rows(d: dict[str, Any]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    c = d["delivery"]["campaign"]
    n = c["recipients"]
    rows += [
        row(f"campaign of {n}: wall time s", c["seconds"]),
        row(
            f"campaign of {n}: deliveries/s",
            c["deliveries_per_second"],
            ratio=d["delivery"]["ratio"],
            target=f"ratio >= {d['targets']['ratio']}",
            met=d["met"]["ratio"],
        ),
        row(
            f"campaign of {n}: peak server RSS MB",
            c["rss_peak_bytes"] / 1e6,
            target=f"< {d['targets']['rss_peak_bytes'] / 1e6:.0f}",
            met=d["met"]["rss"],
        ),
        row(
            f"campaign of {n}: delivered (sink count)",
            c["sink_received"],
            target=f"= {n}",
            met=d["met"]["all_delivered"],
        ),
        row(
            "SendMessage p99 ms without a campaign",
            d["latency"]["pooled"]["without"]["p99_ms"],
        ),
        row(
            "SendMessage p99 ms during a campaign",
            d["latency"]["pooled"]["during"]["p99_ms"],
            ratio=d["latency"]["p99_ratio"],
            target=f"ratio <= {d['targets']['p99_ratio']}",
            met=d["met"]["p99"],
        ),
    ]
    return rows


def channels_rows(d: dict[str, Any]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for result in d["results"]:
        raw = [r["rate"] for r in result["rounds"]["raw"]]
        herald = [r["rate"] for r in result["rounds"]["herald"]]
        name = {"email": "aiosmtplib", "webhook": "aiohttp"}.get(
            result["channel"], result["channel"]
        )
        rows.append(
            row(
                f"{name} (ceiling) {result['channel']} msg/s, c={result['concurrency']}",
                {"median": result["raw_per_second"], "min": min(raw), "max": max(raw)},
            )
        )
        rows.append(
            row(
                f"Herald {result['channel']} adapter msg/s, c={result['concurrency']}",
                {"median": result["herald_per_second"], "min": min(herald), "max": max(herald)},
                ratio=result["paired_ratio"],
                target=f"ratio >= {d['target_ratio']}",
                met=result["paired_ratio"] >= d["target_ratio"],
            )
        )
    return rows


def replicas_rows(d: dict[str, Any]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    f = d["figures"]
    for key, label in (
        ("accepted_per_second", "accepted"),
        ("delivered_per_second", "delivered"),
    ):
        rows.append(
            row(f"SendNotification recipients/s {label}, 1 replica (postgresql)", f[key]["one"])
        )
        rows.append(
            row(
                f"SendNotification recipients/s {label}, 2 replicas sharing postgresql",
                f[key]["two"],
                ratio=f[key]["ratio"],
                target=f"ratio >= {REPLICAS_TARGET}" if key == "delivered_per_second" else "",
                met=(f["all_delivered"] and f[key]["ratio"]["median"] >= REPLICAS_TARGET)
                if key == "delivered_per_second"
                else None,
            )
        )
    if c := f.get("campaign"):
        rows += replica_campaign_rows(c, d["params"]["campaign_recipients"])
    return rows


SUMMARIES: dict[str, Callable[[dict[str, Any]], list[dict[str, Any]]]] = {
    "send_message": send_message_rows,
    "concurrency": concurrency_rows,
    "apprise": apprise_rows,
    "notifications": notifications_rows,
    "campaign": campaign_rows,
    "channels": channels_rows,
    "replicas": replicas_rows,
}


def summarise(docs: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """The summary rows of every benchmark that ran, in the order they ran."""
    rows: list[dict[str, Any]] = []
    for name, document in docs.items():
        benchmark = name.removesuffix(ONE_DELIVERY_PROCESS)
        stage_rows = SUMMARIES[benchmark](document)
        if benchmark != name:
            for stage_row in stage_rows:
                stage_row["figure"] += f", {DP1_LABEL}"
        rows += stage_rows
    return rows


def replica_campaign_rows(c: dict[str, Any], recipients: int) -> list[dict[str, Any]]:
    rate = c["deliveries_per_second"]
    rows = [
        row(f"{recipients:,}-recipient campaign deliveries/s, 1 replica (postgresql)", rate["one"]),
        row(
            f"{recipients:,}-recipient campaign deliveries/s, 2 replicas sharing postgresql",
            rate["two"],
            ratio=rate["ratio"],
            target=f"ratio >= {REPLICAS_TARGET}",
            met=c["all_delivered"] and rate["ratio"]["median"] >= REPLICAS_TARGET,
        ),
    ]
    for name, label in (("one", "1 replica"), ("two", "2 replicas")):
        p99 = c["send_message_p99_ms"][name]
        rows.append(
            row(
                f"SendMessage p99 ms during a campaign, {label} (postgresql; without: "
                f"{p99['without']:.1f})",
                p99["during"],
                ratio=p99["ratio"],
                target=f"ratio <= {c['p99_ratio_target']}",
                met=p99["ratio"] <= c["p99_ratio_target"],
            )
        )
    return rows


def fmt(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return f"{value}"
    if abs(value) >= 100:
        return f"{value:.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def markdown(doc: dict[str, Any], plots: list[str]) -> str:
    lines = [
        f"# Benchmark suite{' (quick: a smoke test, not a record)' if doc['quick'] else ''}",
        "",
        f"Command: `{doc['command']}`  ",
        f"When: {doc['when']}; {doc['machine']['cpus']} CPUs; Python "
        f"{doc['machine']['python']}; commit {doc['machine']['commit']}; load average at "
        f"start {doc['machine']['load_average_at_start']}, at end "
        f"{doc['machine']['load_average_at_end']}; {doc['seconds']:.0f} s in all",
        "",
        "Each figure: median (min, max) over the benchmark's runs; each ratio measured in the "
        "same run with the two sides alternating. Ceilings are marked (ceiling). Details in each "
        "benchmark's own results file (below).",
        "",
        "| figure | median | min | max | ratio | target | met? |",
        "|---|---:|---:|---:|---:|---|---|",
    ]
    for r in doc["summary"]:
        met = "" if r["met"] is None else ("yes" if r["met"] else "**NO**")
        lines.append(
            f"| {r['figure']} | {fmt(r['median'])} | {fmt(r['min'])} | {fmt(r['max'])} | "
            f"{fmt(r['ratio'])} | {r['target']} | {met} |"
        )
    lines += ["", "## Benchmarks run", "", "| benchmark | seconds | results |", "|---|---:|---|"]
    for name, stage in doc["stages"].items():
        lines.append(f"| {name} | {stage['seconds']:.0f} | {stage['path'] or 'FAILED'} |")
    if plots:
        lines += ["", "## Plots", ""]
        lines += [f"![{Path(p).stem}]({Path(p).name})" for p in plots]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="under two minutes, a smoke test")
    parser.add_argument(
        "--only", help="comma-separated benchmark names (send_message, concurrency, ...)"
    )
    args = parser.parse_args()
    when = dt.datetime.now(dt.UTC)
    stem = RESULTS / (when.strftime("%Y%m%dT%H%M%SZ") + ("-quick" if args.quick else ""))
    RESULTS.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix="herald-suite-"))
    load = [round(x, 2) for x in os.getloadavg()]
    began = time.monotonic()
    docs: dict[str, dict[str, Any]] = {}
    stage_info: dict[str, dict[str, Any]] = {}
    wanted = set(args.only.split(",")) if args.only else None
    with open(scratch / "suite.log", "w") as log:
        for name, stage_args in stages(args.quick, scratch, "suite-" + when.strftime("%H%M%S")):
            if wanted and name not in wanted:
                continue
            document, seconds, path = run_stage(name, stage_args, log)
            stage_info[name] = {"seconds": seconds, "path": path if document else ""}
            if document:
                docs[name] = document
    commit = subprocess.run(
        ["git", "rev-parse", "--short=10", "HEAD"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    command = ".venv/bin/python -m bench.suite" + (" --quick" if args.quick else "")
    doc: dict[str, Any] = {
        "benchmark": "suite",
        "command": command + (f" --only {args.only}" if args.only else ""),
        "quick": args.quick,
        "when": when.isoformat(timespec="seconds"),
        "seconds": time.monotonic() - began,
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "commit": commit,
            "load_average_at_start": load,
            "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
        },
        "stages": stage_info,
        "summary": summarise(docs),
        "benchmarks": docs,
    }
    plots: list[str] = []
    try:
        from bench.plots import draw  # noqa: PLC0415 - matplotlib only here

        plots = draw(docs, stem)
    except Exception as error:  # a plot must not lose the run's figures
        print(f"plots failed: {error!r}", flush=True)
    doc["plots"] = [Path(p).name for p in plots]
    stem.with_suffix(".json").write_text(json.dumps(doc, indent=2) + "\n")
    text = markdown(doc, plots)
    stem.with_suffix(".md").write_text(text)
    print(text)
    print(f"written to {stem}.{{md,json}} in {doc['seconds']:.0f} s")
    if len(docs) < len(stage_info):
        sys.exit(1)


if __name__ == "__main__":
    main()
