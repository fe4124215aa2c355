"""Opening the store at start (store/startup.py): a URL, data directory or schema that
cannot work is a ConfigError naming the setting to fix, never showing the password."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest
from herald.auth.tokens import jwt_secret
from herald.config import ConfigError, Settings
from herald.store.startup import open_database, prepare

PASSWORD = "pw-that-must-not-show"
NOWHERE = f"postgresql+asyncpg://herald:{PASSWORD}@127.0.0.1:9/herald"  # nothing listens on 9


async def _opened(settings: Settings, *, migrate: bool = True) -> None:
    db = open_database(settings)
    await prepare(db, migrate=migrate)
    await db.close()


@pytest.mark.parametrize(
    ("url", "named"),
    [
        ("nonsense", "is not a database URL"),
        (f"herald:{PASSWORD}@db/herald", "is not a database URL"),
        (f"postgresql://herald:{PASSWORD}@db/herald", "postgresql://herald:***@db/herald"),
        (f"postgres://herald:{PASSWORD}@db/herald", "postgres://herald:***@db/herald"),
        ("sqlite:///herald.db", "sqlite+aiosqlite://"),
    ],
)
def test_a_url_no_engine_can_be_made_from_names_the_drivers(url: str, named: str) -> None:
    with pytest.raises(ConfigError) as caught:
        open_database(Settings(database_url=url))
    message = str(caught.value)
    assert message.startswith("HERALD_DATABASE_URL")
    assert named in message
    assert "postgresql+asyncpg://" in message
    assert PASSWORD not in message


@pytest.mark.parametrize("query", ["", "?sslmode=require"])
async def test_an_unreachable_database_names_the_setting_and_host_not_the_password(
    query: str,
) -> None:
    # sslmode= (libpq's) is passed to asyncpg as ssl=: the connection is attempted.
    with pytest.raises(ConfigError) as caught:
        await _opened(Settings(database_url=NOWHERE + query))
    message = str(caught.value)
    assert message.startswith(
        "HERALD_DATABASE_URL: cannot connect to postgresql+asyncpg://herald:***@127.0.0.1:9/herald"
    )
    assert "sslmode" not in message.split(": ", 2)[-1]  # not refused as an argument
    assert PASSWORD not in message


async def test_a_query_argument_the_driver_does_not_take_is_named() -> None:
    with pytest.raises(ConfigError, match=r"HERALD_DATABASE_URL: .*'nonsense'"):
        await _opened(Settings(database_url=NOWHERE + "?nonsense=1"))


async def test_without_migrations_only_a_store_at_the_head_revision_opens(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, migrate_on_start=False)
    with pytest.raises(ConfigError, match=r"HERALD_MIGRATE_ON_START .*`herald migrate`"):
        await _opened(settings, migrate=False)
    await _opened(settings, migrate=True)  # what `herald migrate` does
    await _opened(settings, migrate=False)


async def test_a_data_dir_that_is_a_file_is_named(tmp_path: Path) -> None:
    a_file = tmp_path / "file"
    a_file.write_text("")
    for data_dir in (a_file, a_file / "below"):
        with pytest.raises(ConfigError, match=f"HERALD_DATA_DIR '{data_dir}' must be a writable"):
            open_database(Settings(data_dir=data_dir))
        with pytest.raises(ConfigError, match="HERALD_DATA_DIR"):
            jwt_secret(Settings(data_dir=data_dir))


def test_a_data_dir_the_secret_cannot_be_written_to_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As on a read-only volume (root may write anywhere here, so the refusal is simulated).
    def refused(*_args: object) -> int:
        raise OSError(errno.EROFS, os.strerror(errno.EROFS))

    monkeypatch.setattr("herald.auth.tokens.os.open", refused)
    with pytest.raises(ConfigError, match=f"HERALD_DATA_DIR '{tmp_path}' .*: Read-only file"):
        jwt_secret(Settings(data_dir=tmp_path))
