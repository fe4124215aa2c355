"""The REST gateway (gateway/, grpc-gateway v2 in Go) in front of a real server, driven
with a real HTTP client: each seed's example request exactly as its document shows it
(body and path), the answers' status codes and bodies, and what the peers received (the
SMTP and Twilio peers, a webhook receiver, the In-App inbox rows); gRPC errors as HTTP
statuses with the status details; a campaign watched as newline-delimited JSON; the
OpenAPI document at /openapi.json."""

from __future__ import annotations

import asyncio
import json
import socket
import subprocess
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support import db
from tests.support.auth import token
from tests.support.gateway import ROOT, GatewayProcess
from tests.support.live_peers import Peers
from tests.support.server import ServerProcess
from tests.support.webhook_receiver import WebhookReceiver

ADMIN = {"Authorization": f"Bearer {token()}"}
# A per-caller rate limit high enough for every other test here; the 429 test uses a
# caller of its own.
RATE_LIMIT = "20/s:40"


@pytest.fixture(scope="module")
def peers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Peers]:
    peers = Peers(Path(tmp_path_factory.mktemp("peers")))
    yield peers
    peers.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, peers: Peers) -> Iterator[ServerProcess]:
    process = ServerProcess(
        Path(tmp_path_factory.mktemp("herald")),
        env={**peers.env(), "HERALD_CALLER_RATE_LIMIT": RATE_LIMIT},
    )
    process.start()
    yield process
    process.stop()


@pytest.fixture(scope="module")
def gateway(server: ServerProcess) -> Iterator[GatewayProcess]:
    process = GatewayProcess(server.target, server.data_dir / "gateway.log").start()
    yield process
    process.stop()


@pytest.fixture
async def http(gateway: GatewayProcess) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=gateway.url, headers=ADMIN, timeout=30) as client:
        yield client


def tag() -> str:
    return uuid.uuid4().hex[:8]


async def eventually(check: Any, within: float = 15.0) -> Any:
    deadline = time.monotonic() + within
    while True:
        value = check()
        if value or time.monotonic() > deadline:
            return value
        await asyncio.sleep(0.05)


def mails_to(peers: Peers, address: str) -> list[Any]:
    return [m.message for m in peers.smtp.messages if address in m.rcpt_tos]


def sms_to(peers: Peers, number: str) -> list[str]:
    return [r.form["Body"] for r in peers.twilio.requests if r.form.get("To") == number]


def inbox(server: ServerProcess, user_id: str) -> list[Any]:
    return db.query(server, "SELECT title, body FROM inbox_messages WHERE user_id = ?", user_id)


def reason(body: dict[str, Any]) -> str:
    [info] = [d for d in body["details"] if d["@type"].endswith("google.rpc.ErrorInfo")]
    return str(info["reason"])


# Seed 000's example body, verbatim.
SEED_000 = """{
    "subject": "System maintenance",
    "body": "A scheduled maintenance window starts at 22:00 UTC.",
    "channels": ["Email", "Sms", "InApp"],
    "emailAddress": "user@example.com",
    "phoneNumber": "+97455555555",
    "userId": "3f45ef0f-39d1-4d65-8eaa-5db7c0b8f763",
    "pushToken": null,
    "webhookUrl": null,
    "isHtml": false
  }"""

# Seed 003's example request, verbatim.
SEED_003 = """{
"channels": ["email"],
"to": ["alice@example.com", "bob@example.com"],
"subject": "Launch deck ready for review",
"body": "The updated deck is attached to the project workspace.",
"body_html": "<p>The updated deck is attached to the project workspace.</p>"
}"""


async def test_seed_000_example_request_fans_out_and_answers_per_channel(
    http: httpx.AsyncClient, peers: Peers, server: ServerProcess
) -> None:
    reply = await http.post(
        "/api/v1/communications/send",
        content=SEED_000,
        headers={"Content-Type": "application/json"},
    )
    assert reply.status_code == 200, reply.text
    body = reply.json()
    assert [(r["channel"], r["success"], r["error"]) for r in body["results"]] == [
        ("Email", True, None),
        ("Sms", True, None),
        ("InApp", True, None),
    ]
    [mail] = mails_to(peers, "user@example.com")
    assert mail["Subject"] == "System maintenance"
    assert "22:00 UTC" in mail.get_content()
    assert sms_to(peers, "+97455555555") == ["A scheduled maintenance window starts at 22:00 UTC."]
    rows = inbox(server, "3f45ef0f-39d1-4d65-8eaa-5db7c0b8f763")
    assert [(r["title"], r["body"]) for r in rows] == [
        ("System maintenance", "A scheduled maintenance window starts at 22:00 UTC.")
    ]


async def test_seed_000_a_failing_channel_is_a_result_and_webhooks_are_signed(
    http: httpx.AsyncClient, receiver: WebhookReceiver
) -> None:
    reply = await http.post(
        "/api/v1/communications/send",
        json={
            "subject": "Deploy finished",
            "body": "<p>v2.3.1 is live.</p>",
            "channels": ["Webhook", "Push"],
            "webhookUrl": receiver.url("/hooks/herald"),
            "pushToken": "",
            "isHtml": True,
        },
    )
    # Push without a token is a bad request (nothing is sent), like seed 000's 400.
    assert reply.status_code == 400, reply.text
    assert list(problem(reply)["errors"]) == ["pushToken"]
    assert receiver.received == []

    # One channel delivered and one failed: 200, the failure a result.
    reply = await http.post(
        "/api/v1/communications/send",
        json={
            "subject": "Deploy finished",
            "body": "v2.3.1 is live.",
            "channels": ["InApp", "Webhook"],
            "userId": f"u-{tag()}",
            "webhookUrl": receiver.url("/status/500"),
        },
    )
    assert reply.status_code == 200, reply.text
    assert reply.headers["Content-Type"] == "application/json"
    in_app, result = reply.json()["results"]
    assert (in_app["channel"], in_app["success"], in_app["error"]) == ("InApp", True, None)
    assert (result["channel"], result["success"]) == ("Webhook", False)
    assert result["error"] and result["errorCode"]

    reply = await http.post(
        "/api/v1/communications/send",
        json={
            "subject": "Deploy finished",
            "body": "v2.3.1 is live.",
            "channels": ["Webhook"],
            "webhookUrl": receiver.url("/hooks/herald"),
        },
    )
    assert reply.status_code == 200, reply.text
    assert reply.json()["results"][0]["success"] is True
    [hook] = [r for r in receiver.received if r.path == "/hooks/herald"]
    assert hook.verified
    assert hook.json["data"]["subject"] == "Deploy finished"


def problem(reply: httpx.Response) -> dict[str, Any]:
    """Seed 000's ProblemDetails (RFC 9457, as ASP.NET writes it): its members checked."""
    assert reply.headers["Content-Type"] == "application/problem+json", reply.headers
    body: dict[str, Any] = reply.json()
    assert body["status"] == reply.status_code, body
    assert body["type"] and body["title"] and body["detail"] and body["reason"], body
    return body


async def test_seed_000_invalid_bodies_are_validation_problem_details(
    http: httpx.AsyncClient, peers: Peers
) -> None:
    address = f"{tag()}@example.com"
    valid = {"subject": "s", "body": "b", "channels": ["Email"], "emailAddress": address}
    for change, field in (
        ({"subject": None}, "subject"),  # missing subject (checked by the server)
        ({"channels": ["Email", "Fax"]}, "channels"),  # unknown channel (by the gateway)
        ({"emailAddress": None}, "emailAddress"),  # Email without its address
    ):
        request = {k: v for k, v in {**valid, **change}.items() if v is not None}
        reply = await http.post("/api/v1/communications/send", json=request)
        assert reply.status_code == 400, reply.text
        body = problem(reply)
        assert body["title"] == "One or more validation errors occurred."
        assert body["type"] == "https://tools.ietf.org/html/rfc9110#section-15.5.1"
        assert list(body["errors"]) == [field], body
        assert all(isinstance(m, str) and m for m in body["errors"][field]), body
        assert body["code"] == "INVALID_ARGUMENT"

    reply = await http.post(
        "/api/v1/communications/send",
        json={"body": "b", "channels": ["Email", "Sms"], "phoneNumber": "+4520123456"},
    )
    assert set(problem(reply)["errors"]) == {"subject", "emailAddress"}
    assert mails_to(peers, address) == []

    # Seed 002's path, the same method, answers Herald's own error body still.
    reply = await http.post(
        "/communication/messages/someone/send", json={"body": "b", "channels": ["InApp"]}
    )
    assert reply.status_code == 400, reply.text
    assert reply.headers["Content-Type"] == "application/json"
    assert reply.json()["status"] == reply.json()["error"] == "INVALID_ARGUMENT"


async def test_seed_000_every_channel_failing_is_a_400_problem_with_the_results(
    http: httpx.AsyncClient, receiver: WebhookReceiver
) -> None:
    """Dispatch failed entirely: a webhook receiver answering 400, an unregistered push
    token and a number Twilio refuses are each a permanent failure."""
    reply = await http.post(
        "/api/v1/communications/send",
        json={
            "subject": "Deploy finished",
            "body": "v2.3.1 is live.",
            "channels": ["Webhook", "Push", "Sms"],
            "webhookUrl": receiver.url("/status/400"),
            "pushToken": f"unregistered-{tag()}",
            "phoneNumber": "+15005550001",
        },
        headers={"X-Request-Id": "gw-failed-1"},
    )
    assert reply.status_code == 400, reply.text
    body = problem(reply)
    assert (body["title"], body["reason"]) == ("Dispatch failed", "DISPATCH_FAILED")
    assert "every channel failed" in body["detail"]
    assert body["traceId"] == reply.headers["X-Request-Id"] == "gw-failed-1"
    assert body["messageId"]
    assert [(r["channel"], r["success"]) for r in body["results"]] == [
        ("Webhook", False),
        ("Push", False),
        ("Sms", False),
    ]
    assert [(r["errorCode"], r["permanent"]) for r in body["results"]] == [
        ("WEBHOOK_HTTP_STATUS", True),
        ("UNREGISTERED_TOKEN", True),
        ("INVALID_PHONE", True),
    ]
    assert all(r["error"] for r in body["results"]), body["results"]
    assert [r.path for r in receiver.received] == ["/status/400"]


async def test_seed_000_refusals_are_problem_details(gateway: GatewayProcess) -> None:
    async with httpx.AsyncClient(base_url=gateway.url, timeout=10) as client:
        reply = await client.post("/api/v1/communications/send", content=SEED_000)
        assert reply.status_code == 401, reply.text
        assert reply.headers["WWW-Authenticate"] == 'Bearer realm="herald"'
        body = problem(reply)
        assert (body["title"], body["reason"], body["code"]) == (
            "Unauthorized",
            "CREDENTIALS_MISSING",
            "UNAUTHENTICATED",
        )
        reply = await client.post(
            "/api/v1/communications/send", content=SEED_000, headers={"Authorization": "Bearer x"}
        )
        assert reply.status_code == 401, reply.text
        assert problem(reply)["code"] == "UNAUTHENTICATED"
        creator = {"Authorization": f"Bearer {token('creator', roles=['creator'])}"}
        reply = await client.post("/api/v1/communications/send", content=SEED_000, headers=creator)
        assert reply.status_code == 403, reply.text
        assert (problem(reply)["title"], problem(reply)["reason"]) == ("Forbidden", "SCOPE_MISSING")


async def test_seed_001_send_to_users_and_clusters_with_interpolation(
    http: httpx.AsyncClient, peers: Peers
) -> None:
    ada, bob, nomail = f"ada-{tag()}", f"bob-{tag()}", f"nomail-{tag()}"
    for user_id, email in ((ada, f"{ada}@example.com"), (bob, f"{bob}@example.com")):
        reply = await http.post("/v1/users", json={"id": user_id, "email": email})
        assert reply.status_code == 200, reply.text
    reply = await http.post("/v1/users", json={"id": nomail, "phoneNumber": "+4520123456"})
    assert reply.status_code == 200, reply.text
    cluster = f"team-{tag()}"
    reply = await http.post("/v1/clusters", json={"id": cluster, "displayName": "Team"})
    assert reply.status_code == 200, reply.text
    reply = await http.post(f"/v1/clusters/{cluster}:addMembers", json={"userIds": [bob, nomail]})
    assert reply.status_code == 200, reply.text

    reply = await http.post(
        "/send",
        json={
            "channels": ["email"],
            "recipients": [ada],
            "clusters": [cluster],
            "messageTitle": "Hello {{ name }}",
            "messageContent": "Your code is {{ code }}.",
            "data": {"name": "team", "code": 42},
        },
    )
    assert reply.status_code == 200, reply.text
    body = reply.json()
    assert body["failures"] == [{"userId": nomail, "channel": "email", "error": "no email address"}]
    for user_id in (ada, bob):
        [mail] = await eventually(lambda u=user_id: mails_to(peers, f"{u}@example.com"))
        assert mail["Subject"] == "Hello team"
        assert mail.get_content().strip() == "Your code is 42."

    # Channels must be among the server's active ones; an unknown spelling is a 400 too.
    reply = await http.post(
        "/send", json={"channels": ["fax"], "recipients": [ada], "messageTitle": "t"}
    )
    assert reply.status_code == 400, reply.text
    assert (reply.json()["statusCode"], reply.json()["error"]) == ("400", "Bad request")


async def test_seed_001_errors_have_the_seeds_payload(
    http: httpx.AsyncClient, gateway: GatewayProcess
) -> None:
    """{"statusCode": "400", "error": "Bad request", "message": "Exception description"},
    with Herald's reason, code, status and details beside."""
    content = {"messageTitle": "Hello", "messageContent": "Hi"}
    reply = await http.post("/send", json={"channels": ["in_app"], **content})
    assert reply.status_code == 400, reply.text
    assert reply.headers["Content-Type"] == "application/json"
    body = reply.json()
    assert (body["statusCode"], body["error"]) == ("400", "Bad request")
    assert isinstance(body["message"], str) and body["message"]
    assert (body["reason"], body["status"], body["code"]) == (
        "INVALID_ARGUMENT",
        "INVALID_ARGUMENT",
        3,
    )
    assert any(d["@type"].endswith("google.rpc.BadRequest") for d in body["details"])

    reply = await http.post(
        "/send", json={"channels": ["in_app"], "clusters": [f"nope-{tag()}"], **content}
    )
    assert reply.status_code == 404, reply.text
    assert (reply.json()["statusCode"], reply.json()["error"]) == ("404", "Not found")
    assert reply.json()["status"] == "NOT_FOUND"

    async with httpx.AsyncClient(base_url=gateway.url, timeout=10) as client:
        reply = await client.post("/send", json={"channels": ["in_app"], **content})
    assert reply.status_code == 401, reply.text
    body = reply.json()
    assert (body["statusCode"], body["error"], body["reason"]) == (
        "401",
        "Unauthorized",
        "CREDENTIALS_MISSING",
    )

    # Seed 003's path, the same method, answers Herald's own error body still.
    reply = await http.post("/api/v1/notifications/send", json={"channels": ["email"]})
    assert reply.status_code == 400, reply.text
    assert "statusCode" not in reply.json()
    assert reply.json()["status"] == reply.json()["error"] == "INVALID_ARGUMENT"


async def test_seed_002_send_to_a_known_user_by_delivery_method(
    http: httpx.AsyncClient, peers: Peers
) -> None:
    user_id = str(uuid.uuid4())
    email, phone = f"{user_id[:8]}@example.com", "+4520" + str(uuid.uuid4().int)[:6]
    reply = await http.post(
        "/v1/users", json={"id": user_id, "email": email, "phoneNumber": phone, "locale": "en"}
    )
    assert reply.status_code == 200, reply.text

    reply = await http.post(
        f"/communication/messages/{user_id}/send",
        json={
            "deliveryMethod": "both",
            "messageBody": {"subject": "Your order", "html": "<p>Order <b>42</b> ships today</p>"},
        },
    )
    # "There is no body for this response": 200 and nothing else.
    assert reply.status_code == 200, reply.text
    assert reply.content == b""
    assert "Content-Type" not in reply.headers, reply.headers
    [mail] = mails_to(peers, email)
    assert mail["Subject"] == "Your order"
    assert sms_to(peers, phone) == ["Order 42 ships today"]

    # A well-known message type without its template, and an unknown user.
    reply = await http.post(
        f"/communication/messages/{user_id}/send",
        json={"deliveryMethod": "sms", "messageType": "forgottenpassword"},
    )
    assert reply.status_code == 404, reply.text
    reply = await http.post(
        f"/communication/messages/nobody-{tag()}/send",
        json={"deliveryMethod": "email", "messageBody": {"subject": "s", "text": "t"}},
    )
    assert reply.status_code == 404, reply.text
    assert reply.json()["status"] == "NOT_FOUND"


async def test_seed_002_every_channel_failing_is_a_400_with_the_results(
    http: httpx.AsyncClient, peers: Peers
) -> None:
    """Without a body a 200 cannot say a send failed: when every channel failed (Twilio
    refuses the number, the SMTP relay the address) the answer is a 400 in the path's error
    shape with the results; one channel delivered keeps the bodiless 200."""
    user_id = f"u-{tag()}"
    email = f"{user_id}@example.com"
    reply = await http.post(
        "/v1/users", json={"id": user_id, "email": email, "phoneNumber": "+15005550001"}
    )
    assert reply.status_code == 200, reply.text
    content = {"messageBody": {"subject": "Your order", "text": "Order 42 ships today"}}

    reply = await http.post(
        f"/communication/messages/{user_id}/send",
        json={"deliveryMethod": "sms", **content},
        headers={"X-Request-Id": "gw-failed-2"},
    )
    assert reply.status_code == 400, reply.text
    assert reply.headers["Content-Type"] == "application/json"
    assert reply.headers["X-Request-Id"] == "gw-failed-2"
    body = reply.json()
    assert (body["error"], body["code"], body["status"]) == ("DISPATCH_FAILED", 0, "OK")
    assert "every channel failed (sms)" in body["message"], body
    assert body["messageId"] and body["replayed"] is False
    assert [(r["channel"], r["success"], r["errorCode"]) for r in body["results"]] == [
        ("CHANNEL_SMS", False, "INVALID_PHONE")
    ]

    reply = await http.post(
        f"/communication/messages/{user_id}/send", json={"deliveryMethod": "both", **content}
    )
    assert (reply.status_code, reply.content) == (200, b""), reply.text
    [mail] = mails_to(peers, email)
    assert mail["Subject"] == "Your order"


async def test_seed_003_example_request_is_202_with_the_data_envelope(
    http: httpx.AsyncClient, peers: Peers
) -> None:
    reply = await http.post(
        "/api/v1/notifications/send",
        content=SEED_003,
        headers={"Content-Type": "application/json"},
    )
    assert reply.status_code == 202, reply.text
    data = reply.json()["data"]
    assert set(data) >= {
        "notification_id",
        "queued_at",
        "channels",
        "accepted_recipients",
        "rejected_recipients",
    }
    assert data["channels"] == ["email"]
    assert data["accepted_recipients"] == {"email": ["alice@example.com", "bob@example.com"]}
    assert data["rejected_recipients"] == {}
    assert data["queued_at"].endswith("Z")
    for address in ("alice@example.com", "bob@example.com"):
        [mail] = await eventually(lambda a=address: mails_to(peers, a))
        assert mail["Subject"] == "Launch deck ready for review"

    # Rejections per channel, reasons in lowercase; the default channel is email.
    reply = await http.post(
        "/api/v1/notifications/send",
        json={"to": ["carol@example.com", "not-an-address"], "subject": "s", "body": "b"},
    )
    assert reply.status_code == 202, reply.text
    data = reply.json()["data"]
    assert data["accepted_recipients"] == {"email": ["carol@example.com"]}
    assert data["rejected_recipients"] == {
        "email": [{"recipient": "not-an-address", "reason": "invalid_email"}]
    }

    # Nobody passed: 422 with the rejections in the details.
    reply = await http.post(
        "/api/v1/notifications/send",
        json={"channels": ["email"], "to": ["nope"], "subject": "s", "body": "b"},
    )
    assert reply.status_code == 422, reply.text
    body = reply.json()
    assert body["status"] == "FAILED_PRECONDITION"
    assert any(d["@type"].endswith("PreconditionFailure") for d in body["details"])

    # An unknown channel, and a missing subject: 400 with field violations.
    reply = await http.post(
        "/api/v1/notifications/send",
        json={"channels": ["carrier-pigeon"], "to": ["a@example.com"], "subject": "s", "body": "b"},
    )
    assert reply.status_code == 400, reply.text
    reply = await http.post(
        "/api/v1/notifications/send", json={"to": ["a@example.com"], "body": "b"}
    )
    assert reply.status_code == 400, reply.text
    assert any(d["@type"].endswith("BadRequest") for d in reply.json()["details"])


async def test_seed_003_authorization_401_and_403(gateway: GatewayProcess) -> None:
    async with httpx.AsyncClient(base_url=gateway.url, timeout=10) as client:
        reply = await client.post("/api/v1/notifications/send", content=SEED_003)
        assert reply.status_code == 401, reply.text
        assert reply.headers["WWW-Authenticate"].startswith("Bearer")
        assert reply.json()["status"] == "UNAUTHENTICATED"
        # Only the Authorization header is a credential, not Grpc-Metadata-Authorization.
        reply = await client.post(
            "/api/v1/notifications/send",
            content=SEED_003,
            headers={"Grpc-Metadata-Authorization": f"Bearer {token()}"},
        )
        assert reply.status_code == 401, reply.text
        # A creator may send notifications (seed 003) but not seed 000's admin-only send.
        creator = {"Authorization": f"Bearer {token('creator', roles=['creator'])}"}
        reply = await client.post("/api/v1/communications/send", content=SEED_000, headers=creator)
        assert reply.status_code == 403, reply.text
        assert reason(reply.json()) == "SCOPE_MISSING"
        reply = await client.post("/api/v1/notifications/send", content=SEED_003, headers=creator)
        assert reply.status_code == 202, reply.text


async def test_seed_004_campaign_send_404_409_and_watch_as_ndjson(
    http: httpx.AsyncClient, receiver: WebhookReceiver
) -> None:
    campaign = f"spring-{tag()}"
    reply = await http.post(
        "/v1/admin/campaigns",
        json={
            "id": campaign,
            "displayName": "Spring",
            "channels": ["webhook"],
            "subject": "Spring sale",
            "body": "20% off",
        },
    )
    assert reply.status_code == 200, reply.text

    reply = await http.post(
        f"/v1/admin/campaigns/missing-{tag()}/send",
        json={"recipients": [{"person_id": "p1", "recipient": receiver.url("/c/p1")}]},
    )
    assert reply.status_code == 404, reply.text
    assert isinstance(reply.json()["error"], str) and isinstance(reply.json()["message"], str)

    recipients = [{"person_id": f"p{i}", "recipient": receiver.url(f"/c/p{i}")} for i in range(3)]
    reply = await http.post(f"/v1/admin/campaigns/{campaign}/send", json={"recipients": recipients})
    assert reply.status_code == 200, reply.text
    send = reply.json()["send"]
    assert set(send) >= {
        "id",
        "campaign_id",
        "brand_id",
        "status",
        "total_recipients",
        "sent",
        "failed",
        "started_at",
        "completed_at",
        "created_by",
        "created_at",
    }
    assert (send["campaign_id"], send["total_recipients"]) == (campaign, 3)
    assert send["created_by"] == "jwt:tests"

    reply = await http.post(f"/v1/admin/campaigns/{campaign}/send", json={"recipients": recipients})
    assert reply.status_code == 409, reply.text
    assert reply.json()["error"] == "CAMPAIGN_ALREADY_SENT"
    assert reply.json()["message"]

    # Watch it like `curl -N`: one JSON object per line until the send is completed.
    events = []
    async with http.stream("GET", f"/v1/admin/campaign-sends/{send['id']}:watch") as stream:
        assert stream.status_code == 200
        async for line in stream.aiter_lines():
            if line.strip():
                events.append(json.loads(line))
    assert all("result" in event for event in events), events
    last = events[-1]["result"]["send"]
    assert last["status"] == "CAMPAIGN_SEND_STATUS_COMPLETED"
    assert (last["sent"], last["failed"]) == (3, 0)
    assert sorted(r.path for r in receiver.received) == ["/c/p0", "/c/p1", "/c/p2"]

    reply = await http.get(f"/v1/admin/campaign-sends/missing-{tag()}:watch")
    assert reply.status_code == 404, reply.text
    assert reply.json()["error"]["code"] == 5


async def test_send_message_stream_is_newline_delimited_json(http: httpx.AsyncClient) -> None:
    user_id = f"u-{tag()}"
    async with http.stream(
        "POST",
        "/v1/messages:stream",
        json={"message": {"subject": "s", "body": "b", "channels": ["InApp"], "userId": user_id}},
    ) as stream:
        assert stream.status_code == 200
        lines = [json.loads(line) async for line in stream.aiter_lines() if line.strip()]
    assert lines[0]["result"]["result"]["channel"] == "CHANNEL_IN_APP"
    assert lines[-1]["result"]["summary"]["succeeded"] == 1


async def test_rate_limit_is_429_with_retry_after(gateway: GatewayProcess) -> None:
    hammer = {"Authorization": f"Bearer {token(f'hammer-{tag()}')}"}
    async with httpx.AsyncClient(base_url=gateway.url, headers=hammer, timeout=10) as client:
        replies = await asyncio.gather(
            *(client.get("/v1/users/u1/inbox:unreadCount") for _ in range(60))
        )
    limited = [r for r in replies if r.status_code == 429]
    assert limited, [r.status_code for r in replies]
    assert {r.status_code for r in replies} <= {200, 429}
    assert int(limited[0].headers["Retry-After"]) >= 0
    assert limited[0].json()["status"] == "RESOURCE_EXHAUSTED"
    assert reason(limited[0].json()) == "RATE_LIMITED"


async def test_a_stream_refused_before_its_first_message_has_the_error_headers(
    gateway: GatewayProcess,
) -> None:
    """A stream refused for rate limiting answers like a unary call: 429 with Retry-After
    and the request id; one refused for credentials 401 with WWW-Authenticate."""
    hammer = {"Authorization": f"Bearer {token(f'hammer-{tag()}')}", "X-Request-Id": "gw-req-2"}

    async def watch(client: httpx.AsyncClient, i: int) -> httpx.Response:
        async with client.stream("GET", f"/v1/users/u{i}/inbox:watch") as reply:
            if reply.status_code != 200:  # a watch that was let through stays open
                await reply.aread()
            return reply

    async with httpx.AsyncClient(base_url=gateway.url, headers=hammer, timeout=10) as client:
        replies = await asyncio.gather(*(watch(client, i) for i in range(60)))
    limited = [r for r in replies if r.status_code == 429]
    assert limited, [r.status_code for r in replies]
    assert {r.status_code for r in replies} <= {200, 429}
    assert int(limited[0].headers["Retry-After"]) >= 0
    assert limited[0].headers["X-Request-Id"] == "gw-req-2"
    assert reason(limited[0].json()["error"]) == "RATE_LIMITED"

    async with httpx.AsyncClient(base_url=gateway.url, timeout=10) as client:
        reply = await client.get("/v1/users/u1/inbox:watch", headers={"Authorization": "Bearer x"})
    assert reply.status_code == 401, reply.text
    assert reply.headers["WWW-Authenticate"] == 'Bearer realm="herald"'


async def test_request_id_goes_through_and_unknown_routes_are_json(
    http: httpx.AsyncClient, server: ServerProcess
) -> None:
    reply = await http.get("/v1/users/u1/inbox:unreadCount", headers={"X-Request-Id": "gw-req-1"})
    assert reply.status_code == 200, reply.text
    assert reply.headers["X-Request-Id"] == "gw-req-1"
    assert any(event.get("request_id") == "gw-req-1" for event in server.events())

    reply = await http.get("/no/such/path")
    assert reply.status_code == 404
    assert reply.json()["status"] == "NOT_FOUND"
    reply = await http.delete("/api/v1/notifications/send")
    assert reply.status_code == 405
    reply = await http.post("/api/v1/notifications/send", content=b"{not json")
    assert reply.status_code == 400
    reply = await http.post(
        "/api/v1/notifications/send",
        json={"to": ["a@example.com"], "subject": "s", "body": "b", "unknownField": 1},
    )
    assert reply.status_code == 400


async def test_an_error_answer_carries_the_request_id(
    http: httpx.AsyncClient, gateway: GatewayProcess
) -> None:
    """The server's error answers carry the x-request-id trailer: the gateway answers it
    as X-Request-Id and, on seed 000's path, as the ProblemDetails traceId."""
    reply = await http.post(
        "/api/v1/communications/send",
        json={"channels": ["InApp"]},
        headers={"X-Request-Id": "gw-error-1"},
    )
    assert reply.status_code == 400, reply.text
    body = problem(reply)
    assert body["code"] == "INVALID_ARGUMENT"
    assert body["traceId"] == reply.headers["X-Request-Id"] == "gw-error-1"

    reply = await http.get("/v1/users/nope", headers={"X-Request-Id": "gw-error-2"})
    assert reply.status_code == 404, reply.text
    assert reply.headers["X-Request-Id"] == "gw-error-2"

    # Refused by the server's authentication, without an id from the caller: the one the
    # server made up.
    async with httpx.AsyncClient(base_url=gateway.url, timeout=10) as client:
        reply = await client.post(
            "/api/v1/communications/send", content=SEED_000, headers={"Authorization": "Bearer x"}
        )
    assert reply.status_code == 401, reply.text
    generated = reply.headers["X-Request-Id"]
    assert generated and problem(reply)["traceId"] == generated


async def test_an_id_with_a_slash_is_reached_percent_encoded(http: httpx.AsyncClient) -> None:
    """Ids may hold any character but whitespace (seed 002: "the GUID or string
    identifier"); one with "/" is written %2F in a path and still routed."""
    user_id = f"team/{tag()}"
    escaped = user_id.replace("/", "%2F")
    reply = await http.post("/v1/users", json={"id": user_id})
    assert reply.status_code == 200, reply.text

    reply = await http.get(f"/v1/users/{escaped}")
    assert (reply.status_code, reply.json()["user"]["id"]) == (200, user_id)
    reply = await http.post(
        f"/communication/messages/{escaped}/send",
        json={"channels": ["InApp"], "subject": "s", "body": "b"},
    )
    assert reply.status_code == 200, reply.text
    reply = await http.get(f"/v1/users/{escaped}/inbox")
    assert [m["userId"] for m in reply.json()["messages"]] == [user_id]
    reply = await http.delete(f"/v1/users/{escaped}")
    assert reply.status_code == 200, reply.text


async def test_an_unreachable_server_is_503_without_its_address(tmp_path: Path) -> None:
    """The gateway's own dial error names the server's address: it goes to the gateway's
    log, not to HTTP clients."""
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        target = f"127.0.0.1:{closed.getsockname()[1]}"
    process = GatewayProcess(target, tmp_path / "gateway.log").start(wait_healthy=False)
    try:
        async with httpx.AsyncClient(base_url=process.url, headers=ADMIN, timeout=30) as client:
            for reply in (
                await client.get("/healthz"),
                await client.post("/api/v1/notifications/send", content=SEED_003),
            ):
                assert reply.status_code == 503, reply.text
                assert reply.json()["status"] == "UNAVAILABLE"
                assert target not in reply.text and "dial" not in reply.text, reply.text
        assert any(
            e.get("event") == "herald_unavailable" and target in str(e.get("error"))
            for e in process.events()
        )
    finally:
        process.stop()


SEED_DOCUMENT_PATHS = {
    "/api/v1/communications/send",
    "/send",
    "/communication/messages/{userId}/send",
    "/api/v1/notifications/send",
    "/v1/admin/campaigns/{id}/send",
}


async def test_openapi_document_is_served(http: httpx.AsyncClient) -> None:
    """The generated document, with the seed paths' answers as the gateway gives them
    (gateway/openapi.go; gateway/openapi_test.go checks them against real answers)."""
    reply = await http.get("/openapi.json")
    assert reply.status_code == 200
    assert reply.headers["Content-Type"] == "application/json"
    served = reply.json()
    committed = json.loads((ROOT / "gateway" / "openapi" / "herald.swagger.json").read_bytes())
    assert served["paths"].keys() == committed["paths"].keys()
    for path, item in committed["paths"].items():
        if path not in SEED_DOCUMENT_PATHS:
            assert served["paths"][path] == item, path
    responses = {p: served["paths"][p]["post"]["responses"] for p in SEED_DOCUMENT_PATHS}
    assert "schema" not in responses["/communication/messages/{userId}/send"]["200"]
    assert set(responses["/api/v1/notifications/send"]) == {"202", "default"}
    problem_details = responses["/api/v1/communications/send"]["default"]["schema"]["$ref"]
    assert problem_details == "#/definitions/seed000ProblemDetails"


def test_go_unit_tests() -> None:
    """gateway/*_test.go: enum spellings, the seed views, the status mapping."""
    subprocess.run(["go", "test", "./..."], cwd=ROOT / "gateway", check=True, timeout=600)
