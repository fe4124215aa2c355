"""Running the client commands of `herald` (cli_client.py has their arguments).

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
import csv
import json
import math
import signal
import sys
import time
from collections.abc import Callable, Generator, Iterator
from contextlib import closing
from pathlib import Path
from typing import Any, NoReturn

import grpc
from google.protobuf import json_format
from google.protobuf.message import DecodeError, Message
from google.rpc import error_details_pb2, status_pb2
from grpc_health.v1 import health_pb2, health_pb2_grpc

from herald.cli_client import RECONNECT_GIVE_UP_SECONDS
from herald.config import ConfigError, Settings
from herald.v1 import (
    campaign_pb2,
    campaign_pb2_grpc,
    common_pb2,
    delivery_pb2,
    delivery_pb2_grpc,
    inbox_pb2,
    inbox_pb2_grpc,
)

CLI_SUBJECT = "herald-cli"


class UsageError(Exception):
    """Bad arguments or input, or another failure told in one line: exit code 2."""


# -- connection ---------------------------------------------------------------


def _read(path: Path, what: str) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise UsageError(f"{what} {str(path)!r}: {exc.strerror}") from exc


RECONNECT_FIRST_SECONDS = 0.1
RECONNECT_MAX_SECONDS = 5.0
# A RetryInfo asking for a longer wait than this is not taken at its word.
RETRY_DELAY_CAP_SECONDS = 30.0
# The channel's own reconnection back-off: without these grpc waits up to 120 s between
# connection attempts, failing every call at once meanwhile, long after the server is back.
_CHANNEL_OPTIONS = (
    ("grpc.initial_reconnect_backoff_ms", int(RECONNECT_FIRST_SECONDS * 1000)),
    ("grpc.min_reconnect_backoff_ms", int(RECONNECT_FIRST_SECONDS * 1000)),
    ("grpc.max_reconnect_backoff_ms", int(RECONNECT_MAX_SECONDS * 1000)),
)


def _channel(args: argparse.Namespace) -> grpc.Channel:
    if (args.cert is None) != (args.key is None):
        raise UsageError("--cert and --key go together")
    if args.cacert is None and args.cert is None:
        return grpc.insecure_channel(args.target, options=_CHANNEL_OPTIONS)
    credentials = grpc.ssl_channel_credentials(
        root_certificates=_read(args.cacert, "--cacert") if args.cacert else None,
        private_key=_read(args.key, "--key") if args.key else None,
        certificate_chain=_read(args.cert, "--cert") if args.cert else None,
    )
    return grpc.secure_channel(args.target, credentials, options=_CHANNEL_OPTIONS)


def _token(args: argparse.Namespace, settings: Settings) -> str:
    if args.token:
        return str(args.token)
    from herald.auth.tokens import jwt_secret, mint  # noqa: PLC0415

    secret = jwt_secret(settings, generate=False)  # never create a secret here
    if not secret:
        return ""
    return mint(
        secret,
        CLI_SUBJECT,
        scopes=(),
        roles=("admin",),
        brand="",
        ttl=float(args.token_ttl),
        issuer=settings.jwt_issuer,
        audience=settings.jwt_audience,
    )


def _metadata(args: argparse.Namespace, settings: Settings) -> tuple[tuple[str, str], ...]:
    token = _token(args, settings)
    return (("authorization", f"Bearer {token}"),) if token else ()


def _status(error: grpc.RpcError) -> status_pb2.Status:
    """The google.rpc.Status in the error's trailers (empty if none, or unreadable)."""
    status = status_pb2.Status()
    for key, value in error.trailing_metadata() or ():
        if key == "grpc-status-details-bin" and isinstance(value, bytes):
            try:
                status.ParseFromString(value)
            except DecodeError:
                return status_pb2.Status()
    return status


def _reason(error: grpc.RpcError) -> str:
    """The ErrorInfo reason in the error's status details ("" if none)."""
    for detail in _status(error).details:
        if detail.Is(error_details_pb2.ErrorInfo.DESCRIPTOR):
            info = error_details_pb2.ErrorInfo()
            detail.Unpack(info)
            return str(info.reason)
    return ""


def _token_expired(error: grpc.RpcError | None) -> bool:
    return (
        error is not None
        and error.code() is grpc.StatusCode.UNAUTHENTICATED
        and _reason(error) == "TOKEN_EXPIRED"
    )


def _retry_delay(error: grpc.RpcError) -> float:
    """The RetryInfo retry_delay in the error's status details, in seconds (0 if none)."""
    for detail in _status(error).details:
        if detail.Is(error_details_pb2.RetryInfo.DESCRIPTOR):
            retry = error_details_pb2.RetryInfo()
            detail.Unpack(retry)
            seconds = retry.retry_delay.seconds + retry.retry_delay.nanos / 1e9
            return seconds if math.isfinite(seconds) and seconds > 0 else 0.0
    return 0.0


def _reconnecting(
    open_stream: Callable[[], Any],
    *,
    give_up_after: float = RECONNECT_GIVE_UP_SECONDS,
    reached: bool = False,
    endless: bool = False,
    minted: bool = False,
) -> Generator[Any, None, None]:
    """The messages of the stream `open_stream()` starts, started again each time it
    ends early: every watch begins again with the current state. Call `_metadata` in
    `open_stream`: each connection then has a token of its own, freshly minted when
    `minted` (the command mints its tokens: no --token).

    - DEADLINE_EXCEEDED (the server's stream time or idle limit, with a zero RetryInfo):
      reconnect, quietly.
    - UNAUTHENTICATED with TOKEN_EXPIRED (the server ends a stream when its token
      expires), when `minted` and the stream delivered a message (its token was good):
      reconnect at once, quietly, with a new token. A given token's expiry is raised.
    - UNAVAILABLE (the server restarting, a rolling deploy: the stream cut off, or no
      connection), or, when `endless` (a stream that runs until the caller cancels it),
      the server ending the stream: one line on stderr, then reconnect, for at most
      `give_up_after` seconds of failures with no message in between; then the error
      is raised (exit code 2). Only once the server has been `reached` (a message from
      it, or an earlier call): a watch started against a wrong address fails at once.
    - Any other error is raised; a stream that is not `endless` ending is the end.

    Between tries it waits 0.1 s, doubling up to 5 s while streams end with nothing in
    them (a bound shorter than the first message, a proxy ending every call, a server
    still down), or the RetryInfo retry_delay the server sent if longer (at most 30 s);
    back to 0.1 s once one delivers a message."""
    delay = RECONNECT_FIRST_SECONDS
    failing_since: float | None = None  # monotonic: the first failure since a message
    while True:
        stream = open_stream()
        error: grpc.RpcError | None = None
        delivered = False
        try:
            for message in stream:
                delivered = True
                delay = RECONNECT_FIRST_SECONDS
                failing_since = None
                reached = True
                yield message
            if not endless:
                return  # the server ended it: the watch is over
        except grpc.RpcError as exc:
            error = exc
        finally:
            stream.cancel()  # the caller stopped early: end the call too
        code = error.code() if error is not None else grpc.StatusCode.OK
        if minted and delivered and _token_expired(error):
            continue  # the next open_stream() mints a new token
        if code is grpc.StatusCode.DEADLINE_EXCEEDED:
            failing_since = None  # the server is there: it ended the stream at its limit
        elif code in (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.OK) and reached:
            now = time.monotonic()
            if failing_since is None:
                failing_since = now
                if give_up_after > 0:
                    what = "is unavailable" if error is not None else "ended the watch"
                    _err(f"herald: the server {what}; reconnecting for up to {give_up_after:g} s")
            if now - failing_since >= give_up_after:
                if error is not None:
                    raise error
                raise UsageError("the server ended the watch")
        elif error is not None:
            raise error
        wait = delay
        if error is not None:
            wait = max(delay, min(_retry_delay(error), RETRY_DELAY_CAP_SECONDS))
        if failing_since is not None:  # one more try at the give-up time, not later
            wait = min(wait, max(0.0, failing_since + give_up_after - time.monotonic()))
        time.sleep(wait)
        delay = min(delay * 2, RECONNECT_MAX_SECONDS)


# -- output -------------------------------------------------------------------


def _json(message: Message) -> str:
    return json_format.MessageToJson(message, indent=None, sort_keys=False)


def _out(line: str) -> None:
    print(line, flush=True)


def _err(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def report_rpc_error(
    error: grpc.RpcError, default_message: str = "", *, token_given: bool = False
) -> int:
    """The status code and message (`default_message` when the server sent none),
    then ErrorInfo, field and precondition violations from google.rpc.Status, on
    stderr, and for UNAUTHENTICATED what to do about it (`token_given`: --token or
    HERALD_TOKEN was used, not a minted token). Returns 2."""
    code = error.code()
    _err(f"herald: {code.name if code else 'UNKNOWN'}: {error.details() or default_message}")
    for detail in _status(error).details:
        if detail.Is(error_details_pb2.ErrorInfo.DESCRIPTOR):
            info = error_details_pb2.ErrorInfo()
            detail.Unpack(info)
            extra = " ".join(f"{k}={v}" for k, v in sorted(info.metadata.items()))
            _err(f"  reason: {info.reason}" + (f" ({extra})" if extra else ""))
        elif detail.Is(error_details_pb2.BadRequest.DESCRIPTOR):
            bad = error_details_pb2.BadRequest()
            detail.Unpack(bad)
            for violation in bad.field_violations:
                _err(f"  {violation.field}: {violation.description}")
        elif detail.Is(error_details_pb2.PreconditionFailure.DESCRIPTOR):
            failure = error_details_pb2.PreconditionFailure()
            detail.Unpack(failure)
            for item in failure.violations:
                _err(f"  {item.type} {item.subject}: {item.description}")
        elif detail.Is(error_details_pb2.RetryInfo.DESCRIPTOR):
            retry = error_details_pb2.RetryInfo()
            detail.Unpack(retry)
            _err(f"  retry after {retry.retry_delay.ToTimedelta().total_seconds():g} s")
    if code is grpc.StatusCode.UNAUTHENTICATED:
        _err(f"  ({_unauthenticated_hint(error, token_given)})")
    return 2


def _unauthenticated_hint(error: grpc.RpcError, token_given: bool) -> str:
    expired = _reason(error) == "TOKEN_EXPIRED"
    if token_given:
        what = "has expired" if expired else "was refused"
        return f"the token given with --token or HERALD_TOKEN {what}"
    if expired:  # minted here a moment ago
        return "the token minted here was already expired at the server: is this clock behind?"
    return "give --token or HERALD_TOKEN, or point HERALD_DATA_DIR at the server's data"


def _enum_name(enum: Any, value: int, prefix: str) -> str:
    return str(enum.Name(value)).removeprefix(prefix).lower()


# -- send -----------------------------------------------------------------------

_CHANNELS: dict[str, common_pb2.Channel] = {
    "email": common_pb2.CHANNEL_EMAIL,
    "sms": common_pb2.CHANNEL_SMS,
    "push": common_pb2.CHANNEL_PUSH,
    "in_app": common_pb2.CHANNEL_IN_APP,
    "inapp": common_pb2.CHANNEL_IN_APP,
    "in-app": common_pb2.CHANNEL_IN_APP,
    "webhook": common_pb2.CHANNEL_WEBHOOK,
}


def _channel_value(name: str) -> common_pb2.Channel:
    key = name.strip().lower().removeprefix("channel_")
    if key not in _CHANNELS:
        raise UsageError(f"--channel {name!r}: one of email, sms, push, in_app, webhook")
    return _CHANNELS[key]


def _load_json(source: str, what: str) -> Any:
    try:
        text = sys.stdin.read() if source == "-" else _read(Path(source), what).decode("utf-8-sig")
        return json.loads(text.removeprefix("\ufeff"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise UsageError(f"{what} {source!r} is not JSON: {exc}") from exc


def _parse_object(value: Any, message: Message, what: str) -> None:
    """`value` (parsed JSON) into `message`; anything but a matching object is a UsageError."""
    if not isinstance(value, dict):
        raise UsageError(f"{what}: expected a JSON object")
    try:
        json_format.ParseDict(value, message)
    except json_format.ParseError as exc:
        raise UsageError(f"{what}: {exc}") from exc


def build_send_request(args: argparse.Namespace) -> delivery_pb2.SendMessageRequest:
    """The file's request (if any), then each flag given on top of it."""
    request = delivery_pb2.SendMessageRequest()
    if args.file and args.file_option:
        raise UsageError("give the request file once (positional or --file)")
    source = args.file or args.file_option
    if source:
        _parse_object(_load_json(source, "request file"), request, f"request file {source!r}")
    for name, field_name in (
        ("subject", "subject"),
        ("body", "body"),
        ("email", "email_address"),
        ("phone", "phone_number"),
        ("user", "user_id"),
        ("push_token", "push_token"),
        ("webhook_url", "webhook_url"),
        ("request_id", "request_id"),
    ):
        value = getattr(args, name)
        if value is not None:
            setattr(request, field_name, value)
    if args.html:
        request.is_html = True
    if args.fallback:
        request.mode = delivery_pb2.DISPATCH_MODE_FALLBACK
    channels = [c for value in args.channel for c in value.split(",") if c.strip()]
    if channels:
        del request.channels[:]
        request.channels.extend(_channel_value(c) for c in channels)
    if args.data is not None:
        data = _load_json_text(args.data, "--data")
        if not isinstance(data, dict):
            raise UsageError("--data must be a JSON object")
        request.data.Clear()
        request.data.update(data)
    return request


def _load_json_text(text: str, what: str) -> Any:
    try:
        return json.loads(text)
    except ValueError as exc:
        raise UsageError(f"{what} is not JSON: {exc}") from exc


def _send(args: argparse.Namespace, settings: Settings) -> int:
    request = build_send_request(args)
    with _channel(args) as channel:
        stub = delivery_pb2_grpc.DeliveryServiceStub(channel)
        response = stub.SendMessage(
            request, metadata=_metadata(args, settings), timeout=args.timeout
        )
    if args.json:
        _out(_json(response))
    else:
        replayed = " (replayed)" if response.replayed else ""
        _out(f"message {response.message_id}{replayed}")
        for result in response.results:
            channel_name = _enum_name(common_pb2.Channel, result.channel, "CHANNEL_")
            state = _enum_name(common_pb2.DeliveryState, result.state, "DELIVERY_STATE_")
            line = f"  {channel_name:<8} {state:<10} {result.recipient}"
            if not result.success and result.error_code:
                line += f"  {result.error_code}: {result.error}"
            if result.attempts > 1:
                line += f"  ({result.attempts} attempts)"
            _out(line)
    return _message_outcome(request, response)


def _message_outcome(
    request: delivery_pb2.SendMessageRequest, response: delivery_pb2.SendMessageResponse
) -> int:
    successes = [result.success for result in response.results]
    if request.mode == delivery_pb2.DISPATCH_MODE_FALLBACK:
        return 0 if any(successes) else 1  # the channels after the one that delivered: skipped
    return 0 if successes and all(successes) else 1


# -- campaign send ------------------------------------------------------------


def read_recipients(source: str) -> list[campaign_pb2.CampaignRecipient]:
    if source.lower().endswith(".json"):
        items = _load_json(source, "--recipients")
        if not isinstance(items, list):
            raise UsageError("--recipients: a JSON file holds a list of recipients")
        recipients = []
        for index, item in enumerate(items):
            recipient = campaign_pb2.CampaignRecipient()
            _parse_object(item, recipient, f"--recipients {source!r} [{index}]")
            recipients.append(recipient)
        return recipients
    # Excel's "CSV UTF-8" starts with a byte order mark: not part of the header.
    if source == "-":
        text = sys.stdin.read().removeprefix("\ufeff")
    else:
        try:
            text = _read(Path(source), "--recipients").decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise UsageError(f"--recipients {source!r} is not UTF-8") from exc
    recipients = []
    for number, row in enumerate(csv.reader(text.splitlines()), start=1):
        if not row or not any(cell.strip() for cell in row):
            continue
        cells = [cell.strip() for cell in row]
        if number == 1 and [c.lower() for c in cells] == ["person_id", "recipient"]:
            continue
        if len(cells) != 2:
            raise UsageError(f"--recipients line {number}: expected person_id,recipient")
        recipients.append(campaign_pb2.CampaignRecipient(person_id=cells[0], recipient=cells[1]))
    return recipients


_SEND_DONE = (
    campaign_pb2.CAMPAIGN_SEND_STATUS_COMPLETED,
    campaign_pb2.CAMPAIGN_SEND_STATUS_CANCELLED,
)


def _send_line(send: campaign_pb2.CampaignSend) -> str:
    status = _enum_name(campaign_pb2.CampaignSendStatus, send.status, "CAMPAIGN_SEND_STATUS_")
    return (
        f"send {send.id} of campaign {send.campaign_id}: {status}, "
        f"{send.sent} sent, {send.failed} failed, {send.cancelled} cancelled "
        f"of {send.total_recipients}"
    )


def _send_outcome(send: campaign_pb2.CampaignSend) -> int:
    completed = send.status == campaign_pb2.CAMPAIGN_SEND_STATUS_COMPLETED
    return 0 if completed and send.failed == 0 else 1


def _watch_with_progress(updates: Iterator[campaign_pb2.CampaignSend]) -> campaign_pb2.CampaignSend:
    from rich.console import Console  # noqa: PLC0415 - only --watch pays for rich
    from rich.progress import (  # noqa: PLC0415
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    last: campaign_pb2.CampaignSend | None = None
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("sent {task.fields[sent]}, failed {task.fields[failed]}"),
        TimeElapsedColumn(),
        console=Console(stderr=True),
    ) as progress:
        task = progress.add_task("queued", total=None, sent=0, failed=0)
        for send in updates:
            last = send
            progress.update(
                task,
                description=_enum_name(
                    campaign_pb2.CampaignSendStatus, send.status, "CAMPAIGN_SEND_STATUS_"
                ),
                total=send.total_recipients or None,
                completed=send.sent + send.failed + send.cancelled,
                sent=send.sent,
                failed=send.failed,
            )
    if last is None:
        raise UsageError("the watch ended before any progress arrived")
    return last


def _campaign_send(args: argparse.Namespace, settings: Settings) -> int:
    recipients = read_recipients(args.recipients)
    request = campaign_pb2.SendCampaignRequest(
        id=args.id, recipients=recipients, request_id=args.request_id or ""
    )
    metadata = _metadata(args, settings)
    with _channel(args) as channel:
        stub = campaign_pb2_grpc.CampaignServiceStub(channel)
        send = stub.SendCampaign(request, metadata=metadata, timeout=args.timeout).send
        if not args.watch:
            _out(_json(send) if args.json else _send_line(send))
            return 0
        watch = campaign_pb2.WatchCampaignSendRequest(id=send.id)

        def updates() -> Iterator[campaign_pb2.CampaignSend]:
            streams = _reconnecting(
                lambda: stub.WatchCampaignSend(watch, metadata=_metadata(args, settings)),
                give_up_after=args.reconnect_seconds,
                reached=True,  # SendCampaign reached it
                minted=not args.token,
            )
            previous = None
            with closing(streams):
                for response in streams:
                    if response.send == previous:
                        continue  # a new stream begins with the state the last one ended at
                    previous = response.send
                    yield response.send
                    if response.send.status in _SEND_DONE:
                        return

        if args.json:
            last = send
            for update in updates():
                last = update
                _out(_json(update))
        else:
            last = _watch_with_progress(updates())
            _out(_send_line(last))
    return _send_outcome(last)


# -- inbox watch ----------------------------------------------------------------


def _inbox_line(event: inbox_pb2.WatchInboxResponse) -> str:
    kind = event.WhichOneof("event")
    if kind is None:
        return f"unread {event.unread_count}"
    message = getattr(event, kind)
    state = _enum_name(inbox_pb2.InboxMessageState, message.state, "INBOX_MESSAGE_STATE_")
    verb = "new" if kind == "message_added" else "updated"
    text = f"{message.title}: {message.body}" if message.title else message.body
    return f"{verb} {message.id} [{state}] {text} (unread {event.unread_count})"


def _terminate(signum: int, frame: Any) -> NoReturn:
    raise KeyboardInterrupt


CATCH_UP_PAGE = 100  # messages per ListInboxMessages page when catching up
CATCH_UP_PAGES = 10  # at most this many pages after one reconnection
REMEMBERED = 10_000  # message ids an inbox watch remembers, to print none twice
_UNPRINTED = -1  # the state of a message there when the watch began: never printed


class _InboxSeen:
    """What an inbox watch knows of: the messages it printed (with the state printed) and
    those there when it began; ids below `floor` are older than all it knows (ids are
    time-ordered)."""

    def __init__(self) -> None:
        self.states: dict[str, int] = {}
        self.floor = ""
        self.began = False

    def remember(self, message_id: str, state: int) -> None:
        self.states.pop(message_id, None)
        self.states[message_id] = state
        while len(self.states) > REMEMBERED:
            oldest = next(iter(self.states))
            del self.states[oldest]
            self.floor = max(self.floor, oldest)

    def printed(self, message: inbox_pb2.InboxMessage) -> bool:
        return self.states.get(message.id) == message.state


class _CaughtUp:
    """A WatchInbox stream whose first event (the unread count alone) is followed by
    `catch_up()`'s: the messages that arrived while the watch had no stream. When there are
    some the count is left out: theirs is newer."""

    def __init__(
        self,
        stream: Any,
        catch_up: Callable[[], list[inbox_pb2.WatchInboxResponse]],
    ) -> None:
        self.stream = stream
        self.catch_up = catch_up

    def __iter__(self) -> Iterator[inbox_pb2.WatchInboxResponse]:
        events = iter(self.stream)
        first = next(events, None)
        if first is None:
            return
        missed = self.catch_up()  # after the stream began: what follows, it reports
        yield from missed or [first]
        yield from events

    def cancel(self) -> None:
        self.stream.cancel()


def _inbox_catch_up(
    stub: inbox_pb2_grpc.InboxServiceStub,
    args: argparse.Namespace,
    settings: Settings,
    seen: _InboxSeen,
) -> list[inbox_pb2.WatchInboxResponse]:
    """The messages (newest first, from ListInboxMessages) the watch does not know of,
    oldest first. The first time, when the watch begins, it only notes what is there."""
    missed: list[inbox_pb2.WatchInboxResponse] = []
    token = ""
    for _ in range(CATCH_UP_PAGES):
        reply = stub.ListInboxMessages(
            inbox_pb2.ListInboxMessagesRequest(
                user_id=args.user, page_size=CATCH_UP_PAGE, page_token=token, include_archived=True
            ),
            metadata=_metadata(args, settings),
            timeout=args.timeout or 30.0,
        )
        if not seen.began:
            seen.began = True
            for message in reply.messages:
                seen.remember(message.id, _UNPRINTED)
            if reply.next_page_token and reply.messages:
                seen.floor = reply.messages[-1].id
            return []
        known = False
        for message in reply.messages:
            if message.id < seen.floor:
                known = True
                break
            if message.id in seen.states:
                known = True  # the page reaches what the watch knows: the last one read
            else:
                missed.append(
                    inbox_pb2.WatchInboxResponse(
                        message_added=message, unread_count=reply.unread_count
                    )
                )
        token = reply.next_page_token
        if known or not token:
            break
    else:
        _err(f"herald: more messages arrived while reconnecting than the {len(missed)} printed")
    return missed[::-1]


def _inbox_watch(args: argparse.Namespace, settings: Settings) -> int:
    """Each (re)connection's stream begins with the unread count alone; a message that
    arrived while the watch had no stream is never in it. So after the count, a
    ListInboxMessages: the messages newer than those the watch knows of are printed (as
    added), and the stream's events for messages already printed in that state are not."""
    signal.signal(signal.SIGTERM, _terminate)
    request = inbox_pb2.WatchInboxRequest(user_id=args.user)
    with _channel(args) as channel:
        stub = inbox_pb2_grpc.InboxServiceStub(channel)
        seen = _InboxSeen()
        events = _reconnecting(
            lambda: _CaughtUp(
                stub.WatchInbox(request, metadata=_metadata(args, settings)),
                lambda: _inbox_catch_up(stub, args, settings, seen),
            ),
            give_up_after=args.reconnect_seconds,
            endless=True,
            minted=not args.token,
        )
        unread: int | None = None
        try:
            for event in events:
                kind = event.WhichOneof("event")
                if kind is None:
                    if event.unread_count == unread:
                        continue  # a new stream's count: news only when it changed
                else:
                    message = getattr(event, kind)
                    if seen.printed(message):
                        continue  # caught up with already
                    seen.remember(message.id, message.state)
                unread = event.unread_count
                _out(_json(event) if args.json else _inbox_line(event))
        except KeyboardInterrupt:
            pass
        return 0


# -- health ---------------------------------------------------------------------


def _health(args: argparse.Namespace, settings: Settings) -> int:
    with _channel(args) as channel:
        stub = health_pb2_grpc.HealthStub(channel)
        try:
            reply = stub.Check(
                health_pb2.HealthCheckRequest(service=args.service), timeout=args.timeout or 10.0
            )
        except grpc.RpcError as error:
            if error.code() is not grpc.StatusCode.NOT_FOUND:
                raise
            # grpc's health service gives no message with it.
            return report_rpc_error(error, f"the server has no service {args.service!r}")
    if args.json:
        _out(_json(reply))
    else:
        status = health_pb2.HealthCheckResponse.ServingStatus.Name(reply.status)
        _out(f"{args.service or 'herald'}: {status}")
    return 0 if reply.status == health_pb2.HealthCheckResponse.SERVING else 1


# -- entry ------------------------------------------------------------------------


def run(args: argparse.Namespace, settings: Settings) -> int:
    command = {
        "send": _send,
        "campaign": _campaign_send,
        "inbox": _inbox_watch,
        "health": _health,
    }[args.command]
    try:
        return command(args, settings)
    except UsageError as exc:
        _err(f"herald: {exc}")
        return 2
    except ConfigError as exc:
        _err(f"herald: configuration error: {exc}")
        return 2
    except grpc.RpcError as error:
        return report_rpc_error(error, token_given=bool(args.token))
