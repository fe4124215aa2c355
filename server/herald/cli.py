"""The `herald` command: serve, migrate, development credentials (token, apikey),
and the client commands of cli_client.py (send, campaign, inbox, health)."""

from __future__ import annotations

import argparse
import asyncio
import math
import sys
from typing import Any

from herald import cli_client
from herald.config import ConfigError, Settings


def _positive_seconds(text: str) -> float:
    try:
        seconds = float(text)
    except ValueError:
        seconds = math.nan
    if not (math.isfinite(seconds) and seconds > 0):
        raise argparse.ArgumentTypeError("must be a positive number of seconds")
    return seconds


def _add_credential_commands(commands: Any) -> None:
    token = commands.add_parser(
        "token",
        help="print a signed JWT for development (HS256, HERALD_JWT_SECRET or the data dir's)",
    )
    token.add_argument("--sub", default="dev", help="the subject (default: dev)")
    token.add_argument(
        "--scope", action="append", default=[], help="a scope (repeat, or space-separated)"
    )
    token.add_argument("--role", action="append", default=[], help="a role: admin, manager, ...")
    token.add_argument("--brand", default="", help="bind the caller to this brand (tenant)")
    token.add_argument(
        "--ttl", type=_positive_seconds, default=3600.0, help="seconds valid (default 3600)"
    )
    apikey = commands.add_parser("apikey", help="create, list and revoke API keys")
    keys = apikey.add_subparsers(dest="apikey_command", required=True)
    create = keys.add_parser("create", help="create a key and print it (shown this once)")
    create.add_argument("--name", default="", help="what the key is for")
    create.add_argument(
        "--scope", action="append", default=[], help="a scope (repeat, or space-separated)"
    )
    create.add_argument("--role", action="append", default=[], help="a role: admin, manager, ...")
    create.add_argument("--brand", default="", help="bind the key to this brand (tenant)")
    keys.add_parser("list", help="list keys (never their secrets)")
    revoke = keys.add_parser("revoke", help="revoke a key by its id")
    revoke.add_argument("id")


INTERRUPTED = "herald: interrupted"


def main(argv: list[str] | None = None) -> int:
    """Ctrl-C anywhere, from parsing the arguments on (a secret still being read, a command
    in or out of asyncio.run), exits 130 with one line."""
    try:
        return _main(argv)
    except KeyboardInterrupt:
        print(INTERRUPTED, file=sys.stderr, flush=True)
        return 130


def _main(argv: list[str] | None) -> int:
    parser = argparse.ArgumentParser(prog="herald", description="Herald notification dispatch")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("serve", help="run the gRPC server (configuration from HERALD_* variables)")
    commands.add_parser("migrate", help="apply database migrations and exit")
    deliver_command = commands.add_parser(
        "deliver",
        help="only deliver from the queue, no API (serve starts HERALD_DELIVERY_PROCESSES)",
    )
    deliver_command.add_argument(
        "--processes",
        type=int,
        default=1,
        help="delivering processes sharing the channel rate and concurrency limits (default 1)",
    )
    deliver_command.add_argument(
        "--index", type=int, default=1, help="this one's number, for the logs"
    )
    deliver_command.add_argument(
        "--supervised", action="store_true", help="stdin is a pipe from serve (internal)"
    )
    deliver_command.add_argument(
        "--ready-fd", type=int, default=None, help="write a byte here once delivering (internal)"
    )
    _add_credential_commands(commands)
    cli_client.add_commands(commands)
    args = parser.parse_args(argv)
    try:
        settings = Settings.from_env()
        return _run_command(args, settings)
    except ConfigError as exc:
        print(f"herald: configuration error: {exc}", file=sys.stderr)
        return 2


def _run_command(args: argparse.Namespace, settings: Settings) -> int:
    """Run the parsed command; a ConfigError it raises is main's to report."""
    from herald import logging as herald_logging  # noqa: PLC0415 - keep --help fast

    herald_logging.configure(settings.log_level)
    if args.command in cli_client.COMMANDS:
        return cli_client.run(args, settings)
    if args.command in ("token", "apikey"):
        from herald.cli_credentials import run  # noqa: PLC0415

        return run(args, settings)
    if args.command == "serve":
        from herald.server import serve  # noqa: PLC0415

        asyncio.run(serve(settings))
        return 0
    if args.command == "deliver":
        from herald.delivery_process import deliver  # noqa: PLC0415

        asyncio.run(
            deliver(settings, max(1, args.processes), args.index, args.supervised, args.ready_fd)
        )
        return 0
    from herald.store.startup import open_database, prepare  # noqa: PLC0415

    async def migrate() -> None:
        db = open_database(settings)
        await prepare(db, migrate=True)
        await db.close()

    asyncio.run(migrate())
    return 0
