"""A `herald serve` that cannot start exits 2 with one line naming the setting to fix:
no traceback, no password, and nothing claimed from the queue before it gives up."""

from __future__ import annotations

import socket
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from herald.v1 import common_pb2, delivery_pb2, delivery_pb2_grpc

from tests.support.auth import authenticated_channel
from tests.support.server import ROOT, ServerProcess
from tests.support.webhook_receiver import WebhookReceiver

PASSWORD = "pw-that-must-not-show"


def _states(data_dir: Path) -> dict[str, int]:
    with sqlite3.connect(data_dir / "herald.db") as db:
        return dict(db.execute("SELECT state, count(*) FROM deliveries GROUP BY state").fetchall())


async def test_a_listen_address_in_use_exits_2_having_claimed_nothing(
    tmp_path: Path, receiver: WebhookReceiver
) -> None:
    # A queues deliveries its receiver holds, and stops at once: they are queued and due.
    first = ServerProcess(tmp_path, {"HERALD_SHUTDOWN_GRACE": "0"}).start()
    try:
        async with authenticated_channel(first.target) as channel:
            await delivery_pb2_grpc.DeliveryServiceStub(channel).SendNotification(
                delivery_pb2.SendNotificationRequest(
                    channels=[common_pb2.CHANNEL_WEBHOOK],
                    to=[receiver.url(f"/hold/never/{i}") for i in range(20)],
                    subject="s",
                    body="b",
                ),
                timeout=30,
            )
    finally:
        first.stop()
    assert _states(tmp_path) == {"queued": 20}

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        offset = first.log_path.stat().st_size
        second = ServerProcess(tmp_path, {"HERALD_LISTEN": f"127.0.0.1:{port}"})
        with pytest.raises(RuntimeError, match="herald exited"):
            second.start()
    assert _states(tmp_path) == {"queued": 20}  # none left leased to a process that is gone
    assert second.process is not None and second.process.returncode == 2
    output = second.logs()[offset:]
    assert f"configuration error: HERALD_LISTEN 127.0.0.1:{port}" in output
    assert "Traceback" not in output


def _serve(data_dir: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "herald", "serve"],
        cwd=ROOT,
        env={**ServerProcess(data_dir).env, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"HERALD_DATA_DIR": "/etc/hostname"}, ["HERALD_DATA_DIR", "/etc/hostname", "directory"]),
        ({"HERALD_DATABASE_URL": "nonsense"}, ["HERALD_DATABASE_URL", "postgresql+asyncpg://"]),
        (
            {"HERALD_DATABASE_URL": f"postgresql+asyncpg://herald:{PASSWORD}@127.0.0.1:9/herald"},
            ["HERALD_DATABASE_URL", "postgresql+asyncpg://herald:***@127.0.0.1:9/herald"],
        ),
        ({"HERALD_MIGRATE_ON_START": "false"}, ["HERALD_MIGRATE_ON_START", "herald migrate"]),
    ],
    ids=["data-dir-is-a-file", "malformed-url", "unreachable-database", "fresh-store-unmigrated"],
)
def test_a_store_that_cannot_work_exits_2_naming_the_setting(
    tmp_path: Path, env: dict[str, str], named: list[str]
) -> None:
    result = _serve(tmp_path, env)
    assert result.returncode == 2, result.stderr
    assert "herald: configuration error: " in result.stderr
    for text in named:
        assert text in result.stderr
    assert "Traceback" not in result.stderr
    assert PASSWORD not in result.stderr
    assert '"serving"' not in result.stderr
