"""The Python client package (clients/python): the ergonomic HeraldClient's behaviour against a
stub server in the test's loop (token on every call, a default deadline, gRPC's own retry on
UNAVAILABLE, a request_id on every send), against a live server, and the package installed from
its path into a throwaway virtualenv, sending to a live server."""

from __future__ import annotations

import asyncio
import json
import math
import os
import socket
import subprocess
import sys
import textwrap
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import grpc
import pytest
from herald.v1 import (
    campaign_pb2,
    campaign_pb2_grpc,
    common_pb2,
    delivery_pb2,
    delivery_pb2_grpc,
    inbox_pb2,
    inbox_pb2_grpc,
)
from herald_client import ChannelResult, HeraldClient, RetryPolicy, SendSummary, service_config

from tests.support.auth import token
from tests.support.server import ServerProcess
from tests.support.webhook_receiver import WebhookReceiver

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "a-token-the-stub-never-checks"
QUICK_RETRY = RetryPolicy(initial_backoff=0.01, max_backoff=0.05)


class FlakyPeer:
    """Answers UNAVAILABLE to the first `failures` calls of each RPC, then succeeds; records
    what every call carried."""

    def __init__(self, failures: int = 1) -> None:
        self.failures = failures
        self.calls: list[dict[str, Any]] = []

    def _record(self, method: str, request: Any, context: grpc.aio.ServicerContext) -> bool:
        metadata = dict(context.invocation_metadata() or ())
        self.calls.append(
            {
                "method": method,
                "authorization": metadata.get("authorization"),
                "time_remaining": context.time_remaining(),
                "request": request,
            }
        )
        return sum(1 for call in self.calls if call["method"] == method) <= self.failures


class FlakyDelivery(FlakyPeer, delivery_pb2_grpc.DeliveryServiceServicer):
    async def SendMessage(
        self, request: delivery_pb2.SendMessageRequest, context: grpc.aio.ServicerContext
    ) -> delivery_pb2.SendMessageResponse:
        if self._record("SendMessage", request, context):
            await context.abort(grpc.StatusCode.UNAVAILABLE, "shutting down")
        return delivery_pb2.SendMessageResponse(
            message_id="m-1",
            results=[
                common_pb2.ChannelResult(channel=channel, success=True)
                for channel in request.channels
            ],
        )

    async def SendMessageStream(
        self, request: delivery_pb2.SendMessageStreamRequest, context: grpc.aio.ServicerContext
    ) -> AsyncIterator[delivery_pb2.SendMessageStreamResponse]:
        if self._record("SendMessageStream", request, context):
            await context.abort(grpc.StatusCode.UNAVAILABLE, "shutting down")
        for channel in request.message.channels:
            yield delivery_pb2.SendMessageStreamResponse(
                result=common_pb2.ChannelResult(channel=channel, success=True)
            )
        total = len(request.message.channels)
        yield delivery_pb2.SendMessageStreamResponse(
            summary=delivery_pb2.SendSummary(message_id="m-2", total=total, succeeded=total)
        )

    async def SendNotification(
        self, request: delivery_pb2.SendNotificationRequest, context: grpc.aio.ServicerContext
    ) -> delivery_pb2.SendNotificationResponse:
        if self._record("SendNotification", request, context):
            await context.abort(grpc.StatusCode.UNAVAILABLE, "shutting down")
        return delivery_pb2.SendNotificationResponse(notification_id="n-1")


class FlakyCampaigns(FlakyPeer, campaign_pb2_grpc.CampaignServiceServicer):
    async def SendCampaign(
        self, request: campaign_pb2.SendCampaignRequest, context: grpc.aio.ServicerContext
    ) -> campaign_pb2.SendCampaignResponse:
        if self._record("SendCampaign", request, context):
            await context.abort(grpc.StatusCode.UNAVAILABLE, "store unavailable")
        return campaign_pb2.SendCampaignResponse(send=campaign_pb2.CampaignSend(id="s-1"))


class SilentInbox(inbox_pb2_grpc.InboxServiceServicer):
    def __init__(self) -> None:
        self.time_remaining: list[float | None] = []

    async def WatchInbox(
        self, request: inbox_pb2.WatchInboxRequest, context: grpc.aio.ServicerContext
    ) -> AsyncIterator[inbox_pb2.WatchInboxResponse]:
        self.time_remaining.append(context.time_remaining())
        return
        yield  # an empty stream


async def stub_server(
    delivery: FlakyDelivery,
    inbox: SilentInbox | None = None,
    campaigns: FlakyCampaigns | None = None,
) -> tuple[Any, str]:
    server = grpc.aio.server()
    delivery_pb2_grpc.add_DeliveryServiceServicer_to_server(delivery, server)
    if inbox is not None:
        inbox_pb2_grpc.add_InboxServiceServicer_to_server(inbox, server)
    if campaigns is not None:
        campaign_pb2_grpc.add_CampaignServiceServicer_to_server(campaigns, server)
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    return server, f"127.0.0.1:{port}"


async def test_send_message_carries_the_token_and_a_default_deadline_and_retries_unavailable() -> (
    None
):
    delivery = FlakyDelivery(failures=1)
    server, target = await stub_server(delivery)
    try:
        async with HeraldClient(target, token=TOKEN, timeout=7, retry=QUICK_RETRY) as client:
            reply = await client.send_message(
                subject="s", body="b", channels=["in_app", "WEBHOOK"], user_id="u"
            )
    finally:
        await server.stop(None)

    assert [r.channel for r in reply.results] == [
        common_pb2.CHANNEL_IN_APP,
        common_pb2.CHANNEL_WEBHOOK,
    ]
    first, second = delivery.calls  # UNAVAILABLE once, then answered: gRPC retried it
    for call in (first, second):
        assert call["authorization"] == f"Bearer {TOKEN}"
        assert 5 < call["time_remaining"] < 7.5
    # The same request both times, with a request_id the client made up (so a retry the
    # server did act on is answered from its record instead of sent twice).
    assert first["request"].request_id
    assert first["request"] == second["request"]


async def test_an_explicit_timeout_wins_over_the_default() -> None:
    delivery = FlakyDelivery(failures=0)
    server, target = await stub_server(delivery)
    try:
        async with HeraldClient(target, token=TOKEN, timeout=7) as client:
            await client.send_message(subject="s", body="b", channels=["IN_APP"], user_id="u")
            await client.send_message(
                delivery_pb2.SendMessageRequest(
                    subject="s", body="b", channels=[common_pb2.CHANNEL_IN_APP], request_id="r"
                ),
                timeout=60,
            )
    finally:
        await server.stop(None)
    assert [round(c["time_remaining"]) for c in delivery.calls] == [7, 60]
    assert delivery.calls[1]["request"].request_id == "r"  # the caller's own is kept


async def test_stream_message_retries_unavailable_and_yields_results_then_the_summary() -> None:
    delivery = FlakyDelivery(failures=1)
    server, target = await stub_server(delivery)
    try:
        async with HeraldClient(target, token=TOKEN, retry=QUICK_RETRY) as client:
            items = [
                item
                async for item in client.stream_message(
                    subject="s", body="b", channels=["IN_APP", "WEBHOOK"], user_id="u"
                )
            ]
    finally:
        await server.stop(None)

    assert [type(item) for item in items] == [ChannelResult, ChannelResult, SendSummary]
    assert isinstance(items[-1], SendSummary) and items[-1].succeeded == 2
    assert len(delivery.calls) == 2
    assert all(c["authorization"] == f"Bearer {TOKEN}" for c in delivery.calls)
    assert all(25 < c["time_remaining"] < 30.5 for c in delivery.calls), delivery.calls


async def test_without_retries_unavailable_reaches_the_caller() -> None:
    delivery = FlakyDelivery(failures=1)
    server, target = await stub_server(delivery)
    try:
        async with HeraldClient(target, token=TOKEN, retry=None) as client:
            with pytest.raises(grpc.aio.AioRpcError) as error:
                await client.send_message(subject="s", body="b", channels=["IN_APP"], user_id="u")
    finally:
        await server.stop(None)
    assert error.value.code() == grpc.StatusCode.UNAVAILABLE
    assert len(delivery.calls) == 1


async def test_retries_give_up_after_max_attempts() -> None:
    delivery = FlakyDelivery(failures=100)
    server, target = await stub_server(delivery)
    retry = RetryPolicy(max_attempts=3, initial_backoff=0.01, max_backoff=0.05)
    try:
        async with HeraldClient(target, token=TOKEN, retry=retry) as client:
            with pytest.raises(grpc.aio.AioRpcError) as error:
                await client.send_message(subject="s", body="b", channels=["IN_APP"], user_id="u")
    finally:
        await server.stop(None)
    assert error.value.code() == grpc.StatusCode.UNAVAILABLE
    assert len(delivery.calls) == 3


def test_backoffs_are_written_as_durations_grpc_accepts() -> None:
    config = json.loads(service_config(RetryPolicy(initial_backoff=0.1 * 3, max_backoff=10 / 3)))
    policy = config["methodConfig"][0]["retryPolicy"]
    assert (policy["initialBackoff"], policy["maxBackoff"]) == ("0.3s", "3.333333333s")
    assert (
        json.loads(service_config(RetryPolicy(max_backoff=10)))["methodConfig"][0]["retryPolicy"][
            "maxBackoff"
        ]
        == "10s"
    )


async def test_float_backoffs_are_retried_not_refused_by_grpc() -> None:
    """0.1 * 3 and 10 / 3 print as 0.30000000000000004 and 3.3333333333333335: gRPC's
    service-config validation refused them and every call failed INVALID_ARGUMENT."""
    retry = RetryPolicy(initial_backoff=0.1 * 3, max_backoff=10 / 3)
    delivery = FlakyDelivery(failures=1)
    server, target = await stub_server(delivery)
    try:
        async with HeraldClient(target, token=TOKEN, retry=retry) as client:
            reply = await client.send_message(
                subject="s", body="b", channels=["IN_APP"], user_id="u"
            )
    finally:
        await server.stop(None)
    assert reply.results[0].success
    assert len(delivery.calls) == 2  # UNAVAILABLE once, then retried

    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        stopped = f"127.0.0.1:{probe.getsockname()[1]}"
    async with HeraldClient(stopped, token=TOKEN, timeout=10, retry=retry) as client:
        with pytest.raises(grpc.aio.AioRpcError) as error:
            await client.send_message(subject="s", body="b", channels=["IN_APP"], user_id="u")
    assert error.value.code() == grpc.StatusCode.UNAVAILABLE, error.value.details()


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        ({"max_attempts": 1}, "max_attempts"),
        ({"initial_backoff": 0.0}, "initial_backoff"),
        ({"initial_backoff": 1e-05}, "initial_backoff"),  # gRPC counts whole milliseconds
        ({"initial_backoff": math.nan}, "initial_backoff"),
        ({"max_backoff": math.inf}, "max_backoff"),
        ({"initial_backoff": 2.0, "max_backoff": 1.0}, "max_backoff"),
        ({"backoff_multiplier": 0.0}, "backoff_multiplier"),
        ({"backoff_multiplier": math.inf}, "backoff_multiplier"),
        ({"retryable_status_codes": ()}, "retryable_status_codes"),
        ({"retryable_status_codes": ("unavailable",)}, "retryable_status_codes"),
    ],
)
def test_a_retry_policy_grpc_would_refuse_is_a_value_error(
    fields: dict[str, Any], problem: str
) -> None:
    with pytest.raises(ValueError, match=problem):
        RetryPolicy(**fields)


async def test_generated_stubs_share_the_token_and_watch_streams_get_no_default_deadline() -> None:
    delivery, inbox = FlakyDelivery(failures=0), SilentInbox()
    server, target = await stub_server(delivery, inbox)
    try:
        async with HeraldClient(target, token=TOKEN, timeout=7) as client:
            await client.delivery.SendMessage(delivery_pb2.SendMessageRequest(subject="s"))
            async for _ in client.inbox.WatchInbox(inbox_pb2.WatchInboxRequest(user_id="u")):
                pass
    finally:
        await server.stop(None)
    [call] = delivery.calls
    assert call["authorization"] == f"Bearer {TOKEN}" and 5 < call["time_remaining"] < 7.5
    assert inbox.time_remaining == [None]


# The sends, each as: the request without a request_id, how to call the generated stub with
# it, and where its request_id is in the request.
SendCall = Callable[[HeraldClient, Any], Awaitable[object]]


async def _drain_stream(client: HeraldClient, request: Any) -> object:
    return [event async for event in client.delivery.SendMessageStream(request)]


STUB_SENDS: dict[str, tuple[Any, SendCall, Callable[[Any], Any]]] = {
    "SendMessage": (
        delivery_pb2.SendMessageRequest(
            subject="s", body="b", channels=[common_pb2.CHANNEL_IN_APP], user_id="u"
        ),
        lambda client, request: client.delivery.SendMessage(request),
        lambda request: request,
    ),
    "SendMessageStream": (
        delivery_pb2.SendMessageStreamRequest(
            message=delivery_pb2.SendMessageRequest(
                subject="s", body="b", channels=[common_pb2.CHANNEL_IN_APP], user_id="u"
            )
        ),
        _drain_stream,
        lambda request: request.message,
    ),
    "SendNotification": (
        delivery_pb2.SendNotificationRequest(to=["a@example.com"], subject="s", body="b"),
        lambda client, request: client.delivery.SendNotification(request),
        lambda request: request,
    ),
    "SendCampaign": (
        campaign_pb2.SendCampaignRequest(
            id="c-1",
            recipients=[campaign_pb2.CampaignRecipient(person_id="p", recipient="a@example.com")],
        ),
        lambda client, request: client.campaigns.SendCampaign(request),
        lambda request: request,
    ),
}


async def _send_through_a_flaky_peer(method: str, request: Any) -> list[Any]:
    """`request` sent with the generated stub to a peer that answers UNAVAILABLE once: the
    requests the peer received."""
    _, send, _ = STUB_SENDS[method]
    delivery, campaigns = FlakyDelivery(failures=1), FlakyCampaigns(failures=1)
    server, target = await stub_server(delivery, campaigns=campaigns)
    try:
        async with HeraldClient(target, token=TOKEN, retry=QUICK_RETRY) as client:
            await send(client, request)
    finally:
        await server.stop(None)
    return [call["request"] for call in delivery.calls + campaigns.calls]


@pytest.mark.parametrize("method", list(STUB_SENDS))
async def test_a_stub_send_without_request_id_is_retried_under_one_generated_request_id(
    method: str,
) -> None:
    """gRPC retries a send the server answered UNAVAILABLE, which it may have acted on: both
    attempts carry the same request_id, so the server answers the second from its record."""
    template, _, keyed = STUB_SENDS[method]
    request = type(template)()
    request.CopyFrom(template)

    first, second = await _send_through_a_flaky_peer(method, request)

    assert keyed(first).request_id == keyed(second).request_id
    # uuid4's hex: within the server's 1-128 characters.
    assert all(c in "0123456789abcdef" for c in keyed(first).request_id)
    assert len(keyed(first).request_id) == 32
    assert first == second
    # Only the id was added, to a copy: the caller's message is as it was.
    assert request == template and keyed(request).request_id == ""
    without_id = type(first)()
    without_id.CopyFrom(first)
    keyed(without_id).ClearField("request_id")
    assert without_id == template


@pytest.mark.parametrize("method", list(STUB_SENDS))
async def test_a_stub_send_keeps_the_callers_request_id(method: str) -> None:
    template, _, keyed = STUB_SENDS[method]
    request = type(template)()
    request.CopyFrom(template)
    keyed(request).request_id = "mine"

    received = await _send_through_a_flaky_peer(method, request)

    assert [keyed(r).request_id for r in received] == ["mine", "mine"]
    assert all(r == request for r in received)


async def test_a_stream_request_without_its_message_is_sent_as_it_is() -> None:
    """Nothing to send and nothing to dedupe: the server's answer stays "message is required"
    rather than one about an empty message."""
    delivery = FlakyDelivery(failures=0)
    server, target = await stub_server(delivery)
    try:
        async with HeraldClient(target, token=TOKEN) as client:
            await _drain_stream(client, delivery_pb2.SendMessageStreamRequest())
    finally:
        await server.stop(None)
    [call] = delivery.calls
    assert not call["request"].HasField("message")


async def test_a_server_that_comes_up_late_is_reached_with_wait_for_ready() -> None:
    """A server that is not there yet: the call waits for it (wait_for_ready) within its
    deadline instead of failing at once."""
    delivery = FlakyDelivery(failures=0)
    with socket.socket() as probe:  # a free port for the late server
        probe.bind(("127.0.0.1", 0))
        target = f"127.0.0.1:{probe.getsockname()[1]}"

    async def start_late() -> Any:
        await asyncio.sleep(0.5)
        server = grpc.aio.server()
        delivery_pb2_grpc.add_DeliveryServiceServicer_to_server(delivery, server)
        assert server.add_insecure_port(target)
        await server.start()
        return server

    options = [("grpc.initial_reconnect_backoff_ms", 100), ("grpc.max_reconnect_backoff_ms", 200)]
    async with HeraldClient(target, token=TOKEN, timeout=10, options=options) as client:
        late = asyncio.create_task(start_late())
        reply = await client.delivery.SendMessage(
            delivery_pb2.SendMessageRequest(channels=[common_pb2.CHANNEL_IN_APP]),
            wait_for_ready=True,
        )
        server = await late
    await server.stop(None)
    assert [r.channel for r in reply.results] == [common_pb2.CHANNEL_IN_APP]


# ---------------------------------------------------------------------------------------------
# Against a live server


async def test_a_live_server_records_a_stub_send_under_the_generated_request_id(
    server: ServerProcess, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The server accepts the id the client makes up for a stub's SendMessage, and dedupes
    by it: the same request with that id again is answered from the record."""
    generated = uuid.UUID(int=0x5EED)
    monkeypatch.setattr(uuid, "uuid4", lambda: generated)
    request = delivery_pb2.SendMessageRequest(
        subject="Hi", body="From the stub", channels=[common_pb2.CHANNEL_IN_APP], user_id="stub"
    )
    async with HeraldClient(server.target, token=token()) as client:
        first = await client.delivery.SendMessage(request)
        request.request_id = generated.hex
        again = await client.delivery.SendMessage(request)
    assert [r.success for r in first.results] == [True] and not first.replayed
    assert again.replayed and again.message_id == first.message_id


# ---------------------------------------------------------------------------------------------
# The package installed from its path, against a live server


@pytest.fixture(scope="module")
def installed_python(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A throwaway virtualenv with clients/python installed (and only what it depends on)."""
    uv = Path(sys.executable).parent / "uv"
    assert uv.exists(), f"{uv} is missing: run `make venv`"
    venv = tmp_path_factory.mktemp("client") / "venv"
    env = {k: v for k, v in os.environ.items() if k not in {"VIRTUAL_ENV", "PYTHONPATH"}}
    env["UV_PYTHON_DOWNLOADS"] = "never"
    for args in (
        [uv, "venv", "-q", "--python", sys.executable, venv],
        [uv, "pip", "install", "-q", "--python", venv / "bin" / "python", ROOT / "clients/python"],
    ):
        done = subprocess.run(
            [str(a) for a in args],
            check=False,
            capture_output=True,
            text=True,
            env=env,
            timeout=300,
        )
        assert done.returncode == 0, done.stderr
    yield venv / "bin" / "python"


LIVE_SCRIPT = textwrap.dedent(
    """
    import asyncio, os, sys
    import herald, herald.v1, herald_client
    from herald_client import ChannelResult, HeraldClient, SendSummary
    from herald.v1 import common_pb2

    # The installed copy, not the server's sources.
    assert "site-packages" in herald.v1.__file__ and not hasattr(herald, "__version__")

    async def main():
        async with HeraldClient(os.environ["HERALD_TARGET"], token=os.environ["HERALD_TOKEN"]) as c:
            reply = await c.send_message(
                subject="Hi", body="From the installed client", channels=["IN_APP", "WEBHOOK"],
                user_id="py-client", webhook_url=os.environ["HERALD_WEBHOOK_URL"],
            )
            for r in reply.results:
                print("SendMessage", common_pb2.Channel.Name(r.channel), r.success)
            async for item in c.stream_message(
                subject="Hi", body="Streamed", channels=["IN_APP"], user_id="py-client"
            ):
                if isinstance(item, ChannelResult):
                    print("SendMessageStream", common_pb2.Channel.Name(item.channel), item.success)
                else:
                    print("summary", item.total, item.succeeded)

    asyncio.run(main())
    """
)


@pytest.mark.timeout(300)
async def test_the_installed_package_sends_to_a_live_server(
    installed_python: Path,
    server: ServerProcess,
    receiver: WebhookReceiver,
) -> None:
    env = {k: v for k, v in os.environ.items() if k not in {"VIRTUAL_ENV", "PYTHONPATH"}}
    env.update(
        HERALD_TARGET=server.target,
        HERALD_TOKEN=token(),
        HERALD_WEBHOOK_URL=receiver.url("/ok"),
    )
    process = await asyncio.create_subprocess_exec(
        str(installed_python),
        "-I",  # isolated: nothing from this checkout on sys.path
        "-c",
        LIVE_SCRIPT,
        env=env,
        cwd="/",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    stdout, stderr = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 0, stderr.decode()
    assert stdout.decode().splitlines() == [
        "SendMessage CHANNEL_IN_APP True",
        "SendMessage CHANNEL_WEBHOOK True",
        "SendMessageStream CHANNEL_IN_APP True",
        "summary 1 1",
    ]
    [hit] = receiver.received
    assert hit.verified and hit.path == "/ok"
