"""A `herald serve` that cannot start exits 2 with one line naming the setting to fix:
no traceback, no password, and nothing claimed from the queue before it gives up. So do
it and `herald migrate` when a migration fails, leaving the store as it was."""

from __future__ import annotations

import ctypes
import os
import socket
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from herald.store.database import Database
from herald.v1 import common_pb2, delivery_pb2, delivery_pb2_grpc

from tests.peers.tls import make_certificate
from tests.support import postgres
from tests.support.auth import authenticated_channel
from tests.support.postgres import PostgresCluster
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


def _serve(
    data_dir: Path,
    env: dict[str, str],
    command: str = "serve",
    preexec_fn: Callable[[], None] | None = None,
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "herald", command],
        cwd=ROOT,
        env={**ServerProcess(data_dir).env, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        preexec_fn=preexec_fn,
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


# -- a migration that fails ----------------------------------------------------

COMMANDS = pytest.mark.parametrize("command", ["serve", "migrate"])


def _refused(result: subprocess.CompletedProcess[str], named: list[str]) -> None:
    assert result.returncode == 2, result.stderr
    lines = [line for line in result.stderr.splitlines() if "configuration error" in line]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("herald: configuration error: ")
    for text in named:
        assert text in lines[0]
    assert "Traceback" not in result.stderr
    assert PASSWORD not in result.stderr
    assert '"serving"' not in result.stderr


async def _migrated(url: str, revision: str) -> None:
    db = Database(url)
    await db.migrate(revision)
    await db.close()


def _sqlite_revision(data_dir: Path) -> str:
    with sqlite3.connect(data_dir / "herald.db") as db:
        return str(db.execute("SELECT version_num FROM alembic_version").fetchone()[0])


PR_CAPBSET_DROP = 24
CAP_DAC_OVERRIDE = 1


def _without_dac_override() -> None:
    """For preexec_fn: root ignores file modes unless the exec'd process lacks
    CAP_DAC_OVERRIDE (dropped from the bounding set, root's exec keeps the rest)."""
    libc = ctypes.CDLL(None)
    if os.geteuid() == 0 and libc.prctl(PR_CAPBSET_DROP, CAP_DAC_OVERRIDE, 0, 0, 0) != 0:
        raise OSError("cannot drop CAP_DAC_OVERRIDE")


@COMMANDS
async def test_a_role_that_cannot_create_tables_exits_2_naming_the_grant(
    tmp_path: Path, postgres_cluster: PostgresCluster, command: str
) -> None:
    url = postgres_cluster.create_database("migrate_denied")
    database = url.rsplit("/", 1)[1]
    role = f"{database}_app"
    postgres_cluster.psql(f"CREATE ROLE {role} LOGIN PASSWORD '{PASSWORD}'")
    # As from PostgreSQL 15 on: only the database's owner may create in schema public.
    postgres_cluster.psql("REVOKE CREATE ON SCHEMA public FROM PUBLIC", database)
    as_role = url.replace("//postgres@", f"//{role}:{PASSWORD}@", 1)

    result = _serve(tmp_path, {"HERALD_DATABASE_URL": as_role}, command)
    _refused(
        result,
        [
            f"HERALD_DATABASE_URL: cannot migrate {as_role.replace(PASSWORD, '***')}",
            "permission denied for schema public",
            f"grant CREATE on schema public to {role}",
            "herald migrate",
        ],
    )
    tables = postgres.query(url, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
    assert tables == []


async def test_a_role_that_cannot_read_the_schema_revision_exits_2_naming_the_grant(
    tmp_path: Path, postgres_cluster: PostgresCluster
) -> None:
    # Migrated by the owner; the application's role may use every table but alembic_version.
    url = postgres_cluster.create_database("revision_denied")
    await _migrated(url, "head")
    database = url.rsplit("/", 1)[1]
    role = f"{database}_app"
    postgres_cluster.psql(f"CREATE ROLE {role} LOGIN PASSWORD '{PASSWORD}'")
    postgres_cluster.psql(
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}; "
        f"REVOKE ALL ON alembic_version FROM {role}",
        database,
    )
    as_role = url.replace("//postgres@", f"//{role}:{PASSWORD}@", 1)

    result = _serve(tmp_path, {"HERALD_DATABASE_URL": as_role, "HERALD_MIGRATE_ON_START": "false"})
    _refused(
        result,
        [
            "HERALD_DATABASE_URL: cannot read the schema revision (table alembic_version) of "
            f"{as_role.replace(PASSWORD, '***')}",
            "permission denied for table alembic_version",
            f"grant SELECT on alembic_version to {role}",
        ],
    )


async def test_a_sqlite_file_whose_alembic_version_is_not_herald_s_exits_2(
    tmp_path: Path,
) -> None:
    # Another application's database: a table of that name, not alembic's shape.
    with sqlite3.connect(tmp_path / "herald.db") as db:
        db.execute("CREATE TABLE alembic_version (version integer)")

    result = _serve(tmp_path, {"HERALD_MIGRATE_ON_START": "false"})
    _refused(
        result,
        [
            "HERALD_DATA_DIR: cannot read the schema revision (table alembic_version) of "
            f"sqlite+aiosqlite:///{tmp_path / 'herald.db'}",
            "no such column: alembic_version.version_num",
        ],
    )


@COMMANDS
async def test_a_read_only_sqlite_file_exits_2_leaving_it_as_it_was(
    tmp_path: Path, command: str
) -> None:
    store = tmp_path / "herald.db"
    await _migrated(f"sqlite+aiosqlite:///{store}", "0007")
    store.chmod(0o444)  # its directory stays writable

    result = _serve(tmp_path, {}, command, _without_dac_override)
    _refused(
        result,
        [
            f"HERALD_DATA_DIR: cannot migrate sqlite+aiosqlite:///{store}",
            "attempt to write a readonly database",
            f"make {store} writable",
        ],
    )
    assert _sqlite_revision(tmp_path) == "0007"


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
@pytest.mark.parametrize(
    ("command", "migrate_on_start"),
    [("serve", "true"), ("migrate", "true"), ("serve", "false")],
    ids=["serve", "migrate", "serve-without-migrating"],
)
async def test_a_store_a_newer_herald_migrated_exits_2_naming_its_revision(
    tmp_path: Path,
    request: pytest.FixtureRequest,
    backend: str,
    command: str,
    migrate_on_start: str,
) -> None:
    env = {"HERALD_MIGRATE_ON_START": migrate_on_start}
    if backend == "postgres":
        url = request.getfixturevalue("postgres_cluster").create_database("migrate_newer")
        env["HERALD_DATABASE_URL"] = url
    else:
        url = f"sqlite+aiosqlite:///{tmp_path / 'herald.db'}"
    await _migrated(url, "head")
    update = "UPDATE alembic_version SET version_num = '0099'"
    if backend == "postgres":
        postgres.query(url, update)
    else:
        with sqlite3.connect(tmp_path / "herald.db") as db:
            db.execute(update)

    result = _serve(tmp_path, env, command)
    _refused(result, ["revision 0099", "newer Herald", "run that version or a later one"])
    assert "herald migrate" not in result.stderr  # migrating cannot help


async def test_a_migration_failing_midway_on_sqlite_leaves_the_store_as_it_was(
    tmp_path: Path,
) -> None:
    # 0007 drops two indexes, then creates ix_deliveries_queued: a name already taken
    # stands in for any statement failing after others succeeded (a full disk, say).
    await _migrated(f"sqlite+aiosqlite:///{tmp_path / 'herald.db'}", "0006")
    with sqlite3.connect(tmp_path / "herald.db") as db:
        db.execute("CREATE INDEX ix_deliveries_queued ON deliveries (id)")

    result = _serve(tmp_path, {}, "migrate")
    _refused(result, ["HERALD_DATA_DIR: cannot migrate", "ix_deliveries_queued already exists"])
    assert _sqlite_revision(tmp_path) == "0006"
    with sqlite3.connect(tmp_path / "herald.db") as db:
        indexes = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
    assert {"ix_deliveries_due", "ix_deliveries_lease"} <= indexes


# -- a JWT key file that is not a regular file ---------------------------------------


def _fifo(path: Path) -> Path:
    os.mkfifo(path)
    return path


def _zero(path: Path) -> Path:
    path.symlink_to("/dev/zero")
    return path


def _directory(path: Path) -> Path:
    path.mkdir()
    return path


def _serve_within_30_s(data_dir: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """`herald serve` run to its end, which must come within 30 s."""
    try:
        return subprocess.run(
            [sys.executable, "-m", "herald", "serve"],
            cwd=ROOT,
            env={**ServerProcess(data_dir).env, **env},
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    except subprocess.TimeoutExpired as hung:
        raise AssertionError(f"herald serve still ran after 30 s: {hung.stderr!r}") from None


@pytest.mark.parametrize("kind", [_fifo, _zero, _directory], ids=["fifo", "dev-zero", "directory"])
@pytest.mark.parametrize("setting", ["HERALD_DATA_DIR", "HERALD_JWT_JWKS_FILE"])
def test_a_jwt_key_file_that_is_not_a_regular_file_exits_2_at_once(
    tmp_path: Path, kind: Callable[[Path], Path], setting: str
) -> None:
    # Read as it was, a FIFO no one writes to held the start for good (and a Ctrl-C only
    # cancelled asyncio's task: it took two), /dev/zero never ended.
    if setting == "HERALD_DATA_DIR":
        path = kind(tmp_path / "jwt-secret")
        env = {"HERALD_JWT_SECRET": ""}  # the data directory's secret, then
    else:
        path = kind(tmp_path / "keys.json")
        env = {"HERALD_JWT_SECRET": "", "HERALD_JWT_JWKS_FILE": str(path)}
    _refused(_serve_within_30_s(tmp_path, env), [setting, str(path), "not a regular file"])


@pytest.mark.parametrize(
    ("setting", "file_name"),
    [
        ("HERALD_DATA_DIR", "webhook-secret"),  # the generated webhook signing secret
        ("HERALD_TLS_CERT", "server.pem"),
        ("HERALD_TLS_KEY", "server.key"),
    ],
)
def test_a_webhook_secret_or_tls_file_that_is_a_fifo_exits_2_at_once(
    tmp_path: Path, setting: str, file_name: str
) -> None:
    # Read as they were, a FIFO no one writes to held the start for good.
    path = _fifo(tmp_path / file_name)
    env = {"HERALD_WEBHOOK_SECRET": ""}
    if setting != "HERALD_DATA_DIR":
        regular = tmp_path / "regular.pem"
        regular.write_text("-----BEGIN CERTIFICATE-----\n")
        other = "HERALD_TLS_KEY" if setting == "HERALD_TLS_CERT" else "HERALD_TLS_CERT"
        env = {setting: str(path), other: str(regular)}
    _refused(_serve_within_30_s(tmp_path, env), [setting, str(path), "not a regular file"])


# -- a setting Herald would have misread or failed on later --------------------------


def _one_line(result: subprocess.CompletedProcess[str], named: list[str]) -> None:
    """Exit 2, and besides the JSON log lines only the one line naming the setting: no
    traceback, no library's warning (an unclosed client session) after it."""
    assert result.returncode == 2, result.stderr
    lines = [line for line in result.stderr.splitlines() if line and not line.startswith("{")]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("herald: configuration error: ")
    for text in named:
        assert text in lines[0]
    assert '"serving"' not in result.stderr


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"HERALD_LISTEN": "127.0.0.1:65536"}, ["HERALD_LISTEN", "'127.0.0.1:65536'"]),
        ({"HERALD_MAX_MESSAGE_BYTES": str(2**31)}, ["HERALD_MAX_MESSAGE_BYTES", "2147483647"]),
        (
            {"HERALD_SMTP_URL": "smtp://127.0.0.1:9", "HERALD_EMAIL_FROM": "not an address"},
            ["HERALD_EMAIL_FROM", "'not an address'"],
        ),
        (
            {"HERALD_SMTP_URL": "smtp://127.0.0.1:9", "HERALD_EMAIL_FROM": ""},
            ["HERALD_EMAIL_FROM", "''"],
        ),
        (
            {"HERALD_SMTP_URL": "smtp://127.0.0.1:9", "HERALD_EMAIL_REPLY_TO": "not an address"},
            ["HERALD_EMAIL_REPLY_TO", "'not an address'"],
        ),
        (
            {"HERALD_ROLE_SCOPES": "manager=send_notification"},
            ["HERALD_ROLE_SCOPES", "manager", "unknown scope 'send_notification'"],
        ),
        (
            {"HERALD_SMTP_URL": f"smtp://u:{PASSWORD}@127.0.0.1:9?cafile=/nonexistent/ca.pem"},
            ["HERALD_SMTP_URL", "cafile '/nonexistent/ca.pem'", "No such file or directory"],
        ),
        (
            {
                "HERALD_TWILIO_ACCOUNT_SID": "AC0",
                "HERALD_TWILIO_AUTH_TOKEN": "t",
                "HERALD_TWILIO_FROM": "+15005550006",
                "HERALD_TWILIO_BASE_URL": "not a url",
            },
            ["HERALD_TWILIO_BASE_URL", "'not a url'"],
        ),
        (
            {"HERALD_FCM_CREDENTIALS": "/etc/hostname"},
            ["HERALD_FCM_CREDENTIALS '/etc/hostname'", "service-account JSON"],
        ),
    ],
    ids=[
        "listen-port-past-65535",
        "message-size-past-a-c-int",
        "email-from-not-an-address",
        "email-from-empty",
        "reply-to-not-an-address",
        "role-scope-misspelt",
        "smtp-cafile-missing",
        "twilio-base-url-not-a-url",
        "fcm-credentials-not-json",
    ],
)
def test_a_setting_that_cannot_work_exits_2_with_one_line_naming_it(
    tmp_path: Path, env: dict[str, str], named: list[str]
) -> None:
    result = _serve_within_30_s(tmp_path, env)
    _one_line(result, named)
    assert PASSWORD not in result.stderr


def test_a_client_certificate_given_a_role_no_one_defined_exits_2(tmp_path: Path) -> None:
    # `ops=role:admins` (misspelt) started, and every call that client made was refused.
    peer = make_certificate(tmp_path)
    env = {
        "HERALD_TLS_CERT": str(peer.certfile),
        "HERALD_TLS_KEY": str(peer.keyfile),
        "HERALD_TLS_CLIENT_CA": str(peer.certfile),
        "HERALD_TLS_IDENTITIES": "ops=role:admins;billing=send_notifications",
    }
    _one_line(
        _serve_within_30_s(tmp_path, env),
        ["HERALD_TLS_IDENTITIES", "ops: unknown role 'admins'", "the roles are admin,"],
    )
