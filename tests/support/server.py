"""Run `herald serve` as a real process on a loopback port."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import IO

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

from tests.support.auth import JWT_SECRET

ROOT = Path(__file__).resolve().parents[2]
WEBHOOK_SECRET = "whsec_" + "dGVzdC1zZWNyZXQtZm9yLWhlcmFsZC10ZXN0cy0xMjM0NTY="


class ServerProcess:
    def __init__(
        self,
        data_dir: Path,
        env: dict[str, str] | None = None,
        *,
        credentials: grpc.ChannelCredentials | None = None,
    ) -> None:
        """`credentials`: TLS channel credentials the readiness check connects with (a server
        started with HERALD_TLS_CERT/KEY); None connects in plaintext."""
        self.data_dir = data_dir
        self.credentials = credentials
        self.env = {
            **os.environ,
            "HERALD_LISTEN": "127.0.0.1:0",
            "HERALD_DATA_DIR": str(data_dir),
            "HERALD_WEBHOOK_SECRET": WEBHOOK_SECRET,
            # Tokens from tests/support/auth.py verify; the conftest `channel` sends one.
            "HERALD_JWT_SECRET": JWT_SECRET,
            "HERALD_WEBHOOK_ALLOW_CIDRS": "127.0.0.0/8,::1/128",
            "HERALD_SHUTDOWN_GRACE": "10",
            "HERALD_WEBHOOK_TIMEOUT": "2",
            "HERALD_SHUTDOWN_DRAIN": "0",
            # Retries quick enough for a test to watch them all.
            "HERALD_MAX_ATTEMPTS": "3",
            "HERALD_RETRY_BASE_SECONDS": "0.05",
            **(env or {}),
        }
        self.log_path = data_dir / "server.log"
        self.process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None
        self.port = 0

    @property
    def database_url(self) -> str:
        """HERALD_DATABASE_URL, or "" for SQLite in the data dir."""
        return self.env.get("HERALD_DATABASE_URL", "")

    @property
    def target(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self, timeout: float = 60.0) -> ServerProcess:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self._log = open(self.log_path, "ab")  # noqa: SIM115 - closed in stop()
        offset = self.log_path.stat().st_size
        self.process = subprocess.Popen(
            [sys.executable, "-m", "herald", "serve"],
            cwd=ROOT,
            env=self.env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"herald exited with {self.process.returncode}:\n{self.logs()}")
            for event in self.events(offset):
                if event.get("event") == "serving":
                    self.port = int(event["port"])
                    self._wait_healthy(deadline)
                    return self
            time.sleep(0.05)
        raise TimeoutError(f"herald did not start:\n{self.logs()}")

    def _channel(self) -> grpc.Channel:
        if self.credentials is None:
            return grpc.insecure_channel(self.target)
        return grpc.secure_channel(self.target, self.credentials)

    def _wait_healthy(self, deadline: float) -> None:
        with self._channel() as channel:
            stub = health_pb2_grpc.HealthStub(channel)
            while time.monotonic() < deadline:
                try:
                    reply = stub.Check(health_pb2.HealthCheckRequest(), timeout=1)
                    if reply.status == health_pb2.HealthCheckResponse.SERVING:
                        return
                except grpc.RpcError:
                    pass
                time.sleep(0.05)
        raise TimeoutError("herald never reported SERVING")

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        """`herald <args>` with this server's settings (its data directory and store),
        quiet but for errors; a non-zero exit raises CalledProcessError."""
        return subprocess.run(
            [sys.executable, "-m", "herald", *args],
            cwd=ROOT,
            env={**os.environ, **self.env, "HERALD_LOG_LEVEL": "error"},
            capture_output=True,
            text=True,
            check=True,
        )

    def logs(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def events(self, offset: int = 0) -> list[dict[str, object]]:
        events = []
        with open(self.log_path, "rb") as handle:
            handle.seek(offset)
            for line in handle.read().decode(errors="replace").splitlines():
                try:
                    events.append(json.loads(line))
                except ValueError:
                    continue
        return events

    def signal(self, signum: int) -> None:
        assert self.process is not None
        self.process.send_signal(signum)

    def wait(self, timeout: float = 30.0) -> int:
        assert self.process is not None
        return self.process.wait(timeout)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self._log is not None:
            self._log.close()
            self._log = None

    def kill(self) -> None:
        assert self.process is not None
        self.process.kill()
        self.process.wait()
