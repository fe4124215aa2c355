"""CampaignService (seed 004) against a real server and webhook receiver."""

from __future__ import annotations

import asyncio
import base64
import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import grpc
import pytest
from google.protobuf import struct_pb2
from herald.v1 import (
    campaign_pb2,
    campaign_pb2_grpc,
    common_pb2,
    delivery_pb2,
    delivery_pb2_grpc,
    template_pb2,
    template_pb2_grpc,
)

from tests.support.auth import authenticated_channel
from tests.support.db import query
from tests.support.server import ServerProcess
from tests.support.status import RichError, rich_error
from tests.support.webhook_receiver import WebhookReceiver

WEBHOOK = common_pb2.CHANNEL_WEBHOOK
S = campaign_pb2
COMPLETED, CANCELLED = S.CAMPAIGN_SEND_STATUS_COMPLETED, S.CAMPAIGN_SEND_STATUS_CANCELLED
pytestmark = pytest.mark.backends("sqlite", "postgres")
ANN = struct_pb2.Value(string_value="Ann")


@pytest.fixture(scope="module")
def server(
    tmp_path_factory: pytest.TempPathFactory, store_env: dict[str, str]
) -> Iterator[ServerProcess]:
    # Few workers, so a campaign to a slow receiver stays in flight long enough
    # to cancel it and to send messages beside it.
    process = ServerProcess(
        Path(tmp_path_factory.mktemp("herald")), env={"HERALD_WORKERS": "8", **store_env}
    )
    process.start()
    yield process
    process.stop()


@pytest.fixture
def stub(channel: grpc.aio.Channel) -> campaign_pb2_grpc.CampaignServiceStub:
    return campaign_pb2_grpc.CampaignServiceStub(channel)


async def create(stub: campaign_pb2_grpc.CampaignServiceStub, **fields: object) -> S.Campaign:
    values: dict[str, object] = {
        "display_name": "Spring launch",
        "channels": [WEBHOOK],
        "subject": "We launched",
        "body": "Come and see.",
    }
    values.update(fields)
    reply = await stub.CreateCampaign(
        S.CreateCampaignRequest(campaign=S.Campaign(**values)),  # type: ignore[arg-type]
        timeout=10,
    )
    return reply.campaign


def recipients(receiver: WebhookReceiver, path: str, n: int) -> list[S.CampaignRecipient]:
    return [
        S.CampaignRecipient(person_id=f"p{i}", recipient=receiver.url(f"{path}/r{i}"))
        for i in range(n)
    ]


async def create_template(
    templates: template_pb2_grpc.TemplateServiceStub,
    prefix: str,
    content: template_pb2.TemplateContent,
) -> str:
    """A template of `content` with a fresh id starting `prefix`; returns the id."""
    template_id = f"{prefix}-{uuid.uuid4().hex[:6]}"
    await templates.CreateTemplate(
        template_pb2.CreateTemplateRequest(
            template=template_pb2.Template(id=template_id, display_name="T", content=content)
        ),
        timeout=10,
    )
    return template_id


async def watch(stub: campaign_pb2_grpc.CampaignServiceStub, send_id: str) -> list[S.CampaignSend]:
    request = S.WatchCampaignSendRequest(id=send_id)
    return [reply.send async for reply in stub.WatchCampaignSend(request, timeout=60)]


async def test_a_send_starts_before_it_completes(
    stub: campaign_pb2_grpc.CampaignServiceStub,
) -> None:
    """started_at is when the first recipient was queued: In-App deliveries can all be
    made before SendCampaign has finished storing, and completed_at must not precede it."""
    for _ in range(5):
        campaign = await create(stub, channels=[common_pb2.CHANNEL_IN_APP])
        people = [S.CampaignRecipient(person_id=f"p{i}", recipient="inbox") for i in range(2)]
        send = (
            await stub.SendCampaign(
                S.SendCampaignRequest(id=campaign.id, recipients=people), timeout=30
            )
        ).send
        final = (await watch(stub, send.id))[-1]
        assert final.status == COMPLETED
        created, started, completed = (
            t.ToNanoseconds() for t in (final.created_at, final.started_at, final.completed_at)
        )
        assert created <= started <= completed, (created, started, completed)


async def test_a_person_listed_twice_gets_the_message_once(
    stub: campaign_pb2_grpc.CampaignServiceStub, server: ServerProcess, receiver: WebhookReceiver
) -> None:
    """The copies are counted failed DUPLICATE_RECIPIENT, so the counters still add up;
    across batches too (the copy of the first recipient is in the last batch)."""
    campaign = await create(stub)
    prefix = f"/ok/twice-{uuid.uuid4().hex[:6]}"
    people = recipients(receiver, prefix, 300)
    people.append(S.CampaignRecipient(person_id="again", recipient=people[0].recipient))
    people.append(S.CampaignRecipient(person_id="again", recipient=people[299].recipient))
    send = (
        await stub.SendCampaign(
            S.SendCampaignRequest(id=campaign.id, recipients=people), timeout=30
        )
    ).send
    final = (await watch(stub, send.id))[-1]
    assert (final.status, final.sent, final.failed, final.total_recipients) == (
        COMPLETED,
        300,
        2,
        302,
    )
    posted = [r.path for r in receiver.received if r.path.startswith(prefix)]
    assert len(posted) == len(set(posted)) == 300
    codes = query(
        server,
        "SELECT error_code FROM deliveries WHERE request_id = ? AND state = 'failed'",
        send.id,
    )
    assert [row["error_code"] for row in codes] == ["DUPLICATE_RECIPIENT"] * 2


async def test_seed_004_send_completes_with_counters_that_add_up(
    stub: campaign_pb2_grpc.CampaignServiceStub, receiver: WebhookReceiver
) -> None:
    campaign = await create(stub)
    assert campaign.id and campaign.created_at.seconds > 0
    people = recipients(receiver, "/ok", 300)
    people.append(S.CampaignRecipient(person_id="p-bad", recipient="not a url"))
    people.append(S.CampaignRecipient(person_id="p-gone", recipient=receiver.url("/status/410")))
    reply = await stub.SendCampaign(
        S.SendCampaignRequest(id=campaign.id, recipients=people), timeout=30
    )
    send = reply.send
    assert (send.campaign_id, send.brand_id, send.total_recipients) == (campaign.id, "", 302)
    assert send.status in (S.CAMPAIGN_SEND_STATUS_QUEUED, S.CAMPAIGN_SEND_STATUS_SENDING)
    assert send.created_at.seconds > 0 and send.started_at.seconds > 0

    progress = await watch(stub, send.id)
    sent = [p.sent for p in progress]
    assert sent == sorted(sent), "progress never goes backwards"
    final = progress[-1]
    assert final.status == COMPLETED
    assert (final.sent, final.failed, final.cancelled) == (300, 2, 0)
    assert final.completed_at.seconds > 0
    assert final.sent + final.failed + final.cancelled == final.total_recipients
    got = await stub.GetCampaignSend(S.GetCampaignSendRequest(id=send.id), timeout=10)
    assert got.send == final

    posted = {r.path for r in receiver.received if r.path.startswith("/ok/")}
    assert posted == {f"/ok/r{i}" for i in range(300)}
    ids = [r.headers["webhook-id"] for r in receiver.received]
    assert len(ids) == len(set(ids)) == 301  # 300 + the one 410
    assert all(r.verified and r.json["data"]["subject"] == "We launched" for r in receiver.received)


async def test_unknown_campaign_is_not_found_and_a_second_send_is_already_exists(
    stub: campaign_pb2_grpc.CampaignServiceStub, receiver: WebhookReceiver
) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await stub.SendCampaign(
            S.SendCampaignRequest(id="no-such-campaign", recipients=recipients(receiver, "/ok", 1)),
            timeout=10,
        )
    error = rich_error(caught.value)
    assert error.code == grpc.StatusCode.NOT_FOUND
    assert error.resource is not None and error.resource.resource_name == "no-such-campaign"

    campaign = await create(stub, id=f"launch-{uuid.uuid4().hex[:6]}")
    request = S.SendCampaignRequest(
        id=campaign.id, recipients=recipients(receiver, "/ok", 3), request_id="send-1"
    )
    first = (await stub.SendCampaign(request, timeout=10)).send
    # The caller's retry (same request_id) gets the same send back.
    again = (await stub.SendCampaign(request, timeout=10)).send
    assert again.id == first.id
    # Any other send of the campaign is refused (the gateway answers 409).
    for other in (
        S.SendCampaignRequest(id=campaign.id, recipients=recipients(receiver, "/ok", 3)),
        S.SendCampaignRequest(
            id=campaign.id, recipients=recipients(receiver, "/ok", 4), request_id="send-2"
        ),
    ):
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await stub.SendCampaign(other, timeout=10)
        error = rich_error(caught.value)
        assert (error.code, error.reason) == (
            grpc.StatusCode.ALREADY_EXISTS,
            "CAMPAIGN_ALREADY_SENT",
        )
    final = (await watch(stub, first.id))[-1]
    assert (final.status, final.sent) == (COMPLETED, 3)
    assert len(receiver.received) == 3


async def test_cancel_stops_the_remaining_deliveries(
    stub: campaign_pb2_grpc.CampaignServiceStub, receiver: WebhookReceiver
) -> None:
    campaign = await create(stub)
    send = (
        await stub.SendCampaign(
            S.SendCampaignRequest(
                id=campaign.id, recipients=recipients(receiver, "/delay/0.1", 400)
            ),
            timeout=30,
        )
    ).send
    await receiver.until_received(10)
    cancelled = (await stub.CancelCampaignSend(S.CancelCampaignSendRequest(id=send.id))).send
    assert cancelled.status == CANCELLED
    final = (await watch(stub, send.id))[-1]
    assert final.status == CANCELLED
    assert final.cancelled > 0 and final.sent < 400
    assert final.sent + final.failed + final.cancelled == 400
    await asyncio.sleep(0.5)  # anything still going out would arrive by now
    assert len(receiver.received) == final.sent + final.failed

    done = await create(stub)
    small = (
        await stub.SendCampaign(
            S.SendCampaignRequest(id=done.id, recipients=recipients(receiver, "/ok", 1)),
            timeout=10,
        )
    ).send
    await watch(stub, small.id)
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await stub.CancelCampaignSend(S.CancelCampaignSendRequest(id=small.id), timeout=10)
    assert caught.value.code() == grpc.StatusCode.FAILED_PRECONDITION


async def test_a_cancel_stops_the_retries_of_the_deliveries_being_sent(
    stub: campaign_pb2_grpc.CampaignServiceStub, receiver: WebhookReceiver
) -> None:
    """Deliveries being sent when the cancel answers finish that attempt, and a
    transient failure of it ends them cancelled: no retry is sent after the cancel."""
    campaign = await create(stub)
    hold = f"cancel-{uuid.uuid4().hex[:8]}"
    n = 4  # fewer than the server's workers: every one is being sent at once
    send = (
        await stub.SendCampaign(
            S.SendCampaignRequest(
                id=campaign.id, recipients=recipients(receiver, f"/hold/{hold}/answer/503", n)
            ),
            timeout=30,
        )
    ).send
    await asyncio.wait_for(receiver.until_received(n), 10)
    cancelled = (await stub.CancelCampaignSend(S.CancelCampaignSendRequest(id=send.id))).send
    assert cancelled.status == CANCELLED
    in_flight = len(receiver.received)
    receiver.release(hold)  # each attempt in flight now fails with a 503: transient

    final = (await watch(stub, send.id))[-1]  # ends once every delivery is final
    assert len(receiver.received) == in_flight == n, "a retry was sent after the cancel"
    assert final.status == CANCELLED
    assert (final.sent, final.failed, final.cancelled) == (0, 0, n)
    got = await stub.GetCampaignSend(S.GetCampaignSendRequest(id=send.id), timeout=10)
    assert got.send == final


@pytest.fixture(scope="module")
def rate_limited(
    tmp_path_factory: pytest.TempPathFactory, store_env: dict[str, str]
) -> Iterator[ServerProcess]:
    # A burst of 5 webhook tokens, then one every 5 s: a claim holds 6 deliveries (the
    # rate's second and its burst), so one waits for a token long after the burst.
    process = ServerProcess(
        Path(tmp_path_factory.mktemp("herald")),
        env={"HERALD_RATE_LIMITS": "webhook=12/m:5", **store_env},
    )
    process.start()
    yield process
    process.stop()


async def test_a_cancel_stops_the_deliveries_waiting_for_a_token(
    rate_limited: ServerProcess, receiver: WebhookReceiver
) -> None:
    """Deliveries a dispatcher has claimed but that still wait for a rate-limit token
    when the cancel answers are not sent: they end cancelled, unsent."""
    async with authenticated_channel(rate_limited.target) as channel:
        stub = campaign_pb2_grpc.CampaignServiceStub(channel)
        campaign = await create(stub)
        hold = f"cancel-{uuid.uuid4().hex[:8]}"
        n, burst = 30, 5
        send = (
            await stub.SendCampaign(
                S.SendCampaignRequest(
                    id=campaign.id, recipients=recipients(receiver, f"/hold/{hold}", n)
                ),
                timeout=30,
            )
        ).send
        await asyncio.wait_for(receiver.until_received(burst), 10)
        cancelled = (await stub.CancelCampaignSend(S.CancelCampaignSendRequest(id=send.id))).send
        assert cancelled.status == CANCELLED
        in_flight = len(receiver.received)
        receiver.release(hold)

        final = (await watch(stub, send.id))[-1]  # ends once every delivery is final
        assert len(receiver.received) == in_flight, "a delivery was sent after the cancel"
        assert final.status == CANCELLED
        assert final.sent == in_flight
        assert final.sent + final.failed + final.cancelled == n
        got = await stub.GetCampaignSend(S.GetCampaignSendRequest(id=send.id), timeout=10)
        assert got.send == final


async def test_send_message_keeps_answering_during_a_campaign(
    stub: campaign_pb2_grpc.CampaignServiceStub,
    channel: grpc.aio.Channel,
    receiver: WebhookReceiver,
) -> None:
    campaign = await create(stub)
    send = (
        await stub.SendCampaign(
            S.SendCampaignRequest(
                id=campaign.id, recipients=recipients(receiver, "/delay/0.2", 300)
            ),
            timeout=30,
        )
    ).send
    await receiver.until_received(20)
    messages = delivery_pb2_grpc.DeliveryServiceStub(channel)
    for i in range(5):
        reply = await messages.SendMessage(
            delivery_pb2.SendMessageRequest(
                subject="s", body="b", channels=[WEBHOOK], webhook_url=receiver.url(f"/ok/m{i}")
            ),
            timeout=5,
        )
        assert reply.results[0].success
    during = await stub.GetCampaignSend(S.GetCampaignSendRequest(id=send.id), timeout=10)
    assert during.send.status == S.CAMPAIGN_SEND_STATUS_SENDING
    await stub.CancelCampaignSend(S.CancelCampaignSendRequest(id=send.id), timeout=10)


@pytest.mark.parametrize(
    ("fields", "violations"),
    [
        ({"display_name": ""}, {"campaign.display_name"}),
        ({"channels": []}, {"campaign.channels"}),
        ({"channels": [99]}, {"campaign.channels[0]"}),
        ({"subject": "", "body": ""}, {"campaign.subject", "campaign.body"}),
        ({"id": "bad id!"}, {"campaign.id"}),
        (
            {"channels": [common_pb2.CHANNEL_SMS], "body_html": "<p>x</p>"},
            {"campaign.body_html"},
        ),
        # Without a template nothing is interpolated: "Hi {{ name }}" went out as written.
        (
            {"subject": "Hi {{ name }}", "data": struct_pb2.Struct(fields={"name": ANN})},
            {"campaign.data"},
        ),
    ],
)
async def test_invalid_campaigns_are_refused(
    stub: campaign_pb2_grpc.CampaignServiceStub,
    fields: dict[str, object],
    violations: set[str],
) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await create(stub, **fields)
    error = rich_error(caught.value)
    assert error.code == grpc.StatusCode.INVALID_ARGUMENT
    assert set(error.violations) == violations


async def test_campaign_ids_lists_and_sends_refuse_bad_input(
    stub: campaign_pb2_grpc.CampaignServiceStub,
) -> None:
    name = f"dup-{uuid.uuid4().hex[:6]}"
    await create(stub, id=name)
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await create(stub, id=name)
    assert caught.value.code() == grpc.StatusCode.ALREADY_EXISTS
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await create(stub, subject="", body="", template_id="no-such-template")
    assert caught.value.code() == grpc.StatusCode.NOT_FOUND
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await stub.SendCampaign(S.SendCampaignRequest(id=name), timeout=10)
    assert rich_error(caught.value).violations.keys() == {"recipients"}
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await stub.GetCampaignSend(S.GetCampaignSendRequest(id="nope"), timeout=10)
    assert caught.value.code() == grpc.StatusCode.NOT_FOUND

    created = [(await create(stub, display_name=f"list {i}")).id for i in range(5)]
    seen: list[str] = []
    token = ""
    while True:
        page = await stub.ListCampaigns(
            S.ListCampaignsRequest(page_size=2, page_token=token), timeout=10
        )
        assert len(page.campaigns) <= 2
        seen.extend(c.id for c in page.campaigns)
        token = page.next_page_token
        if not token:
            break
    assert len(seen) == len(set(seen))
    assert seen[:5] == list(reversed(created))  # newest first
    for forged in ("forged", *(token_of(["campaigns", key]) for key in FORGED_KEYS)):
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await stub.ListCampaigns(S.ListCampaignsRequest(page_token=forged), timeout=10)
        assert rich_error(caught.value).violations.keys() == {"page_token"}, forged


# Keys of the right listing but the wrong shape (it is [created_at, id]).
FORGED_KEYS = (["x", "y"], [1], [[1], "id"], [1.5, 2], [True, "id"], [1.5, "id", 3])


def token_of(document: object) -> str:
    raw = json.dumps(document).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


async def test_a_request_id_used_for_another_campaign_is_already_exists(
    stub: campaign_pb2_grpc.CampaignServiceStub, receiver: WebhookReceiver
) -> None:
    first = await create(stub, id=f"reuse-{uuid.uuid4().hex[:6]}")
    second = await create(stub, id=f"reuse-{uuid.uuid4().hex[:6]}")
    request_id = f"r-{uuid.uuid4().hex[:6]}"
    sent = await stub.SendCampaign(
        S.SendCampaignRequest(
            id=first.id, recipients=recipients(receiver, "/ok", 1), request_id=request_id
        ),
        timeout=10,
    )

    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await stub.SendCampaign(
            S.SendCampaignRequest(
                id=second.id, recipients=recipients(receiver, "/ok", 1), request_id=request_id
            ),
            timeout=10,
        )
    error = rich_error(caught.value)
    assert (error.code, error.reason) == (grpc.StatusCode.ALREADY_EXISTS, "REQUEST_ID_REUSED")
    # Nothing of the refused send was kept: the second campaign can still be sent.
    later = await stub.SendCampaign(
        S.SendCampaignRequest(id=second.id, recipients=recipients(receiver, "/ok", 1)),
        timeout=10,
    )
    assert later.send.id != sent.send.id
    assert [(await watch(stub, s.send.id))[-1].sent for s in (sent, later)] == [1, 1]


async def test_a_template_campaign_sends_each_channel_its_own_part(
    stub: campaign_pb2_grpc.CampaignServiceStub,
    channel: grpc.aio.Channel,
    receiver: WebhookReceiver,
    server: ServerProcess,
) -> None:
    templates = template_pb2_grpc.TemplateServiceStub(channel)
    template_id = f"spring-{uuid.uuid4().hex[:6]}"
    await templates.CreateTemplate(
        template_pb2.CreateTemplateRequest(
            template=template_pb2.Template(
                id=template_id,
                display_name="Spring",
                content=template_pb2.TemplateContent(
                    email_subject="Spring news for {{ team }}",
                    email_text="Hello {{ team }}",
                    email_html="<p>Hello {{ team }}</p>",
                    in_app_title="New for {{ team }}",
                    in_app_body="Open the app, {{ team }}",
                ),
            )
        ),
        timeout=10,
    )
    data = struct_pb2.Struct()
    data.update({"team": "R&D"})
    campaign = await create(
        stub,
        channels=[WEBHOOK, common_pb2.CHANNEL_IN_APP],  # a URL goes to the webhook
        subject="",
        body="",
        template_id=template_id,
        data=data,
    )
    person = f"person-{uuid.uuid4().hex[:6]}"
    send = (
        await stub.SendCampaign(
            S.SendCampaignRequest(
                id=campaign.id,
                recipients=[
                    S.CampaignRecipient(person_id=person, recipient="inbox"),
                    S.CampaignRecipient(person_id="hook", recipient=receiver.url("/ok/t")),
                ],
            ),
            timeout=10,
        )
    ).send
    final = (await watch(stub, send.id))[-1]
    assert (final.status, final.sent) == (COMPLETED, 2)
    [inbox] = query(server, "SELECT title, body FROM inbox_messages WHERE user_id = ?", person)
    assert (inbox["title"], inbox["body"]) == ("New for R&D", "Open the app, R&D")
    [hit] = receiver.received
    assert hit.json["data"]["subject"] == "Spring news for R&D"
    assert hit.json["data"]["html"] == "<p>Hello R&amp;D</p>"  # HTML parts escape data


async def test_a_template_that_no_longer_renders_the_campaigns_data_is_a_failed_precondition(
    stub: campaign_pb2_grpc.CampaignServiceStub,
    channel: grpc.aio.Channel,
    receiver: WebhookReceiver,
) -> None:
    templates = template_pb2_grpc.TemplateServiceStub(channel)
    content = template_pb2.TemplateContent(email_subject="For {{ team }}", email_text="Hi")
    template_id = await create_template(templates, "changing", content)
    data = struct_pb2.Struct()
    data.update({"team": "R&D"})
    campaign = await create(stub, subject="", body="", template_id=template_id, data=data)
    # The template changes after the campaign was made: it now needs a variable the
    # campaign's data does not have.
    content.email_subject = "For {{ team }} in {{ region }}"
    await templates.UpdateTemplate(
        template_pb2.UpdateTemplateRequest(
            template=template_pb2.Template(id=template_id, content=content)
        ),
        timeout=10,
    )

    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await stub.SendCampaign(
            S.SendCampaignRequest(id=campaign.id, recipients=recipients(receiver, "/ok", 1)),
            timeout=10,
        )
    error = rich_error(caught.value)
    assert (error.code, error.reason) == (
        grpc.StatusCode.FAILED_PRECONDITION,
        "TEMPLATE_RENDER_FAILED",
    )
    assert error.preconditions == [("TEMPLATE_RENDER_FAILED", f"template:{template_id}")]
    assert error.violations == {}
    assert receiver.received == []


@pytest.mark.parametrize(
    ("content", "values", "channels", "empty"),
    [
        # Nothing for the body: the SMS text is no email's (p3: delivered with body '').
        (
            template_pb2.TemplateContent(email_subject="Subj", sms_text="sms body"),
            {},
            [WEBHOOK],
            "email_text or email_html, which the webhook channel needs",
        ),
        # A subject that renders blank (p3: delivered with Subject '').
        (
            template_pb2.TemplateContent(email_subject="{{ s }}", email_text="body {{ s }}"),
            {"s": " "},
            [WEBHOOK],
            "email_subject, which the webhook channel needs",
        ),
        # No in-app title, and no email subject for it to fall back to.
        (
            template_pb2.TemplateContent(email_text="Hi"),
            {},
            [common_pb2.CHANNEL_IN_APP],
            "in_app_title, which the in_app channel needs",
        ),
    ],
    ids=["no-body", "blank-subject", "no-in-app-title"],
)
async def test_a_template_that_renders_a_needed_part_empty_is_a_failed_precondition(
    stub: campaign_pb2_grpc.CampaignServiceStub,
    channel: grpc.aio.Channel,
    receiver: WebhookReceiver,
    server: ServerProcess,
    content: template_pb2.TemplateContent,
    values: dict[str, str],
    channels: list[int],
    empty: str,
) -> None:
    """A campaign without a template must have a subject and a body; one with a template
    must render them for its channels, or nothing is queued."""
    templates = template_pb2_grpc.TemplateServiceStub(channel)
    template_id = await create_template(templates, "empty", content)
    data = struct_pb2.Struct()
    data.update(values)
    campaign = await create(
        stub, channels=channels, subject="", body="", template_id=template_id, data=data
    )

    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await stub.SendCampaign(
            S.SendCampaignRequest(
                id=campaign.id,
                recipients=[S.CampaignRecipient(person_id="p0", recipient=receiver.url("/ok/e"))],
            ),
            timeout=10,
        )
    error = rich_error(caught.value)
    assert (error.code, error.reason) == (
        grpc.StatusCode.FAILED_PRECONDITION,
        "TEMPLATE_RENDER_FAILED",
    )
    assert error.preconditions == [("TEMPLATE_RENDER_FAILED", f"template:{template_id}")]
    assert error.precondition_descriptions == [f"template {template_id!r} renders an empty {empty}"]
    sends = query(server, "SELECT id FROM campaign_sends WHERE campaign_id = ?", campaign.id)
    assert sends == []
    await asyncio.sleep(0.5)
    assert receiver.received == []


async def send_twice(
    stub: campaign_pb2_grpc.CampaignServiceStub, request: S.SendCampaignRequest
) -> list[S.CampaignSend | RichError]:
    """The same SendCampaign twice at once: the second finds the first still storing."""

    async def send() -> S.CampaignSend | RichError:
        try:
            return (await stub.SendCampaign(request, timeout=60)).send
        except grpc.aio.AioRpcError as exc:
            return rich_error(exc)

    return list(await asyncio.gather(send(), send()))


@pytest.mark.parametrize("request_id", ["", "both-calls"])
async def test_two_overlapping_sends_of_a_campaign_store_and_send_each_recipient_once(
    stub: campaign_pb2_grpc.CampaignServiceStub, server: ServerProcess, request_id: str
) -> None:
    campaign = await create(stub, channels=[common_pb2.CHANNEL_IN_APP])
    prefix = f"once-{uuid.uuid4().hex[:6]}-"
    total = 3000
    people = [
        S.CampaignRecipient(person_id=f"{prefix}{i}", recipient=f"{prefix}{i}")
        for i in range(total)
    ]
    request = S.SendCampaignRequest(
        id=campaign.id, recipients=people, request_id=request_id and f"{request_id}-{prefix}"
    )

    replies = await send_twice(stub, request)

    sends = [r for r in replies if isinstance(r, S.CampaignSend)]
    refused = [(r.code, r.reason) for r in replies if not isinstance(r, S.CampaignSend)]
    if request_id:  # the caller's retry: always its own send back
        assert refused == []
    else:  # the same recipients again: the same send if it was still being stored
        assert refused in ([], [(grpc.StatusCode.ALREADY_EXISTS, "CAMPAIGN_ALREADY_SENT")])
    assert {s.id for s in sends} == {sends[0].id}
    send_id = sends[0].id
    [stored] = query(
        server,
        "SELECT COUNT(*) AS n, COUNT(DISTINCT position) AS positions FROM deliveries"
        " WHERE request_id = ?",
        send_id,
    )
    assert (stored["n"], stored["positions"]) == (total, total)

    final = (await watch(stub, send_id))[-1]
    assert (final.status, final.sent, final.total_recipients) == (COMPLETED, total, total)
    inbox = query(
        server,
        "SELECT user_id, COUNT(*) AS n FROM inbox_messages WHERE user_id LIKE ? GROUP BY user_id",
        f"{prefix}%",
    )
    assert len(inbox) == total
    assert {row["n"] for row in inbox} == {1}


async def test_a_template_deleted_since_the_campaign_was_made_is_a_failed_precondition(
    stub: campaign_pb2_grpc.CampaignServiceStub,
    channel: grpc.aio.Channel,
    receiver: WebhookReceiver,
) -> None:
    templates = template_pb2_grpc.TemplateServiceStub(channel)
    template_id = await create_template(
        templates, "gone", template_pb2.TemplateContent(email_subject="News", email_text="Hi")
    )
    campaign = await create(stub, subject="", body="", template_id=template_id)
    await templates.DeleteTemplate(template_pb2.DeleteTemplateRequest(id=template_id), timeout=10)

    # The campaign exists (NOT_FOUND would read as "no such campaign"); its template does not.
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await stub.SendCampaign(
            S.SendCampaignRequest(id=campaign.id, recipients=recipients(receiver, "/ok", 1)),
            timeout=10,
        )
    error = rich_error(caught.value)
    assert (error.code, error.reason) == (grpc.StatusCode.FAILED_PRECONDITION, "TEMPLATE_NOT_FOUND")
    assert error.preconditions == [("TEMPLATE_NOT_FOUND", f"template:{template_id}")]
    assert error.resource is None
    assert receiver.received == []


async def test_whole_numbers_in_a_campaigns_data_render_as_render_template_renders_them(
    stub: campaign_pb2_grpc.CampaignServiceStub,
    channel: grpc.aio.Channel,
    receiver: WebhookReceiver,
) -> None:
    templates = template_pb2_grpc.TemplateServiceStub(channel)
    template_id = await create_template(
        templates,
        "count",
        template_pb2.TemplateContent(
            email_subject="You have {{ count }} items", email_text="n={{ count }} of {{ share }}"
        ),
    )
    data = struct_pb2.Struct()
    data.update({"count": 3, "share": 0.5})
    rendered = await templates.RenderTemplate(
        template_pb2.RenderTemplateRequest(id=template_id, data=data), timeout=10
    )
    campaign = await create(stub, subject="", body="", template_id=template_id, data=data)
    send = (
        await stub.SendCampaign(
            S.SendCampaignRequest(id=campaign.id, recipients=recipients(receiver, "/ok", 1)),
            timeout=10,
        )
    ).send
    assert (await watch(stub, send.id))[-1].sent == 1

    [hit] = receiver.received
    assert (hit.json["data"]["subject"], hit.json["data"]["body"]) == (
        "You have 3 items",
        "n=3 of 0.5",
    )
    assert rendered.content.email_subject == hit.json["data"]["subject"]


async def test_a_send_cut_off_while_storing_then_cancelled_ends_with_counters_that_add_up(
    stub: campaign_pb2_grpc.CampaignServiceStub, server: ServerProcess
) -> None:
    campaign = await create(stub, channels=[common_pb2.CHANNEL_IN_APP])
    total = 20_000  # stored 250 a transaction: far from done when the first batch is in
    people = [S.CampaignRecipient(person_id=f"cut-{i}", recipient="inbox") for i in range(total)]
    call = stub.SendCampaign(S.SendCampaignRequest(id=campaign.id, recipients=people), timeout=60)
    send_id = await first_batch_stored(server, campaign.id, call)
    call.cancel()  # the caller gives up (a deadline, a dropped connection) mid-way
    with pytest.raises(asyncio.CancelledError):
        await call

    cancelled = (await stub.CancelCampaignSend(S.CancelCampaignSendRequest(id=send_id))).send
    assert cancelled.status == CANCELLED
    progress = await watch(stub, send_id)  # ends: nothing more will ever happen to it
    final = progress[-1]
    assert final.status == CANCELLED and final.total_recipients == total
    assert final.sent + final.failed + final.cancelled == total
    stored = query(server, "SELECT COUNT(*) AS n FROM deliveries WHERE request_id = ?", send_id)
    assert stored[0]["n"] < total, "the call was cut off before storing every recipient"
    assert final.cancelled >= total - stored[0]["n"]  # those never stored are cancelled
    got = await stub.GetCampaignSend(S.GetCampaignSendRequest(id=send_id), timeout=10)
    assert got.send == final


async def first_batch_stored(
    server: ServerProcess, campaign_id: str, call: grpc.aio.UnaryUnaryCall[Any, Any]
) -> str:
    """The id of the campaign's send once some of its deliveries are stored, while
    `call` (its SendCampaign) is still storing the rest."""
    sql = (
        "SELECT s.id FROM campaign_sends s JOIN deliveries d ON d.request_id = s.id"
        " WHERE s.campaign_id = ? LIMIT 1"
    )
    while not call.done():
        if rows := await asyncio.to_thread(query, server, sql, campaign_id):
            return str(rows[0]["id"])
        await asyncio.sleep(0.01)
    raise AssertionError(f"SendCampaign ended before it was cut off: {await call}")
