"""The `herald` command: serve, migrate."""

from __future__ import annotations

import argparse
import asyncio
import sys

from herald.config import ConfigError, Settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="herald", description="Herald notification dispatch")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("serve", help="run the gRPC server (configuration from HERALD_* variables)")
    commands.add_parser("migrate", help="apply database migrations and exit")
    args = parser.parse_args(argv)
    try:
        settings = Settings.from_env()
    except ConfigError as exc:
        print(f"herald: configuration error: {exc}", file=sys.stderr)
        return 2

    from herald import logging as herald_logging  # noqa: PLC0415 - keep --help fast

    herald_logging.configure(settings.log_level)
    if args.command == "serve":
        from herald.server import serve  # noqa: PLC0415

        try:
            asyncio.run(serve(settings))
        except ConfigError as exc:
            print(f"herald: configuration error: {exc}", file=sys.stderr)
            return 2
        return 0
    from herald.store.database import Database  # noqa: PLC0415

    async def migrate() -> None:
        db = Database(settings.sqlalchemy_url)
        try:
            await db.migrate()
        finally:
            await db.close()

    asyncio.run(migrate())
    return 0
