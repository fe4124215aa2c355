"""SendMessage (In-App + Webhook to a loopback receiver in another process)
against a bare grpc.aio echo server, measured in the same run, alternating.

    .venv/bin/python -m bench.send_message [--rounds 5] [--seconds 5] [--concurrency 32]
        [--label before]   (results: bench/results/send_message-<date>[-<label>].{md,json})

Each round also measures two servers in between (bench/partial_server.py): the echo
server plus the signed webhook POST ("post"), and plus the POST and two SQLite commits
("post-store"), to show what those parts alone cost against the ceiling, and every
server's CPU per request (user and system, all its threads, from /proc) in its rounds.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import tempfile
from pathlib import Path
from typing import Any

from bench.harness import child, free_port, run_json, summary, write_results
from bench.notifications import cpu_seconds
from bench.raw_webhooks import BENCH_SECRET
from tests.support.auth import JWT_SECRET

TARGET_RATIO = 0.40
PARTIAL = ("post", "post-store")  # bench/partial_server.py --work


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--label", default="", help="suffix for the results files' names")
    args = parser.parse_args()

    sink_port, echo_port, herald_port = free_port(), free_port(), free_port()
    partial_ports = {work: free_port() for work in PARTIAL}
    webhook_url = f"http://127.0.0.1:{sink_port}/hook"
    data_dir = Path(tempfile.mkdtemp(prefix="herald-bench-"))
    herald_env = {
        "HERALD_LISTEN": f"127.0.0.1:{herald_port}",
        "HERALD_DATA_DIR": str(data_dir),
        "HERALD_WEBHOOK_ALLOW_CIDRS": "127.0.0.0/8",
        "HERALD_WEBHOOK_SECRET": BENCH_SECRET,
        "HERALD_LOG_LEVEL": os.environ.get("HERALD_LOG_LEVEL", "warning"),
        "HERALD_JWT_SECRET": JWT_SECRET,  # bench/loadgen.py's token verifies
    }
    log_level = herald_env["HERALD_LOG_LEVEL"]

    def load(port: int, seconds: float) -> dict[str, float]:
        return run_json(
            [
                "-m",
                "bench.loadgen",
                "--target",
                f"127.0.0.1:{port}",
                "--webhook-url",
                webhook_url,
                "--concurrency",
                str(args.concurrency),
                "--seconds",
                str(seconds),
            ]
        )

    def measured(port: int, pid: int, seconds: float) -> dict[str, float]:
        """A load round, with the server's CPU (every thread, user and system) per request."""
        before = cpu_seconds(pid)
        result = load(port, seconds)
        result["server_cpu_us"] = 1e6 * (cpu_seconds(pid) - before) / max(result["requests"], 1)
        return result

    echo_runs: list[dict[str, float]] = []
    herald_runs: list[dict[str, float]] = []
    partial_runs: dict[str, list[dict[str, float]]] = {work: [] for work in PARTIAL}
    with contextlib.ExitStack() as stack:
        stack.enter_context(
            child(["-m", "bench.webhook_sink", "--port", str(sink_port)], sink_port)
        )
        echo = stack.enter_context(
            child(["-m", "bench.echo_server", "--port", str(echo_port)], echo_port)
        )
        partial_pids = {
            work: stack.enter_context(
                child(["-m", "bench.partial_server", "--port", str(port), "--work", work], port)
            ).pid
            for work, port in partial_ports.items()
        }
        herald = stack.enter_context(
            child(
                ["-m", "herald", "serve"], herald_port, env=herald_env, log=data_dir / "server.log"
            )
        )
        for port in (echo_port, *partial_ports.values(), herald_port):
            load(port, 1.0)  # warm-up, not recorded
        for _ in range(args.rounds):
            echo_runs.append(measured(echo_port, echo.pid, args.seconds))
            for work, port in partial_ports.items():
                partial_runs[work].append(measured(port, partial_pids[work], args.seconds))
            herald_runs.append(measured(herald_port, herald.pid, args.seconds))
            partial_text = "  ".join(
                f"{work} {runs[-1]['rps']:.0f} rps" for work, runs in partial_runs.items()
            )
            print(
                f"echo {echo_runs[-1]['rps']:.0f} rps  {partial_text}  "
                f"herald {herald_runs[-1]['rps']:.0f} rps",
                flush=True,
            )

    def ratios_to_echo(runs: list[dict[str, float]]) -> list[float]:
        return [r["rps"] / e["rps"] for r, e in zip(runs, echo_runs, strict=True)]

    ratios = ratios_to_echo(herald_runs)
    document: dict[str, Any] = {
        "benchmark": "send_message",
        "command": f"HERALD_LOG_LEVEL={log_level} .venv/bin/python -m bench.send_message "
        f"--rounds {args.rounds} --seconds {args.seconds} --concurrency {args.concurrency}",
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "store": "sqlite",
        "herald_log_level": log_level,
        "echo_rps": summary([r["rps"] for r in echo_runs]),
        "herald_rps": summary([r["rps"] for r in herald_runs]),
        "herald_p50_ms": summary([r["p50_ms"] for r in herald_runs]),
        "herald_p99_ms": summary([r["p99_ms"] for r in herald_runs]),
        "echo_p50_ms": summary([r["p50_ms"] for r in echo_runs]),
        "echo_p99_ms": summary([r["p99_ms"] for r in echo_runs]),
        "server_cpu_us_per_request": {
            name: summary([r["server_cpu_us"] for r in runs])
            for name, runs in (("echo", echo_runs), *partial_runs.items(), ("herald", herald_runs))
        },
        "ratio": summary(ratios),
        "target_ratio": TARGET_RATIO,
        "partial": {
            work: {
                "rps": summary([r["rps"] for r in runs]),
                "ratio": summary(ratios_to_echo(runs)),
                "errors": sum(r["errors"] for r in runs),
            }
            for work, runs in partial_runs.items()
        },
        "errors": sum(r["errors"] for r in herald_runs),
        "failed_results": sum(r["failed_results"] for r in herald_runs),
        "runs": {"echo": echo_runs, "herald": herald_runs, **partial_runs},
    }
    r, e, h = document["ratio"], document["echo_rps"], document["herald_rps"]
    cpu = document["server_cpu_us_per_request"]
    markdown = (
        "# SendMessage vs bare grpc.aio echo (same run, alternating)\n\n"
        f"Command: `{document['command']}`\n\n"
        "| | median | min | max |\n|---|---|---|---|\n"
        f"| echo requests/s | {e['median']:.0f} | {e['min']:.0f} | {e['max']:.0f} |\n"
        f"| Herald SendMessage requests/s | {h['median']:.0f} | {h['min']:.0f} | {h['max']:.0f} |\n"
        f"| Herald p50 ms | {document['herald_p50_ms']['median']:.1f} | | |\n"
        f"| Herald p99 ms | {document['herald_p99_ms']['median']:.1f} | | |\n"
        f"| ratio Herald / echo | {r['median']:.2f} | {r['min']:.2f} | {r['max']:.2f} |\n"
        f"| server CPU per request, echo µs | {cpu['echo']['median']:.0f} "
        f"| {cpu['echo']['min']:.0f} | {cpu['echo']['max']:.0f} |\n"
        f"| server CPU per request, Herald µs | {cpu['herald']['median']:.0f} "
        f"| {cpu['herald']['min']:.0f} | {cpu['herald']['max']:.0f} |\n\n"
        f"Target: ratio >= {TARGET_RATIO}. Errors: {document['errors']}, "
        f"failed channel results: {document['failed_results']}.\n\n"
        "Part of the work alone, same rounds (bench/partial_server.py: the echo server plus "
        "the signed webhook POST; plus the POST and two SQLite commits; nothing else):\n\n"
        "| server | requests/s median (min-max) | ratio to echo median (min-max) "
        "| server CPU per request µs | errors |\n"
        "|---|---|---|---|---|\n"
        + "".join(
            f"| {work} | {p['rps']['median']:.0f} ({p['rps']['min']:.0f}-{p['rps']['max']:.0f}) "
            f"| {p['ratio']['median']:.2f} ({p['ratio']['min']:.2f}-{p['ratio']['max']:.2f}) "
            f"| {cpu[work]['median']:.0f} | {p['errors']} |\n"
            for work, p in document["partial"].items()
        )
    )
    path = write_results("send_message", document, markdown, args.label)
    print(markdown)
    print(f"written to {path}")


if __name__ == "__main__":
    main()
