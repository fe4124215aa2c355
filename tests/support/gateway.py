"""The REST gateway (gateway/, Go) as a real process on a loopback port, in front of a
ServerProcess. `build()` compiles it once per test process into build/gateway (Go's build
cache makes a rebuild with nothing changed take about a second)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import threading
import time
from pathlib import Path
from typing import IO

import httpx

ROOT = Path(__file__).resolve().parents[2]
BINARY = ROOT / "build" / "gateway"
_built = threading.Lock()
_done: list[Path] = []


def build() -> Path:
    """`go build -o build/gateway ./cmd/herald-gateway` in gateway/, once per process.

    Built beside it and renamed into place: another pytest-xdist worker may be starting
    the binary this one replaces, and a rename never shows it a half-written file."""
    with _built:
        if not _done:
            BINARY.parent.mkdir(parents=True, exist_ok=True)
            partial = BINARY.with_name(f"{BINARY.name}.{os.getpid()}")
            subprocess.run(
                ["go", "build", "-o", str(partial), "./cmd/herald-gateway"],
                cwd=ROOT / "gateway",
                check=True,
                timeout=600,
            )
            os.replace(partial, BINARY)
            _done.append(BINARY)
    return BINARY


class GatewayProcess:
    def __init__(self, target: str, log_path: Path, env: dict[str, str] | None = None) -> None:
        self.env = {
            **os.environ,
            "HERALD_GATEWAY_LISTEN": "127.0.0.1:0",
            "HERALD_GATEWAY_TARGET": target,
            **(env or {}),
        }
        self.log_path = log_path
        self.process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 30.0, *, wait_healthy: bool = True) -> GatewayProcess:
        """Once it serves and, with `wait_healthy`, once the server behind it is SERVING."""
        binary = build()
        self._log = open(self.log_path, "ab")  # noqa: SIM115 - closed in stop()
        offset = self.log_path.stat().st_size
        self.process = subprocess.Popen(
            [str(binary)], env=self.env, stdout=self._log, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gateway exited with {self.process.returncode}:\n{self.logs()}")
            for event in self.events(offset):
                if event.get("event") == "serving":
                    self.port = int(str(event["port"]))
                    if wait_healthy:
                        self._wait_healthy(deadline)
                    return self
            time.sleep(0.05)
        raise TimeoutError(f"gateway did not start:\n{self.logs()}")

    def _wait_healthy(self, deadline: float) -> None:
        """/healthz answers 200 once the server behind the gateway is SERVING."""
        while time.monotonic() < deadline:
            try:
                if httpx.get(self.url + "/healthz", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.05)
        raise TimeoutError("the gateway's /healthz never answered 200")

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

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self._log is not None:
            self._log.close()
            self._log = None
