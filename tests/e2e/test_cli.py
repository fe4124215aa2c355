"""The client commands (`herald send`, `campaign send --watch`, `inbox watch`,
`health`) run as processes against a real server and webhook receiver."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import sys
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import grpc
import pytest
from google.protobuf import any_pb2, duration_pb2
from google.rpc import error_details_pb2, status_pb2
from grpc_status import rpc_status
from herald.v1 import (
    campaign_pb2,
    campaign_pb2_grpc,
    common_pb2,
    delivery_pb2,
    delivery_pb2_grpc,
    inbox_pb2,
    inbox_pb2_grpc,
)

from tests.support.auth import JWT_SECRET, token
from tests.support.server import ROOT, ServerProcess
from tests.support.webhook_receiver import WebhookReceiver

S = campaign_pb2


@dataclass
class Ran:
    code: int
    out: str
    err: str

    @property
    def lines(self) -> list[str]:
        return self.out.splitlines()


def cli_env(server: ServerProcess, tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HERALD_")}
    env.update(
        HERALD_TARGET=server.target,
        HERALD_DATA_DIR=str(tmp_path / "cli-data"),  # holds no secret
        HERALD_JWT_SECRET=JWT_SECRET,  # the CLI mints an admin token with it
        **extra,
    )
    return env


async def herald(
    env: dict[str, str], *args: str, stdin: bytes | None = None, limit: float = 60
) -> Ran:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "herald",
        *args,
        cwd=ROOT,
        env=env,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    reading = asyncio.ensure_future(process.communicate(stdin))
    try:
        out, err = await asyncio.wait_for(asyncio.shield(reading), limit)
    except TimeoutError:
        process.kill()  # what it printed until then says where it hung
        out, err = await reading
        raise AssertionError(
            f"herald {' '.join(args)} still ran after {limit} s; "
            f"stdout {out.decode()!r}; stderr {err.decode()!r}"
        ) from None
    assert process.returncode is not None
    return Ran(process.returncode, out.decode(), err.decode())


@pytest.fixture
def env(server: ServerProcess, tmp_path: Path) -> dict[str, str]:
    return cli_env(server, tmp_path)


async def test_send_every_channel_delivered_exits_0(
    env: dict[str, str], receiver: WebhookReceiver
) -> None:
    ran = await herald(
        env,
        "send",
        "--subject",
        "Deploy finished",
        "--body",
        "v2.3.1 is live.",
        "-c",
        "in_app,webhook",
        "--user",
        "cli-user",
        "--webhook-url",
        receiver.url("/ok/send"),
    )
    assert ran.code == 0, ran.err
    assert ran.lines[0].startswith("message ")
    results = ran.lines[1:]
    assert len(results) == 2
    assert all(" delivered " in line for line in results)
    assert receiver.received[-1].path == "/ok/send"
    assert receiver.received[-1].json["data"]["subject"] == "Deploy finished"


async def test_a_failing_channel_exits_1(env: dict[str, str], receiver: WebhookReceiver) -> None:
    ran = await herald(
        env,
        "send",
        "--subject",
        "s",
        "--body",
        "b",
        "--channel",
        "in_app",
        "--channel",
        "webhook",
        "--user",
        "cli-user",
        "--webhook-url",
        receiver.url("/status/410"),
    )
    assert ran.code == 1, ran.err
    webhook = next(line for line in ran.lines if "webhook" in line)
    assert " failed " in webhook
    assert "WEBHOOK_HTTP_STATUS" in webhook
    assert any(" delivered " in line for line in ran.lines if "in_app" in line)


async def test_fallback_delivered_by_one_channel_exits_0(
    env: dict[str, str], receiver: WebhookReceiver
) -> None:
    ran = await herald(
        env,
        "send",
        "--subject",
        "s",
        "--body",
        "b",
        "-c",
        "in_app",
        "-c",
        "webhook",
        "--fallback",
        "--user",
        "cli-user",
        "--webhook-url",
        receiver.url("/ok/fallback"),
    )
    assert ran.code == 0, ran.out + ran.err
    assert any(" delivered " in line for line in ran.lines if "in_app" in line)
    assert any(" skipped " in line for line in ran.lines if "webhook" in line)
    # The mode from a request file, JSON out: the first channel failed, the second delivered.
    request = {
        "subject": "s",
        "body": "b",
        "mode": "DISPATCH_MODE_FALLBACK",
        "channels": ["CHANNEL_WEBHOOK", "CHANNEL_IN_APP"],
        "webhookUrl": receiver.url("/status/410"),
        "userId": "cli-user",
    }
    ran = await herald(env, "send", "-", "--json", stdin=json.dumps(request).encode())
    assert ran.code == 0, ran.out + ran.err
    states = [r["state"] for r in json.loads(ran.out)["results"]]
    assert states == ["DELIVERY_STATE_FAILED", "DELIVERY_STATE_DELIVERED"]


async def test_bad_input_exits_2_with_the_field_violation_on_stderr(
    env: dict[str, str],
) -> None:
    ran = await herald(
        env, "send", "--subject", "s", "--body", "b", "-c", "email", "--email", "not-an-email"
    )
    assert ran.code == 2
    assert ran.out == ""
    assert "INVALID_ARGUMENT" in ran.err
    assert any(line.strip().startswith("email_address:") for line in ran.err.splitlines())


async def test_bad_usage_exits_2(env: dict[str, str], tmp_path: Path) -> None:
    unknown_channel = await herald(env, "send", "--subject", "s", "-c", "pigeon")
    assert unknown_channel.code == 2
    assert "pigeon" in unknown_channel.err
    not_json = tmp_path / "request.json"
    not_json.write_text("{nope")
    assert (await herald(env, "send", "--file", str(not_json))).code == 2
    unknown_field = await herald(env, "send", "-", stdin=b'{"colour": "red"}')
    assert unknown_field.code == 2
    assert "colour" in unknown_field.err
    missing = await herald(env, "send", "--file", str(tmp_path / "absent.json"))
    assert missing.code == 2


def assert_one_line_error(ran: Ran, *expected: str) -> None:
    assert ran.code == 2, ran.err
    assert "Traceback" not in ran.err
    [line] = ran.err.splitlines()
    assert line.startswith("herald")
    for text in expected:
        assert text in line


async def test_json_that_is_not_an_object_exits_2(env: dict[str, str], tmp_path: Path) -> None:
    for text in (b"5", b"null", b"[]"):
        ran = await herald(env, "send", "-", stdin=text)
        assert_one_line_error(ran, "request file '-'", "expected a JSON object")
    recipients = tmp_path / "recipients.json"
    recipients.write_text('[{"person_id": "p1", "recipient": "p1"}, 5]')
    ran = await herald(env, "campaign", "send", "any", "--recipients", str(recipients))
    assert_one_line_error(ran, str(recipients), "[1]", "expected a JSON object")


async def test_without_a_credential_the_rpc_error_exits_2(
    server: ServerProcess, tmp_path: Path
) -> None:
    env = cli_env(server, tmp_path)
    del env["HERALD_JWT_SECRET"]  # and the CLI's data dir has no secret: no token
    send = ("send", "--subject", "s", "--body", "b", "-c", "in_app", "--user", "u")
    ran = await herald(env, *send)
    assert ran.code == 2
    assert "UNAUTHENTICATED" in ran.err
    assert "CREDENTIALS_MISSING" in ran.err
    assert not (tmp_path / "cli-data" / "jwt-secret").exists()  # never generated
    # An explicit token works without any secret.
    with_token = await herald({**env, "HERALD_TOKEN": token()}, *send)
    assert with_token.code == 0, with_token.err


async def test_send_json_request_from_stdin_with_json_output(
    env: dict[str, str], receiver: WebhookReceiver
) -> None:
    request = {
        "subject": "From a file",
        "body": "JSON in, JSON out.",
        "channels": ["CHANNEL_WEBHOOK"],
        "webhookUrl": receiver.url("/ok/json"),
        "requestId": f"cli-{uuid.uuid4()}",
    }
    ran = await herald(env, "send", "-", "--json", stdin=json.dumps(request).encode())
    assert ran.code == 0, ran.err
    reply = json.loads(ran.out)
    assert reply["messageId"]
    [result] = reply["results"]
    assert result["channel"] == "CHANNEL_WEBHOOK"
    assert result["success"] is True
    assert result["state"] == "DELIVERY_STATE_DELIVERED"
    # The same request id again: the first answer, replayed.
    again = await herald(env, "send", "-", "--json", stdin=json.dumps(request).encode())
    assert json.loads(again.out)["replayed"] is True


async def _create_campaign(server: ServerProcess) -> str:
    async with grpc.aio.insecure_channel(server.target) as channel:
        stub = campaign_pb2_grpc.CampaignServiceStub(channel)
        reply = await stub.CreateCampaign(
            S.CreateCampaignRequest(
                campaign=S.Campaign(
                    display_name="CLI launch",
                    channels=[common_pb2.CHANNEL_WEBHOOK],
                    subject="We launched",
                    body="Come and see.",
                )
            ),
            metadata=(("authorization", f"Bearer {token()}"),),
            timeout=10,
        )
    return str(reply.campaign.id)


async def test_campaign_send_watch_runs_to_completion(
    server: ServerProcess, env: dict[str, str], receiver: WebhookReceiver, tmp_path: Path
) -> None:
    campaign_id = await _create_campaign(server)
    recipients = tmp_path / "recipients.csv"
    rows = [f"p{i},{receiver.url(f'/ok/campaign/r{i}')}" for i in range(20)]
    recipients.write_text("person_id,recipient\n" + "\n".join(rows) + "\n")
    ran = await herald(
        env, "campaign", "send", campaign_id, "--recipients", str(recipients), "--watch"
    )
    assert ran.code == 0, ran.err
    assert ran.lines[-1].endswith("completed, 20 sent, 0 failed, 0 cancelled of 20")
    paths = {r.path for r in receiver.received}
    assert {f"/ok/campaign/r{i}" for i in range(20)} <= paths


async def test_campaign_send_watch_with_a_failure_exits_1(
    server: ServerProcess, env: dict[str, str], receiver: WebhookReceiver, tmp_path: Path
) -> None:
    campaign_id = await _create_campaign(server)
    recipients = tmp_path / "recipients.json"
    recipients.write_text(
        json.dumps(
            [
                {"person_id": "ok", "recipient": receiver.url("/ok/mixed")},
                {"personId": "gone", "recipient": receiver.url("/status/410")},
            ]
        )
    )
    ran = await herald(
        env, "campaign", "send", campaign_id, "--recipients", str(recipients), "--watch", "--json"
    )
    assert ran.code == 1, ran.err
    updates = [json.loads(line) for line in ran.lines]
    last = updates[-1]  # each line a CampaignSend
    assert last["status"] == "CAMPAIGN_SEND_STATUS_COMPLETED"
    assert last["sent"] == 1
    assert last["failed"] == 1
    # A second send of the same campaign is refused: an RPC error, exit 2.
    again = await herald(env, "campaign", "send", campaign_id, "--recipients", str(recipients))
    assert again.code == 2
    assert "ALREADY_EXISTS" in again.err


async def test_campaign_send_watch_reconnects_at_the_stream_time_limit(
    receiver: WebhookReceiver, tmp_path: Path
) -> None:
    server = ServerProcess(
        tmp_path / "herald",
        {"HERALD_MAX_STREAM_SECONDS": "1", "HERALD_RATE_LIMITS": "webhook=4/s:1"},
    ).start()
    try:
        campaign_id = await _create_campaign(server)
        recipients = tmp_path / "recipients.csv"
        rows = [f"p{i},{receiver.url(f'/ok/limit/r{i}')}" for i in range(12)]
        recipients.write_text("\n".join(rows) + "\n")
        try:
            ran = await herald(
                cli_env(server, tmp_path),
                *("campaign", "send", campaign_id, "--recipients", str(recipients), "--watch"),
            )
        except AssertionError as hung:  # seen once in a full run, not since: say why
            raise AssertionError(f"{hung}\nserver log, its end: {server.logs()[-6000:]}") from None
    finally:
        server.stop()
    assert ran.code == 0, ran.err
    assert ran.lines[-1].endswith("completed, 12 sent, 0 failed, 0 cancelled of 12")


async def _stored_send(server: ServerProcess, send_id: str) -> campaign_pb2.CampaignSend:
    async with grpc.aio.insecure_channel(server.target) as channel:
        reply = await campaign_pb2_grpc.CampaignServiceStub(channel).GetCampaignSend(
            S.GetCampaignSendRequest(id=send_id),
            metadata=(("authorization", f"Bearer {token()}"),),
            timeout=10,
        )
    return reply.send


async def test_recipients_csv_with_a_byte_order_mark(
    server: ServerProcess, env: dict[str, str], receiver: WebhookReceiver, tmp_path: Path
) -> None:
    # Excel's "CSV UTF-8" starts the file with a BOM: the header is still a header.
    text = "\ufeffperson_id,recipient\n" + "".join(
        f"p{i},{receiver.url(f'/ok/bom/r{i}')}\n" for i in range(2)
    )
    recipients = tmp_path / "recipients.csv"
    recipients.write_text(text, encoding="utf-8")
    listed = tmp_path / "recipients.json"  # a JSON list saved with one too
    rows = [{"person_id": f"p{i}", "recipient": receiver.url(f"/ok/bom/j{i}")} for i in range(2)]
    listed.write_text("\ufeff" + json.dumps(rows), encoding="utf-8")
    for source, stdin in ((str(recipients), None), ("-", text.encode()), (str(listed), None)):
        campaign_id = await _create_campaign(server)
        ran = await herald(
            env, "campaign", "send", campaign_id, "--recipients", source, "--json", stdin=stdin
        )
        assert ran.code == 0, ran.err
        send = await _stored_send(server, json.loads(ran.out)["id"])
        assert send.total_recipients == 2


async def test_inbox_watch_prints_a_message_sent_after_it_started(
    server: ServerProcess, env: dict[str, str]
) -> None:
    user = f"watcher-{uuid.uuid4().hex[:8]}"
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "herald",
        "inbox",
        "watch",
        user,
        "--json",
        cwd=ROOT,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    assert process.stdout is not None
    try:
        first = json.loads(await asyncio.wait_for(process.stdout.readline(), 30))
        assert first.get("unreadCount", 0) == 0
        assert "messageAdded" not in first
        async with grpc.aio.insecure_channel(server.target) as channel:
            reply = await delivery_pb2_grpc.DeliveryServiceStub(channel).SendMessage(
                delivery_pb2.SendMessageRequest(
                    subject="Hello watcher",
                    body="This arrived after the watch began.",
                    channels=[common_pb2.CHANNEL_IN_APP],
                    user_id=user,
                ),
                metadata=(("authorization", f"Bearer {token()}"),),
                timeout=10,
            )
        assert reply.results[0].success
        event = json.loads(await asyncio.wait_for(process.stdout.readline(), 30))
        assert event["messageAdded"]["title"] == "Hello watcher"
        assert event["messageAdded"]["userId"] == user
        assert event["unreadCount"] == 1
    finally:
        if process.returncode is None:
            process.terminate()
        await asyncio.wait_for(process.wait(), 30)
    assert process.returncode == 0


async def test_inbox_watch_plain_lines(server: ServerProcess, env: dict[str, str]) -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "herald",
        "inbox",
        "watch",
        "plain-watcher",
        cwd=ROOT,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    assert process.stdout is not None
    try:
        first = (await asyncio.wait_for(process.stdout.readline(), 30)).decode()
        assert first.startswith("unread ")
    finally:
        process.terminate()
        await asyncio.wait_for(process.wait(), 30)
    assert process.returncode == 0


async def test_health(env: dict[str, str]) -> None:
    overall = await herald(env, "health")
    assert overall.code == 0, overall.err
    assert overall.out.strip() == "herald: SERVING"
    service = await herald(env, "health", "--service", "herald.v1.DeliveryService", "--json")
    assert service.code == 0, service.err
    assert json.loads(service.out) == {"status": "SERVING"}
    unknown = await herald(env, "health", "--service", "no.such.Service")
    assert unknown.code == 2
    assert "NOT_FOUND" in unknown.err
    assert "no.such.Service" in unknown.err


async def test_health_of_a_server_that_is_not_there_exits_2(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HERALD_")}
    env["HERALD_DATA_DIR"] = str(tmp_path)
    ran = await herald(env, "health", "--target", "127.0.0.1:1", "--timeout", "2")
    assert ran.code == 2
    assert "UNAVAILABLE" in ran.err or "DEADLINE_EXCEEDED" in ran.err


async def test_interrupted_call_exits_130(tmp_path: Path) -> None:
    connected = asyncio.Event()

    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        connected.set()  # and never answer: the call waits
        await reader.read()
        writer.close()

    listener = await asyncio.start_server(silent, "127.0.0.1", 0)
    port = listener.sockets[0].getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith("HERALD_")}
    env.update(HERALD_DATA_DIR=str(tmp_path), HERALD_TARGET=f"127.0.0.1:{port}")
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        *("-m", "herald", "send", "--subject", "s", "--body", "b", "-c", "in_app", "--user", "u"),
        cwd=ROOT,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        await asyncio.wait_for(connected.wait(), 30)
        process.send_signal(signal.SIGINT)
        _, err = await asyncio.wait_for(process.communicate(), 30)
    finally:
        if process.returncode is None:
            process.kill()
        listener.close()
    assert process.returncode == 130
    assert err.decode().strip() == "herald: interrupted"


async def test_unreadable_jwt_secret_and_bad_ttl_exit_2(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HERALD_")}
    env.update(HERALD_DATA_DIR=str(tmp_path), HERALD_TARGET="127.0.0.1:1")
    (tmp_path / "jwt-secret").mkdir()
    ran = await herald(env, "send", "--subject", "s", "--body", "b", "-c", "in_app", "--user", "u")
    assert_one_line_error(ran, f"cannot read {tmp_path / 'jwt-secret'}")
    ran = await herald(env, "token", "--role", "admin")
    assert_one_line_error(ran, f"cannot read {tmp_path / 'jwt-secret'}")
    env["HERALD_JWT_SECRET"] = JWT_SECRET
    for ttl in ("inf", "nan", "-100", "0"):
        ran = await herald(env, "token", "--role", "admin", f"--ttl={ttl}")
        assert ran.code == 2, (ttl, ran.out)
        assert ran.out == ""
        assert "Traceback" not in ran.err
        assert "--ttl: must be a positive number of seconds" in ran.err


def _watch_calls(server: ServerProcess, method: str = "WatchCampaignSend") -> int:
    """Calls of `method` the server has logged as ended."""
    methods = [str(e.get("method")) for e in server.events() if e.get("event") == "rpc"]
    return sum(name.endswith(f"/{method}") for name in methods)


async def _watch_called(
    server: ServerProcess, times: int, method: str = "WatchCampaignSend"
) -> None:
    for _ in range(600):
        if _watch_calls(server, method) >= times:
            return
        await asyncio.sleep(0.05)
    raise TimeoutError(f"the CLI never called {method} {times} times")


async def test_campaign_send_watch_backs_off_when_streams_end_at_once(
    receiver: WebhookReceiver, tmp_path: Path
) -> None:
    # A stream bound of a microsecond: every watch ends DEADLINE_EXCEEDED before its first
    # message. The CLI reconnects, waiting 0.1 s, 0.2 s, ... between tries rather than
    # spinning: in WINDOW seconds at most a handful of calls, not hundreds.
    window = 3.0
    server = ServerProcess(tmp_path / "herald", {"HERALD_MAX_STREAM_SECONDS": "0.000001"}).start()
    try:
        campaign_id = await _create_campaign(server)
        recipients = tmp_path / "recipients.csv"
        recipients.write_text(f"p0,{receiver.url('/hold/never/backoff')}\n")
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            *("-m", "herald", "campaign", "send", campaign_id, "--recipients", str(recipients)),
            *("--watch", "--json"),
            cwd=ROOT,
            env=cli_env(server, tmp_path),
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        try:
            await _watch_called(server, 1)
            await asyncio.sleep(window)
            process.send_signal(signal.SIGINT)
            _, err = await asyncio.wait_for(process.communicate(), 30)
        finally:
            if process.returncode is None:
                process.kill()
                await process.wait()
        calls = _watch_calls(server)
    finally:
        server.stop()
    assert process.returncode == 130, err.decode()
    assert err.decode().strip().splitlines()[-1] == "herald: interrupted"
    # 0.1 + 0.2 + 0.4 + 0.8 + 1.6 s: about six calls in three seconds (eight allows for slack).
    assert 2 <= calls <= 8, calls


@contextlib.asynccontextmanager
async def cli_running(env: dict[str, str], *args: str) -> AsyncIterator[asyncio.subprocess.Process]:
    """`herald *args` running, killed on the way out if it has not ended by then."""
    process = await _cli(env, *args)
    try:
        yield process
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()


async def _cli(env: dict[str, str], *args: str) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        *("-m", "herald", *args),
        cwd=ROOT,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def test_campaign_send_watch_json_prints_a_state_once_across_reconnections(
    receiver: WebhookReceiver, tmp_path: Path
) -> None:
    # One recipient held past several 1 s stream bounds: each new stream begins with the
    # state already printed. It is printed once.
    server = ServerProcess(
        tmp_path / "herald", {"HERALD_MAX_STREAM_SECONDS": "1", "HERALD_WEBHOOK_TIMEOUT": "60"}
    ).start()
    try:
        campaign_id = await _create_campaign(server)
        recipients = tmp_path / "recipients.csv"
        recipients.write_text(
            f"p0,{receiver.url('/ok/once/r0')}\np1,{receiver.url('/hold/once')}\n"
        )
        async with cli_running(
            cli_env(server, tmp_path),
            *("campaign", "send", campaign_id, "--recipients", str(recipients)),
            *("--watch", "--json"),
        ) as process:
            await receiver.until_received(2)  # r0 delivered, r1 held
            calls = _watch_calls(server)
            await _watch_called(server, calls + 2)  # reconnected twice since
            receiver.release("once")
            out, err = await asyncio.wait_for(process.communicate(), 60)
    finally:
        server.stop()
    assert process.returncode == 0, err.decode()
    lines = out.decode().splitlines()
    assert len(lines) == len(set(lines)), lines
    states = [json.loads(line) for line in lines]
    assert [(s["sent"], s["status"]) for s in states][-2:] == [
        (1, "CAMPAIGN_SEND_STATUS_SENDING"),
        (2, "CAMPAIGN_SEND_STATUS_COMPLETED"),
    ]


async def test_inbox_watch_prints_the_unread_count_once_across_reconnections(
    tmp_path: Path,
) -> None:
    # Each new stream begins with the unread count: printed again only when it changed.
    server = ServerProcess(tmp_path / "herald", {"HERALD_MAX_STREAM_SECONDS": "1"}).start()
    user = f"watcher-{uuid.uuid4().hex[:8]}"
    try:
        process = await _cli(cli_env(server, tmp_path), "inbox", "watch", user, "--json")
        try:
            await _watch_called(server, 2, "WatchInbox")
            async with grpc.aio.insecure_channel(server.target) as channel:
                await delivery_pb2_grpc.DeliveryServiceStub(channel).SendMessage(
                    delivery_pb2.SendMessageRequest(
                        subject="Once", body="b", channels=[common_pb2.CHANNEL_IN_APP], user_id=user
                    ),
                    metadata=(("authorization", f"Bearer {token()}"),),
                    timeout=10,
                )
            await _watch_called(server, _watch_calls(server, "WatchInbox") + 2, "WatchInbox")
        finally:
            if process.returncode is None:
                process.terminate()
            out, err = await asyncio.wait_for(process.communicate(), 30)
    finally:
        server.stop()
    assert process.returncode == 0, err.decode()
    assert err == b""  # the time limit is reconnected quietly
    first, *rest = [json.loads(line) for line in out.decode().splitlines()]
    assert first == {}  # unread 0
    # The message: its event, also when it was sent between two streams (caught up).
    assert [(e.get("messageAdded", {}).get("title"), e.get("unreadCount")) for e in rest] == [
        ("Once", 1)
    ], rest


async def test_a_jwt_secret_that_is_not_a_regular_file_is_refused_at_once(tmp_path: Path) -> None:
    # `herald token`, and a client command minting its token, read the data directory's
    # jwt-secret: a FIFO no one writes to held them there until interrupted.
    secret = tmp_path / "jwt-secret"
    os.mkfifo(secret)
    env = {k: v for k, v in os.environ.items() if not k.startswith("HERALD_")}
    env.update(HERALD_DATA_DIR=str(tmp_path), HERALD_TARGET="127.0.0.1:1")
    send = ("send", "--subject", "s", "--body", "b", "-c", "in_app", "--user", "u")
    for command in (("token", "--role", "admin"), send):
        ran = await herald(env, *command, limit=20)
        assert ran.out == ""
        assert_one_line_error(
            ran, f"cannot read {secret}", "HERALD_DATA_DIR", "a FIFO, not a regular file"
        )


async def test_interrupted_migration_exits_130(tmp_path: Path) -> None:
    # `herald migrate` inside asyncio.run, connecting to a database that never answers.
    connected = asyncio.Event()

    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        connected.set()
        await reader.read()
        writer.close()

    listener = await asyncio.start_server(silent, "127.0.0.1", 0)
    port = listener.sockets[0].getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith("HERALD_")}
    env.update(
        HERALD_DATA_DIR=str(tmp_path),
        HERALD_DATABASE_URL=f"postgresql+asyncpg://herald@127.0.0.1:{port}/herald",
    )
    async with cli_running(env, "migrate") as process:
        await asyncio.wait_for(connected.wait(), 30)
        process.send_signal(signal.SIGINT)
        _, err = await asyncio.wait_for(process.communicate(), 30)
        listener.close()
    assert process.returncode == 130, err.decode()
    assert err.decode().strip() == "herald: interrupted"


# -- riding through a server restart ---------------------------------------------


async def _line(process: asyncio.subprocess.Process, limit: float = 30) -> str:
    assert process.stdout is not None
    return (await asyncio.wait_for(process.stdout.readline(), limit)).decode().rstrip("\n")


async def _send_in_app(server: ServerProcess, user: str, subject: str) -> None:
    async with grpc.aio.insecure_channel(server.target) as channel:
        reply = await delivery_pb2_grpc.DeliveryServiceStub(channel).SendMessage(
            delivery_pb2.SendMessageRequest(
                subject=subject, body="b", channels=[common_pb2.CHANNEL_IN_APP], user_id=user
            ),
            metadata=(("authorization", f"Bearer {token()}"),),
            timeout=10,
        )
    assert reply.results[0].success


async def _restart(server: ServerProcess, **extra: str) -> ServerProcess:
    """`server` stopped (SIGTERM, as a deploy does) and a new one started on its port and
    data directory."""
    await asyncio.to_thread(server.stop)
    again = ServerProcess(server.data_dir, {**extra, "HERALD_LISTEN": server.target})
    return await asyncio.to_thread(again.start)


def _reconnect_lines(err: bytes) -> list[str]:
    return [line for line in err.decode().splitlines() if "reconnecting" in line]


async def test_inbox_watch_rides_through_a_server_restart(tmp_path: Path) -> None:
    servers = [ServerProcess(tmp_path / "herald").start()]
    user = f"watcher-{uuid.uuid4().hex[:8]}"
    try:
        process = await _cli(cli_env(servers[0], tmp_path), "inbox", "watch", user)
        try:
            assert await _line(process) == "unread 0"
            servers.append(await _restart(servers[0]))
            await _send_in_app(servers[1], user, "After the restart")
            # Whether the watch reconnected before the message or after it: the message.
            after = await _line(process)
            assert after.startswith("new ") and "After the restart: b (unread 1)" in after, after
            await _send_in_app(servers[1], user, "Later")
            later = await _line(process)
            assert later.startswith("new ") and "Later: b (unread 2)" in later, later
        finally:
            if process.returncode is None:
                process.terminate()
            _, err = await asyncio.wait_for(process.communicate(), 30)
    finally:
        for server in servers:
            server.stop()
    assert process.returncode == 0, err.decode()
    [reconnecting] = _reconnect_lines(err)
    assert reconnecting.startswith("herald: ")
    assert "Traceback" not in err.decode()


async def test_campaign_send_watch_rides_through_a_server_restart(
    receiver: WebhookReceiver, tmp_path: Path
) -> None:
    # One recipient held: the send is still going when the server restarts (no grace,
    # the delivery handed back), and the new server delivers it.
    extra = {"HERALD_SHUTDOWN_GRACE": "0"}
    servers = [ServerProcess(tmp_path / "herald", extra).start()]
    try:
        campaign_id = await _create_campaign(servers[0])
        recipients = tmp_path / "recipients.csv"
        recipients.write_text(f"p0,{receiver.url('/hold/restart')}\n")
        async with cli_running(
            cli_env(servers[0], tmp_path),
            *("campaign", "send", campaign_id, "--recipients", str(recipients)),
            *("--watch", "--json"),
        ) as process:
            first = json.loads(await _line(process))  # SendCampaign answered, the watch began
            await receiver.until_received(1)
            servers.append(await _restart(servers[0], **extra))
            await receiver.until_received(2)  # the new server's attempt
            receiver.release("restart")
            out, err = await asyncio.wait_for(process.communicate(), 30)
    finally:
        for server in servers:
            server.stop()
    assert process.returncode == 0, err.decode()
    assert first.get("sent", 0) == 0
    last = json.loads(out.decode().splitlines()[-1])
    assert (last["status"], last["sent"]) == ("CAMPAIGN_SEND_STATUS_COMPLETED", 1)
    assert len(_reconnect_lines(err)) == 1, err.decode()


async def test_inbox_watch_gives_up_when_the_server_stays_away(tmp_path: Path) -> None:
    server = ServerProcess(tmp_path / "herald").start()
    try:
        process = await _cli(
            cli_env(server, tmp_path), "inbox", "watch", "u", "--reconnect-seconds", "1.5"
        )
        try:
            assert await _line(process) == "unread 0"
        finally:
            server.stop()
        started = asyncio.get_running_loop().time()
        _, err = await asyncio.wait_for(process.communicate(), 30)
        took = asyncio.get_running_loop().time() - started
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    assert process.returncode == 2, err.decode()
    lines = err.decode().splitlines()
    assert len(_reconnect_lines(err)) == 1, lines
    assert lines[-1].startswith("herald: UNAVAILABLE: "), lines
    assert 1.5 <= took < 10, took


# -- the token expiring under a watch ----------------------------------------------

# The server ends a stream UNAUTHENTICATED (TOKEN_EXPIRED) at its token's exp plus the leeway;
# with no leeway, a token minted for 2 s (exp is in whole seconds) ends a stream in 1 to 2 s.
NO_LEEWAY = {"HERALD_JWT_LEEWAY_SECONDS": "0"}


def _expired_streams(server: ServerProcess, method: str) -> int:
    """Calls of `method` the server has logged as ended UNAUTHENTICATED."""
    return sum(
        str(e.get("method")).endswith(f"/{method}") and "UNAUTHENTICATED" in str(e.get("code"))
        for e in server.events()
        if e.get("event") == "rpc"
    )


async def _until_expired(
    server: ServerProcess, times: int, process: asyncio.subprocess.Process, method: str
) -> None:
    for _ in range(300):
        if _expired_streams(server, method) >= times or process.returncode is not None:
            return
        await asyncio.sleep(0.05)
    raise TimeoutError(f"fewer than {times} {method} streams ended at the token's expiry")


async def test_inbox_watch_renews_the_token_it_minted_when_it_expires(tmp_path: Path) -> None:
    server = ServerProcess(tmp_path / "herald", NO_LEEWAY).start()
    user = f"watcher-{uuid.uuid4().hex[:8]}"
    try:
        process = await _cli(cli_env(server, tmp_path), "inbox", "watch", user, "--token-ttl", "2")
        try:
            assert await _line(process) == "unread 0"
            await _until_expired(server, 2, process, "WatchInbox")
            assert process.returncode is None, "the watch ended at the token's expiry"
            await _send_in_app(server, user, "After two expiries")
            after = await _line(process)
            assert after.startswith("new ") and "After two expiries: b (unread 1)" in after, after
        finally:
            if process.returncode is None:
                process.terminate()
            _, err = await asyncio.wait_for(process.communicate(), 30)
    finally:
        server.stop()
    assert process.returncode == 0, err.decode()
    assert err == b""  # renewed quietly


async def test_campaign_send_watch_renews_the_token_it_minted_when_it_expires(
    receiver: WebhookReceiver, tmp_path: Path
) -> None:
    # The one recipient held (no webhook timeout meanwhile) until two streams have expired.
    server = ServerProcess(
        tmp_path / "herald", {**NO_LEEWAY, "HERALD_WEBHOOK_TIMEOUT": "30"}
    ).start()
    try:
        campaign_id = await _create_campaign(server)
        recipients = tmp_path / "recipients.csv"
        recipients.write_text(f"p0,{receiver.url('/hold/expiry')}\n")
        async with cli_running(
            cli_env(server, tmp_path),
            *("campaign", "send", campaign_id, "--recipients", str(recipients)),
            *("--watch", "--json", "--token-ttl", "2"),
        ) as process:
            await receiver.until_received(1)
            await _until_expired(server, 2, process, "WatchCampaignSend")
            assert process.returncode is None, "the watch ended at the token's expiry"
            receiver.release("expiry")
            out, err = await asyncio.wait_for(process.communicate(), 30)
    finally:
        server.stop()
    assert process.returncode == 0, err.decode()
    assert err == b""
    last = json.loads(out.decode().splitlines()[-1])
    assert (last["status"], last["sent"]) == ("CAMPAIGN_SEND_STATUS_COMPLETED", 1)


async def test_inbox_watch_with_a_given_token_ends_when_it_expires(tmp_path: Path) -> None:
    server = ServerProcess(tmp_path / "herald", NO_LEEWAY).start()
    env = cli_env(server, tmp_path)  # a secret to mint with: still, the given token is used
    try:
        # Expired before the watch began (HERALD_TOKEN), and while it ran (--token, valid for
        # 5 to 6 s: more than the CLI takes to start on a loaded machine).
        before, during = await asyncio.gather(
            herald(
                {**env, "HERALD_TOKEN": token(ttl=60, now=time.time() - 120)}, "inbox", "watch", "u"
            ),
            herald(env, "inbox", "watch", "u", "--token", token(ttl=6), limit=30),
        )
    finally:
        server.stop()
    assert during.lines == ["unread 0"], during
    for ran in (before, during):
        assert ran.code == 2, ran.err
        assert ran.err.splitlines() == [
            "herald: UNAUTHENTICATED: the bearer token has expired",
            "  reason: TOKEN_EXPIRED",
            "  (the token given with --token or HERALD_TOKEN has expired)",
        ]


class _GoingAwayInbox(inbox_pb2_grpc.InboxServiceServicer):
    """A WatchInbox that goes away: the first call sends the count, then ends UNAVAILABLE
    asking for `retry_delay` seconds; so do the next ones, at once, up to `failures` calls;
    after that a stream sends the count and stays open. It notes when each call began and
    ended."""

    def __init__(self, retry_delay: float, failures: int) -> None:
        self.retry_delay = retry_delay
        self.failures = failures
        self.began: list[float] = []
        self.ended: list[float] = []

    async def WatchInbox(
        self, request: inbox_pb2.WatchInboxRequest, context: grpc.aio.ServicerContext
    ) -> AsyncIterator[inbox_pb2.WatchInboxResponse]:
        loop = asyncio.get_running_loop()
        self.began.append(loop.time())
        try:
            if len(self.began) == 1 or len(self.began) > self.failures:
                yield inbox_pb2.WatchInboxResponse(unread_count=len(self.began) - 1)
            if len(self.began) > self.failures:
                await asyncio.Event().wait()
            whole = int(self.retry_delay)
            retry = error_details_pb2.RetryInfo(
                retry_delay=duration_pb2.Duration(
                    seconds=whole, nanos=int((self.retry_delay - whole) * 1e9)
                )
            )
            detail = any_pb2.Any()
            detail.Pack(retry)
            await context.abort_with_status(
                rpc_status.to_status(
                    status_pb2.Status(
                        code=grpc.StatusCode.UNAVAILABLE.value[0],
                        message="draining",
                        details=[detail],
                    )
                )
            )
        finally:
            self.ended.append(loop.time())

    async def ListInboxMessages(
        self, request: inbox_pb2.ListInboxMessagesRequest, context: grpc.aio.ServicerContext
    ) -> inbox_pb2.ListInboxMessagesResponse:
        return inbox_pb2.ListInboxMessagesResponse()  # an empty inbox (the watch catches up)


async def _going_away_server(inbox: _GoingAwayInbox) -> tuple[grpc.aio.Server, str]:
    server = grpc.aio.server()
    inbox_pb2_grpc.add_InboxServiceServicer_to_server(inbox, server)
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    return server, f"127.0.0.1:{port}"


def _plain_env(tmp_path: Path, target: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HERALD_")}
    env.update(HERALD_DATA_DIR=str(tmp_path), HERALD_TARGET=target, HERALD_TOKEN="t")
    return env


async def test_inbox_watch_waits_the_retry_delay_an_unavailable_server_asks_for(
    tmp_path: Path,
) -> None:
    inbox = _GoingAwayInbox(retry_delay=1.2, failures=1)
    server, target = await _going_away_server(inbox)
    try:
        process = await _cli(_plain_env(tmp_path, target), "inbox", "watch", "u")
        try:
            assert await _line(process) == "unread 0"
            assert await _line(process) == "unread 1"  # the second stream
        finally:
            process.terminate()
            _, err = await asyncio.wait_for(process.communicate(), 30)
    finally:
        await server.stop(None)
    assert process.returncode == 0, err.decode()
    assert len(_reconnect_lines(err)) == 1, err.decode()
    # Not the 0.1 s back-off: the 1.2 s asked for.
    assert inbox.began[1] - inbox.ended[0] >= 1.1, (inbox.began, inbox.ended)


async def test_a_retry_delay_past_the_reconnection_time_is_not_waited_out(tmp_path: Path) -> None:
    # An hour asked for; the watch gives up after its --reconnect-seconds all the same,
    # having tried once more then.
    inbox = _GoingAwayInbox(retry_delay=3600, failures=10)
    server, target = await _going_away_server(inbox)
    try:
        async with cli_running(
            _plain_env(tmp_path, target), "inbox", "watch", "u", "--reconnect-seconds", "1"
        ) as process:
            _, err = await asyncio.wait_for(process.communicate(), 30)
    finally:
        await server.stop(None)
    assert process.returncode == 2, err.decode()
    lines = err.decode().splitlines()
    assert len(_reconnect_lines(err)) == 1, lines
    assert "herald: UNAVAILABLE: draining" in lines
    assert "  retry after 3600 s" in lines
    assert len(inbox.began) == 2
    assert 0.9 <= inbox.began[1] - inbox.ended[0] < 5, (inbox.began, inbox.ended)


async def test_inbox_watch_prints_a_message_that_arrived_while_it_reconnected(
    tmp_path: Path,
) -> None:
    # While the watch has no server, another one (on another port, the same data) puts a
    # message in the inbox; the server the watch reconnects to has it stored, not news.
    data = tmp_path / "herald"
    first = ServerProcess(data).start()
    user = f"watcher-{uuid.uuid4().hex[:8]}"
    started: list[ServerProcess] = [first]
    try:
        await _send_in_app(first, user, "Before the watch")
        process = await _cli(cli_env(first, tmp_path), "inbox", "watch", user, "--json")
        try:
            assert json.loads(await _line(process)) == {"unreadCount": 1}
            await asyncio.to_thread(first.stop)
            elsewhere = ServerProcess(data)
            started.append(elsewhere)
            await asyncio.to_thread(elsewhere.start)
            await _send_in_app(elsewhere, user, "While away")
            await asyncio.to_thread(elsewhere.stop)
            back = ServerProcess(data, {"HERALD_LISTEN": first.target})
            started.append(back)
            await asyncio.to_thread(back.start)
            missed = json.loads(await _line(process))
            await _send_in_app(back, user, "After")
            after = json.loads(await _line(process))
        finally:
            if process.returncode is None:
                process.terminate()
            out, err = await asyncio.wait_for(process.communicate(), 30)
    finally:
        for server in started:
            server.stop()
    assert process.returncode == 0, err.decode()
    assert missed["messageAdded"]["title"] == "While away", missed
    assert missed["unreadCount"] == 2
    assert after["messageAdded"]["title"] == "After", after
    assert after["unreadCount"] == 3
    assert out == b""  # nothing else: "Before the watch" not printed, "While away" once


class _RacingInbox(inbox_pb2_grpc.InboxServiceServicer):
    """The first watch sends the count and ends (the server going away). Message "x"
    arrives while the watch has none; the second watch begins with the count, and once the
    watch has listed the inbox, "x" arrives again as an event (a message stored between the
    stream's start and the listing is in both), then "y", then "x" read."""

    def __init__(self) -> None:
        self.listed = asyncio.Condition()
        self.listings = 0
        self.messages: list[inbox_pb2.InboxMessage] = []
        self.watches = 0

    def _message(self, message_id: str, state: int) -> inbox_pb2.InboxMessage:
        return inbox_pb2.InboxMessage(id=message_id, user_id="u", body=message_id, state=state)

    async def WatchInbox(
        self, request: inbox_pb2.WatchInboxRequest, context: grpc.aio.ServicerContext
    ) -> AsyncIterator[inbox_pb2.WatchInboxResponse]:
        self.watches += 1
        unread = inbox_pb2.INBOX_MESSAGE_STATE_UNREAD
        if self.watches == 1:
            yield inbox_pb2.WatchInboxResponse(unread_count=0)
            async with self.listed:
                await self.listed.wait_for(lambda: self.listings >= 1)
            self.messages.append(self._message("x", unread))
            return
        yield inbox_pb2.WatchInboxResponse(unread_count=1)
        async with self.listed:
            await self.listed.wait_for(lambda: self.listings >= 2)
        x = self._message("x", unread)
        yield inbox_pb2.WatchInboxResponse(message_added=x, unread_count=1)
        y = self._message("y", unread)
        yield inbox_pb2.WatchInboxResponse(message_added=y, unread_count=2)
        read = self._message("x", inbox_pb2.INBOX_MESSAGE_STATE_READ)
        yield inbox_pb2.WatchInboxResponse(message_updated=read, unread_count=1)
        await asyncio.Event().wait()

    async def ListInboxMessages(
        self, request: inbox_pb2.ListInboxMessagesRequest, context: grpc.aio.ServicerContext
    ) -> inbox_pb2.ListInboxMessagesResponse:
        reply = inbox_pb2.ListInboxMessagesResponse(
            messages=self.messages[::-1], unread_count=len(self.messages)
        )
        async with self.listed:
            self.listings += 1
            self.listed.notify_all()
        return reply


async def test_inbox_watch_prints_a_message_both_caught_up_and_streamed_once(
    tmp_path: Path,
) -> None:
    inbox = _RacingInbox()
    server = grpc.aio.server()
    inbox_pb2_grpc.add_InboxServiceServicer_to_server(inbox, server)
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    try:
        process = await _cli(_plain_env(tmp_path, f"127.0.0.1:{port}"), "inbox", "watch", "u")
        try:
            lines = [await _line(process) for _ in range(4)]
        finally:
            process.terminate()
            out, err = await asyncio.wait_for(process.communicate(), 30)
    finally:
        await server.stop(None)
    assert process.returncode == 0, err.decode()
    assert lines == [
        "unread 0",
        "new x [unread] x (unread 1)",
        "new y [unread] y (unread 2)",
        "updated x [read] x (unread 1)",
    ]
    assert out == b""


async def test_a_scope_no_rpc_requires_is_refused_when_minting_or_creating_a_key(
    tmp_path: Path,
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HERALD_")}
    env.update(HERALD_DATA_DIR=str(tmp_path), HERALD_JWT_SECRET=JWT_SECRET)
    for command in (("token",), ("apikey", "create", "--name", "ci")):
        ran = await herald(env, *command, "--scope", "send_messages send_notification")
        assert_one_line_error(ran, "--scope: unknown scope 'send_notification' (the scopes are")
        assert "send_notifications" in ran.err
    ran = await herald(env, "token", "--scope", "send_messages,send_notifications")
    assert ran.code == 0 and ran.out.count(".") == 2, ran.err
