"""The Go, TypeScript and Java client examples, run against a live server: each sends one
message over In-App and Webhook with SendMessage, then with SendMessageStream, and prints the
results it received. `make build-examples` (a prerequisite of `make pytest`) builds them."""

from __future__ import annotations

import asyncio
import os
import shutil
from pathlib import Path

import pytest

from tests.support.auth import token
from tests.support.db import query
from tests.support.server import ServerProcess
from tests.support.webhook_receiver import WebhookReceiver

ROOT = Path(__file__).resolve().parents[2]
JAVA_EXAMPLES = ROOT / "clients" / "java" / "examples"

GO_BINARY = ROOT / "build" / "examples" / "go" / "send"
TS_SCRIPT = ROOT / "clients" / "ts" / "dist-examples" / "examples" / "send.js"
JAVA_CLASSPATH = JAVA_EXAMPLES / "target" / "classpath.txt"
# What `make build-examples` leaves behind, per language.
BUILT = {"go": GO_BINARY, "ts": TS_SCRIPT, "java": JAVA_CLASSPATH}


def command(language: str) -> list[str]:
    if language == "go":
        return [str(GO_BINARY)]
    if language == "ts":
        return [shutil.which("node") or "node", str(TS_SCRIPT)]
    classpath = f"{JAVA_EXAMPLES / 'target' / 'classes'}:{JAVA_CLASSPATH.read_text().strip()}"
    return [shutil.which("java") or "java", "-cp", classpath, "dev.herald.examples.SendExample"]


@pytest.mark.timeout(180)
@pytest.mark.parametrize("language", list(BUILT))
async def test_example_sends_and_streams_and_prints_each_result(
    language: str, server: ServerProcess, receiver: WebhookReceiver
) -> None:
    if not BUILT[language].exists():
        pytest.fail(f"the {language} example is not built: run `make build-examples`", False)

    user = f"example-{language}"
    env = {
        **os.environ,
        "HERALD_TARGET": server.target,
        "HERALD_TOKEN": token(),
        "HERALD_WEBHOOK_URL": receiver.url(f"/ok/{language}"),
        "HERALD_USER_ID": user,
    }
    process = await asyncio.create_subprocess_exec(
        *command(language),
        env=env,
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        stdout, stderr = await asyncio.wait_for(process.communicate(), 120)
    except TimeoutError:
        process.kill()
        await process.wait()
        raise
    output = stdout.decode()
    assert process.returncode == 0, f"{language} example failed:\n{output}{stderr.decode()}"

    lines = output.splitlines()
    # SendMessage: one line per channel in the request's order.
    assert lines[:2] == ["SendMessage IN_APP success=true", "SendMessage WEBHOOK success=true"]
    # SendMessageStream: each channel's result as it completed (either order), then the summary.
    assert sorted(lines[2:4]) == [
        "SendMessageStream IN_APP success=true",
        "SendMessageStream WEBHOOK success=true",
    ]
    assert lines[4:] == ["SendMessageStream summary total=2 succeeded=2 failed=0"]

    # Both sends reached the receiver, signed, and the user's inbox.
    await asyncio.wait_for(receiver.until_received(2), 10)
    assert [hit.path for hit in receiver.received] == [f"/ok/{language}"] * 2
    assert all(hit.verified for hit in receiver.received)
    assert [hit.json["data"]["user_id"] for hit in receiver.received] == [user, user]
    assert len(query(server, "SELECT * FROM inbox_messages WHERE user_id = ?", user)) == 2
