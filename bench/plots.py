"""The suite's plots (matplotlib, Agg): one PNG per headline, next to the summary.

- throughput against concurrency: SendMessage and the bare echo server (bench.concurrency);
- latency distribution: SendMessage latencies at one concurrency, histogram and CDF;
- campaign progress over time: sent per WatchCampaignSend update (bench.campaign).

    .venv/bin/python -m bench.plots bench/results/<suite>.json   (redraws from a suite file)
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt


def throughput(doc: dict[str, Any], path: Path) -> None:
    sweep = doc["sweep"]
    levels = [row["concurrency"] for row in sweep]
    fig, ax = plt.subplots(figsize=(7, 4.5))
    for key, label in (("echo_rps", "bare grpc.aio echo (ceiling)"), ("herald_rps", "Herald")):
        med = [row[key]["median"] for row in sweep]
        low = [row[key]["median"] - row[key]["min"] for row in sweep]
        high = [row[key]["max"] - row[key]["median"] for row in sweep]
        ax.errorbar(levels, med, yerr=[low, high], marker="o", capsize=4, label=label)
    ax.set_xscale("log", base=2)
    ax.set_xticks(levels, [str(x) for x in levels])
    ax.set_xlabel("concurrent callers")
    ax.set_ylabel("SendMessage requests/s (median, min-max)")
    ax.set_title("SendMessage (In-App + Webhook) against concurrency")
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def latency(doc: dict[str, Any], path: Path) -> None:
    sample = doc["latency_sample"]
    values = sorted(sample["latencies_ms"])
    fig, (hist, cdf) = plt.subplots(1, 2, figsize=(10, 4))
    hist.hist(values, bins=60, color="tab:blue")
    hist.set_xlabel("latency ms")
    hist.set_ylabel("requests")
    hist.set_title(f"SendMessage latency, {sample['concurrency']} callers")
    n = len(values)
    cdf.plot(values, [(i + 1) / n for i in range(n)])
    for p in (0.5, 0.99):
        x = values[min(n - 1, int(p * n))]
        cdf.axvline(x, color="grey", ls="--", lw=0.8)
        cdf.annotate(f"p{int(p * 100)} {x:.1f} ms", (x, p), fontsize=8)
    cdf.set_xscale("log")
    cdf.set_xlabel("latency ms (log)")
    cdf.set_ylabel("fraction of requests")
    cdf.set_title(f"CDF ({n} requests)")
    cdf.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def campaign(doc: dict[str, Any], path: Path) -> None:
    c = doc["delivery"]["campaign"]
    progress = c.get("progress") or []
    fig, ax = plt.subplots(figsize=(7, 4.5))
    ax.plot([p[0] for p in progress], [p[1] for p in progress], label="sent")
    ax.axhline(c["recipients"], color="grey", ls="--", lw=0.8, label="recipients")
    ax.axvline(c["send_campaign_rpc_seconds"], color="tab:orange", ls=":", label="all queued")
    ax.set_xlabel("seconds since SendCampaign")
    ax.set_ylabel("deliveries sent (WatchCampaignSend)")
    ax.set_title(
        f"Campaign of {c['recipients']}: {c['seconds']:.1f} s, "
        f"{c['deliveries_per_second']:.0f} deliveries/s"
    )
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def draw(docs: dict[str, dict[str, Any]], stem: Path) -> list[str]:
    """Draw what the documents allow; the PNGs' paths."""
    written = []
    jobs = [
        ("concurrency", "throughput", throughput),
        ("concurrency", "latency", latency),
        ("campaign", "campaign", campaign),
    ]
    for source, name, function in jobs:
        if source in docs:
            path = stem.with_name(f"{stem.name}-{name}.png")
            function(docs[source], path)
            written.append(str(path))
    return written


if __name__ == "__main__":
    suite = Path(sys.argv[1])
    print(draw(json.loads(suite.read_text())["benchmarks"], suite.with_suffix("")))
