"""Schemathesis against the gateway's OpenAPI document (/openapi.json): a few thousand
generated requests (at least 300) over every REST operation but the endless watches, with
an admin token, and not one answer may be a 5xx.

Nothing may leave 127.0.0.1, whatever the generator makes up (webhook URLs on public
hosts included), and this is how:

- schemathesis talks only to the gateway's base URL on 127.0.0.1 (`--url`, no redirects
  followed), and the gateway only to its target, the server on 127.0.0.1;
- the server has no SMTP, Twilio or FCM configuration, so those channels answer
  CHANNEL_NOT_CONFIGURED without opening anything, and In-App only writes a row;
- the one channel that would connect anywhere, Webhook, runs with
  HERALD_WEBHOOK_ALLOW_PUBLIC=false and no HERALD_WEBHOOK_ALLOW_CIDRS (the test servers
  allow loopback by default: removed here), so every webhook URL is refused (SSRF_REFUSED)
  before its host is even resolved: no DNS query and no connection, public or private.
  Leaving only the SSRF guard's default (refuse non-global addresses) would not do: a
  generated URL on a public name would still be resolved and connected to.
- After the run the test checks the store: no webhook delivery ever succeeded or failed
  with anything but the refusal.

The watch operations (`...:watch`) are left out: WatchInbox runs until the client goes
away, which schemathesis would count as a timeout; tests/e2e/test_gateway.py watches a
campaign to its end.
"""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support import db
from tests.support.auth import token
from tests.support.gateway import ROOT, GatewayProcess
from tests.support.server import ServerProcess

MIN_REQUESTS = 300
PROVIDER_SETTINGS = (
    "HERALD_SMTP_URL",
    "HERALD_TWILIO_ACCOUNT_SID",
    "HERALD_TWILIO_AUTH_TOKEN",
    "HERALD_TWILIO_FROM",
    "HERALD_TWILIO_MESSAGING_SERVICE_SID",
    "HERALD_FCM_CREDENTIALS",
    "HERALD_ATTACHMENT_DIR",
    "HERALD_WEBHOOK_ALLOW_CIDRS",
)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    process = ServerProcess(
        Path(tmp_path_factory.mktemp("herald")), env={"HERALD_WEBHOOK_ALLOW_PUBLIC": "false"}
    )
    for name in PROVIDER_SETTINGS:
        process.env.pop(name, None)
    process.start()
    yield process
    process.stop()


@pytest.fixture(scope="module")
def gateway(server: ServerProcess) -> Iterator[GatewayProcess]:
    process = GatewayProcess(server.target, server.data_dir / "gateway.log").start()
    yield process
    process.stop()


def schemathesis_ready(document: dict[str, Any]) -> dict[str, Any]:
    """The document with grpc-gateway's dotted path parameters ({template.id}, the PATCH
    rules' `user.id`) renamed to template_id: schemathesis cannot format a path template
    whose field has a dot. The URLs it makes are the same."""
    paths = {}
    for template, operations in document["paths"].items():
        dotted = re.findall(r"\{([^}]*\.[^}]*)\}", template)
        path = template
        for name in dotted:
            path = path.replace("{" + name + "}", "{" + name.replace(".", "_") + "}")
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                if parameter.get("in") == "path" and parameter["name"] in dotted:
                    parameter["name"] = parameter["name"].replace(".", "_")
        paths[path] = operations
    return {**document, "paths": paths}


def test_no_generated_request_gets_a_server_error(
    gateway: GatewayProcess, server: ServerProcess, tmp_path: Path
) -> None:
    document = httpx.get(gateway.url + "/openapi.json", timeout=10).json()
    schema = tmp_path / "openapi.json"
    schema.write_text(json.dumps(schemathesis_ready(document)))
    command = [
        str(ROOT / ".venv" / "bin" / "st"),
        "run",
        str(schema),
        "--url",
        gateway.url,
        "--header",
        f"Authorization: Bearer {token()}",
        "--checks",
        "not_a_server_error",
        "--exclude-path-regex",
        ":watch$",
        "--max-examples",
        "15",
        "--seed",
        "20261125",
        "--generation-database",
        "none",
        "--request-timeout",
        "40",
        "--max-redirects",
        "0",
        "--workers",
        "2",
        "--no-color",
    ]
    run = subprocess.run(
        command, cwd=tmp_path, capture_output=True, text=True, timeout=300, check=False
    )
    output = run.stdout + run.stderr
    assert run.returncode == 0, output[-6000:]
    found = re.search(r"(\d+) generated", output)
    assert found, output[-3000:]
    assert int(found.group(1)) >= MIN_REQUESTS, output[-3000:]

    webhooks = db.query(
        server, "SELECT state, error_code FROM deliveries WHERE channel = ?", "webhook"
    )
    # Queued ones not attempted yet have no outcome; none was ever delivered, and every
    # outcome is the refusal.
    assert all(row["state"] != "delivered" for row in webhooks)
    assert {row["error_code"] for row in webhooks} <= {"", "SSRF_REFUSED"}, [
        dict(row) for row in webhooks
    ]
