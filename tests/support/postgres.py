"""A throwaway PostgreSQL cluster for the test session, on a loopback port.

initdb into a fresh temporary directory, `pg_ctl start` on 127.0.0.1 and a free
port (its unix socket in the same directory), fsync off, trust authentication;
`stop()` shuts it down and removes the directory. Each test module or server gets
a database of its own (`create_database`), so tests never see each other's rows.

initdb and postgres refuse to run as root: as root the cluster runs as `nobody`
(Python's subprocess drops the user and groups itself, so no su/runuser/PAM is
involved). The server binaries come from Debian's postgresql package
(/usr/lib/postgresql/<version>/bin, installed by `make postgres`), from
HERALD_TEST_PG_BIN, or from PATH.
"""

from __future__ import annotations

import asyncio
import contextlib
import glob
import itertools
import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

UNPRIVILEGED_USER = "nobody"


class PostgresUnavailableError(RuntimeError):
    pass


def find_bin_dir() -> Path:
    """The directory holding initdb, pg_ctl, postgres and psql."""
    configured = os.environ.get("HERALD_TEST_PG_BIN")
    if configured:
        return Path(configured)
    candidates = glob.glob("/usr/lib/postgresql/*/bin/initdb")

    def version(path: str) -> tuple[int, ...]:
        return tuple(int(p) for p in re.findall(r"\d+", Path(path).parts[-3]))

    if candidates:
        return Path(max(candidates, key=version)).parent
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    raise PostgresUnavailableError(
        "PostgreSQL server binaries not found (initdb): run `make postgres` "
        "(installs Debian's postgresql package) or set HERALD_TEST_PG_BIN"
    )


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class PostgresCluster:
    def __init__(self, settings: dict[str, str] | None = None) -> None:
        """`settings`: postgresql.conf lines beyond the defaults below (and overriding them)."""
        self.settings = settings or {}
        self.bin_dir = find_bin_dir()
        self.base = Path(tempfile.mkdtemp(prefix="herald-pg-"))
        self.data_dir = self.base / "data"
        self.socket_dir = self.base
        self.log_path = self.base / "postgres.log"
        self.port = 0
        self.user = "postgres"
        self._ids: dict[str, Any] = {}
        self._names = itertools.count(1)
        if os.geteuid() == 0:
            entry = pwd.getpwnam(UNPRIVILEGED_USER)
            self._ids = {"user": entry.pw_uid, "group": entry.pw_gid, "extra_groups": []}
            os.chown(self.base, entry.pw_uid, entry.pw_gid)

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        """Run a server binary as the cluster's owner."""
        env = {**os.environ, "LC_ALL": "C", "HOME": str(self.base)}
        return subprocess.run(
            [str(self.bin_dir / args[0]), *args[1:]],
            env=env,
            cwd=self.base,
            capture_output=True,
            text=True,
            check=check,
            timeout=120,
            **self._ids,
        )

    def start(self) -> PostgresCluster:
        try:
            self._run(
                "initdb",
                "-D",
                str(self.data_dir),
                "-U",
                self.user,
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C",
                "--no-sync",
            )
        except subprocess.CalledProcessError as exc:
            raise PostgresUnavailableError(f"initdb failed:\n{exc.stdout}\n{exc.stderr}") from exc
        options = {
            "listen_addresses": "127.0.0.1",
            "unix_socket_directories": str(self.socket_dir),
            "fsync": "off",
            "synchronous_commit": "off",
            "full_page_writes": "off",
            "max_connections": "300",
            "shared_buffers": "32MB",
            **self.settings,
        }
        with open(self.data_dir / "postgresql.conf", "a") as conf:
            conf.writelines(f"{key} = '{value}'\n" for key, value in options.items())
        last_error = ""
        for _ in range(5):  # the free port can be taken before postgres binds it
            self.port = _free_port()
            result = self._pg_ctl_start(check=False)
            if result.returncode == 0:
                return self
            last_error = f"{result.stdout}\n{result.stderr}\n{self.logs()}"
        raise PostgresUnavailableError(f"PostgreSQL did not start:\n{last_error}")

    def logs(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def halt(self) -> None:
        """Shut the server down (`-m fast`: its connections are terminated), keeping the
        cluster for `resume`: an outage."""
        self._run("pg_ctl", "-D", str(self.data_dir), "-m", "fast", "-w", "stop")

    def resume(self) -> None:
        """Start a halted cluster again, on the same port."""
        self._pg_ctl_start(check=True)

    def _pg_ctl_start(self, check: bool) -> subprocess.CompletedProcess[str]:
        return self._run(
            "pg_ctl",
            "-D",
            str(self.data_dir),
            "-l",
            str(self.log_path),
            "-o",
            f"-p {self.port}",
            "-w",
            "-t",
            "60",
            "start",
            check=check,
        )

    def stop(self) -> None:
        if (self.data_dir / "postmaster.pid").exists():
            self._run(
                "pg_ctl", "-D", str(self.data_dir), "-m", "immediate", "-w", "stop", check=False
            )
        shutil.rmtree(self.base, ignore_errors=True)

    def url(self, database: str, driver: str = "postgresql+asyncpg") -> str:
        return f"{driver}://{self.user}@127.0.0.1:{self.port}/{database}"

    def psql(self, sql: str, database: str = "postgres") -> str:
        """Run SQL with psql over TCP (as the calling user: a client needs no privileges)."""
        result = subprocess.run(
            [
                str(self.bin_dir / "psql"),
                "-X",
                "-q",
                "-A",
                "-t",
                "-v",
                "ON_ERROR_STOP=1",
                "-h",
                "127.0.0.1",
                "-p",
                str(self.port),
                "-U",
                self.user,
                "-d",
                database,
                "-c",
                sql,
            ],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        if result.returncode != 0:
            raise RuntimeError(f"psql failed: {result.stderr}")
        return result.stdout

    def create_database(self, prefix: str = "herald") -> str:
        """A new, empty database; returns its SQLAlchemy (asyncpg) URL."""
        name = f"{re.sub(r'[^a-z0-9_]', '_', prefix.lower())[:40]}_{next(self._names)}"
        self.psql(f'CREATE DATABASE "{name}"')
        return self.url(name)


# -- reading a test server's store --------------------------------------------

_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pg-query")


def query(url: str, sql: str, *params: Any) -> list[Any]:
    """Rows (mapping-like asyncpg Records) for SQL with `?` placeholders.

    Synchronous, for tests running inside an event loop: asyncpg runs on a loop
    of its own in a helper thread."""
    counter = itertools.count(1)
    numbered = re.sub(r"\?", lambda _: f"${next(counter)}", sql)
    dsn = url.replace("postgresql+asyncpg://", "postgresql://", 1)

    async def run() -> list[Any]:
        import asyncpg  # noqa: PLC0415 - only the PostgreSQL tests need it

        connection = await asyncpg.connect(dsn)
        try:
            return list(await connection.fetch(numbered, *params))
        finally:
            with contextlib.suppress(Exception):
                await connection.close()

    return _pool.submit(asyncio.run, run()).result(60)


def running_cluster() -> Iterator[PostgresCluster]:
    """For a fixture to `yield from`: a started cluster, stopped afterwards; a cluster
    that cannot start fails the test rather than erroring it."""
    try:
        cluster = PostgresCluster().start()
    except PostgresUnavailableError as exc:
        pytest.fail(str(exc), pytrace=False)
    yield cluster
    cluster.stop()
