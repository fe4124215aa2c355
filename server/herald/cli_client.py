"""Client commands of `herald`: send, campaign send, inbox watch, health (their
arguments; cli_client_commands.py runs them, imported only when one is used so
`herald --help` and `herald serve` stay fast).

They talk to a running server: `--target` (HERALD_TARGET, default
127.0.0.1:50051), `--token` (HERALD_TOKEN; without one, an admin token is minted
when HERALD_JWT_SECRET or the data directory's JWT secret is there, as
`herald token` does, for each call: valid --token-ttl seconds, 300 by default), TLS
with `--cacert` (and `--cert`/`--key` for mutual TLS).

Exit codes: 0 everything delivered (in fallback mode: one channel did) / serving /
completed; 1 a channel or a recipient failed, or not serving; 2 bad usage or an RPC
error (its status code, message, reason and field violations on stderr); 130
interrupted. `--json` prints responses as protobuf JSON (one object per line for
streams; a watch prints the state a reconnection replays only when it changed).
A watch reconnects when the server ends its stream at its time limit or at the expiry
of a token it minted (a given token's expiry is exit code 2), and rides through a
server restart (UNAVAILABLE): one line on stderr, then exit code 2 only
once the server has stayed away for --reconnect-seconds (RECONNECT_GIVE_UP_SECONDS,
60 s, by default).
"""

from __future__ import annotations

import argparse
import math
import os
from pathlib import Path
from typing import Any

from herald.config import Settings

COMMANDS = ("send", "campaign", "inbox", "health")
DEFAULT_TARGET = "127.0.0.1:50051"
# How long a watch keeps reconnecting to a server that went away (restarting, a rolling
# deploy: UNAVAILABLE) before it gives up, exit code 2; --reconnect-seconds.
RECONNECT_GIVE_UP_SECONDS = 60.0
# How long a token the command mints for itself (no --token) is valid; --token-ttl.
MINTED_TOKEN_SECONDS = 300


# -- arguments ----------------------------------------------------------------


def _seconds(text: str) -> float:
    try:
        seconds = float(text)
    except ValueError:
        seconds = math.nan
    if not (math.isfinite(seconds) and seconds >= 0):
        raise argparse.ArgumentTypeError("must be a number of seconds, 0 or more")
    return seconds


def _whole_seconds(text: str) -> int:
    try:
        seconds = int(text)
    except ValueError:
        seconds = 0
    if seconds < 1:
        raise argparse.ArgumentTypeError("must be a whole number of seconds, 1 or more")
    return seconds


def _reconnect_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--reconnect-seconds",
        type=_seconds,
        default=RECONNECT_GIVE_UP_SECONDS,
        metavar="SECONDS",
        help="when the server goes away (a restart, a rolling deploy), keep reconnecting for "
        f"this long before exiting 2 (default {RECONNECT_GIVE_UP_SECONDS:g}; 0: exit at once). "
        "The server's stream time limit is always reconnected, quietly",
    )


def _connection_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("connection")
    group.add_argument(
        "--target",
        default=os.environ.get("HERALD_TARGET", DEFAULT_TARGET),
        help=f"server address (HERALD_TARGET, default {DEFAULT_TARGET})",
    )
    group.add_argument(
        "--token",
        default=os.environ.get("HERALD_TOKEN", ""),
        help="bearer token or API key (HERALD_TOKEN; default: an admin token minted from "
        "HERALD_JWT_SECRET or the data directory's secret, if there is one)",
    )
    group.add_argument(
        "--token-ttl",
        type=_whole_seconds,
        default=MINTED_TOKEN_SECONDS,
        metavar="SECONDS",
        help="how long a token minted here (no --token) is valid; each call mints its own, "
        f"and a watch renews it when the server ends the stream at its expiry "
        f"(default {MINTED_TOKEN_SECONDS})",
    )
    group.add_argument("--cacert", type=Path, help="PEM CA certificate(s): connect with TLS")
    group.add_argument("--cert", type=Path, help="PEM client certificate (mutual TLS)")
    group.add_argument("--key", type=Path, help="PEM client private key (mutual TLS)")
    group.add_argument(
        "--timeout", type=float, default=None, help="seconds the call may take (unary calls)"
    )
    parser.add_argument("--json", action="store_true", help="print responses as JSON")


def add_commands(commands: Any) -> None:
    send = commands.add_parser(
        "send",
        help="send a message (SendMessage) and print one result per channel",
        description="Send a message and wait for every channel's result. Exit code 0 when "
        "every channel delivered (--fallback: one did), 1 when one did not, 2 on bad input "
        "or an RPC error.",
    )
    send.add_argument(
        "file",
        nargs="?",
        help="a JSON SendMessageRequest: a path, or - for stdin (same as --file)",
    )
    send.add_argument("--file", dest="file_option", help="a JSON SendMessageRequest (or -)")
    send.add_argument("--subject", help="subject / title")
    send.add_argument("--body", help="body text")
    send.add_argument("--html", action="store_true", help="the body is HTML")
    send.add_argument(
        "--channel",
        "-c",
        action="append",
        default=[],
        help="email, sms, push, in_app, webhook (repeat, or comma-separated)",
    )
    send.add_argument("--email", help="email address")
    send.add_argument("--phone", help="E.164 phone number")
    send.add_argument("--user", help="user id (In-App inbox; directory contact points)")
    send.add_argument("--push-token", help="FCM registration token")
    send.add_argument("--webhook-url", help="webhook URL")
    send.add_argument("--request-id", help="idempotency key")
    send.add_argument("--data", help="template data as a JSON object, e.g. '{\"code\": 42}'")
    send.add_argument("--fallback", action="store_true", help="try the channels in order")
    _connection_options(send)

    campaign = commands.add_parser("campaign", help="campaign commands")
    campaign_commands = campaign.add_subparsers(dest="campaign_command", required=True)
    campaign_send = campaign_commands.add_parser(
        "send",
        help="send a stored campaign to recipients (SendCampaign), optionally watching it",
        description="Exit code 0 when the send was accepted (with --watch: completed with no "
        "failures), 1 when a recipient failed or the send was cancelled, 2 on an error. "
        "--watch rides through a server restart: it reconnects, printing one line on stderr; "
        "exit code 2 when the server stays away longer than --reconnect-seconds.",
    )
    campaign_send.add_argument("id", help="the campaign's id")
    campaign_send.add_argument(
        "--recipients",
        required=True,
        help="a .csv (person_id,recipient; a header row is optional) or .json "
        '([{"person_id": ..., "recipient": ...}]) file, or - for CSV on stdin',
    )
    campaign_send.add_argument("--request-id", help="idempotency key")
    campaign_send.add_argument(
        "--watch", action="store_true", help="follow the send (WatchCampaignSend) to its end"
    )
    _reconnect_option(campaign_send)
    _connection_options(campaign_send)

    inbox = commands.add_parser("inbox", help="inbox commands")
    inbox_commands = inbox.add_subparsers(dest="inbox_command", required=True)
    inbox_watch = inbox_commands.add_parser(
        "watch",
        help="print a user's inbox events (WatchInbox) until interrupted",
        description="Print a user's inbox events until interrupted (exit code 0). It rides "
        "through a server restart: it reconnects, printing one line on stderr, and prints "
        "the messages that arrived meanwhile; exit code 2 when the server stays away longer "
        "than --reconnect-seconds.",
    )
    inbox_watch.add_argument("user", help="the user id")
    _reconnect_option(inbox_watch)
    _connection_options(inbox_watch)

    health = commands.add_parser(
        "health",
        help="check the server's health (grpc.health.v1); exit code 0 when SERVING",
    )
    health.add_argument("--service", default="", help="a service name (default: the server)")
    _connection_options(health)


def run(args: argparse.Namespace, settings: Settings) -> int:
    from herald.cli_client_commands import run as run_command  # noqa: PLC0415

    return run_command(args, settings)
