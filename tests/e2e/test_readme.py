"""The README's grpcurl block works against a real server, as written."""

from __future__ import annotations

import asyncio
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.server import ROOT, ServerProcess
from tests.support.webhook_receiver import WebhookReceiver

GRPCURL = ROOT / "build" / "tools" / "bin" / "grpcurl"


def readme_block() -> str:
    text = (ROOT / "README.md").read_text()
    blocks = re.findall(r"```sh\n(.*?)```", text, flags=re.S)
    return next(b for b in blocks if b.startswith("G=build/tools/bin/grpcurl"))


def json_documents(output: str) -> list[dict[str, object]]:
    """The JSON objects grpcurl printed, skipping the `describe` text between them."""
    decoder = json.JSONDecoder()
    documents, index = [], output.find("{")
    while index >= 0:
        try:
            document, end = decoder.raw_decode(output, index)
        except ValueError:
            index = output.find("{", index + 1)
            continue
        documents.append(document)
        index = output.find("{", end)
    return documents


async def test_readme_grpcurl_examples_work(
    server: ServerProcess, receiver: WebhookReceiver, tmp_path: Path
) -> None:
    assert GRPCURL.exists(), "make test installs grpcurl (make grpcurl)"
    script = readme_block().replace("127.0.0.1:50051", server.target)
    script = script.replace("127.0.0.1:8081", f"127.0.0.1:{receiver.port}")
    script = script.replace("G=build/tools/bin/grpcurl", f"G={GRPCURL}")
    # `herald token` from this venv, with the server's data dir and JWT secret.
    script = script.replace(".venv/bin/python -m herald", f"{sys.executable} -m herald")
    path = tmp_path / "readme.sh"
    path.write_text("set -euo pipefail\n" + script)
    process = await asyncio.create_subprocess_exec(
        "bash",
        str(path),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=tmp_path,
        env=server.env,
    )
    out, err = await process.communicate()
    assert process.returncode == 0, err.decode()
    output = out.decode()
    assert "herald.v1.DeliveryService" in output
    assert "rpc SendMessage" in output
    # The SendMessage answer: both channels succeeded.
    documents = json_documents(output)
    send = next(d for d in documents if "message_id" in d and "results" in d)
    assert [r["success"] for r in send["results"]] == [True, True]
    summary = next(d for d in documents if "summary" in d)
    assert summary["summary"]["succeeded"] == 2
    assert sum(d.get("status") == "SERVING" for d in documents) == 2
    notification = next(d for d in documents if "accepted_recipients" in d)
    assert notification["rejected_recipients"][0]["rejected"] == [
        {"recipient": "ftp://nope", "reason": "REJECTION_REASON_INVALID_URL"}
    ]
    watched = [d for d in documents if "snapshot" in d or "delivery" in d]
    assert watched[0]["snapshot"]["name"] == notification["name"]
    assert watched[-1]["state"] == "NOTIFICATION_STATE_COMPLETED"
    got = next(d for d in documents if "notification" in d)
    assert got["notification"]["delivered"] == 2
    posted = sorted(r.path for r in receiver.received)
    assert posted == ["/hooks/alice", "/hooks/bob", "/hooks/herald", "/hooks/herald"]
    assert all(r.verified for r in receiver.received)


@pytest.fixture(autouse=True)
def _needs_make_grpcurl() -> None:
    if not GRPCURL.exists():
        subprocess.run(["make", "grpcurl"], cwd=ROOT, check=True)
