from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import grpc
import pytest

from tests.support.auth import authenticated_channel
from tests.support.postgres import PostgresCluster, running_cluster
from tests.support.server import WEBHOOK_SECRET, ServerProcess
from tests.support.webhook_receiver import WebhookReceiver

BACKENDS = ("sqlite", "postgres")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "backends(*names): run the module's `server` against each store backend "
        "(sqlite, postgres); without it, SQLite only",
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    marker = metafunc.definition.get_closest_marker("backends")
    if marker is not None and "backend" in metafunc.fixturenames:
        names = list(marker.args or BACKENDS)
        metafunc.parametrize("backend", names, indirect=True, scope="module")


@pytest.fixture(scope="module")
def backend(request: pytest.FixtureRequest) -> str:
    """The store the module's server runs on: "sqlite" unless the module opts in
    to more with `pytestmark = pytest.mark.backends("sqlite", "postgres")`."""
    return str(getattr(request, "param", "sqlite"))


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[PostgresCluster]:
    """One throwaway PostgreSQL cluster for the session, started on first use."""
    yield from running_cluster()


@pytest.fixture(scope="session")
def postgres_url_factory(postgres_cluster: PostgresCluster) -> Callable[..., str]:
    """Call it for the URL of a new, empty database (postgresql+asyncpg://...)."""
    return postgres_cluster.create_database


@pytest.fixture(scope="module")
def store_env(backend: str, request: pytest.FixtureRequest) -> dict[str, str]:
    """Server environment for the module's backend: a fresh PostgreSQL database
    (HERALD_DATABASE_URL) for "postgres", nothing (SQLite in the data dir) otherwise."""
    if backend != "postgres":
        return {}
    factory = request.getfixturevalue("postgres_url_factory")
    return {"HERALD_DATABASE_URL": factory(request.module.__name__.rsplit(".", 1)[-1])}


@pytest.fixture(scope="module")
def database_url(store_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> str:
    """The module's backend as a SQLAlchemy URL, for tests of the store itself: its fresh
    PostgreSQL database, or a SQLite file in a fresh directory."""
    if "HERALD_DATABASE_URL" in store_env:
        return store_env["HERALD_DATABASE_URL"]
    path: Path = tmp_path_factory.mktemp("store") / "herald.db"
    return f"sqlite+aiosqlite:///{path}"


@pytest.fixture(scope="module")
def server(
    store_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ServerProcess]:
    process = ServerProcess(Path(tmp_path_factory.mktemp("herald")), store_env)
    process.start()
    yield process
    process.stop()


@pytest.fixture
async def channel(server: ServerProcess) -> AsyncIterator[grpc.aio.Channel]:
    """A channel to the module's server whose calls carry an admin token."""
    async with authenticated_channel(server.target) as channel:
        yield channel


@pytest.fixture
async def receiver() -> AsyncIterator[WebhookReceiver]:
    receiver = await WebhookReceiver(WEBHOOK_SECRET).start()
    yield receiver
    await receiver.close()
