"""Seed 003's allow-list: a non-admin caller reaches themselves, members of their
groups (clusters) and allowed domains; anyone else is `not_in_allow_list`. Per
brand, and admins are exempt by default."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import grpc
import pytest
from herald.v1 import common_pb2, delivery_pb2, delivery_pb2_grpc, directory_pb2, directory_pb2_grpc

from tests.support.auth import authenticated_channel, token
from tests.support.server import ServerProcess
from tests.support.status import rich_error

EMAIL, IN_APP = common_pb2.CHANNEL_EMAIL, common_pb2.CHANNEL_IN_APP
SMS, PUSH, WEBHOOK = common_pb2.CHANNEL_SMS, common_pb2.CHANNEL_PUSH, common_pb2.CHANNEL_WEBHOOK
NOT_ALLOWED = delivery_pb2.REJECTION_REASON_NOT_IN_ALLOW_LIST


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    process = ServerProcess(
        Path(tmp_path_factory.mktemp("herald")),
        env={
            "HERALD_ALLOW_LIST": "*=on:partner.example.org; open-brand=off",
            # Email is accepted and queued; nothing needs to be delivered here.
            "HERALD_SMTP_URL": "smtp://127.0.0.1:9",
        },
    )
    process.start()
    yield process
    process.stop()


def tag() -> str:
    return uuid.uuid4().hex[:8]


async def add_people(server: ServerProcess, brand: str) -> dict[str, str]:
    """alice and bob share a cluster; carol is in the directory but not with them."""
    admin = token(brand=brand)
    emails = {name: f"{name}-{tag()}@corp.example.com" for name in ("alice", "bob", "carol")}
    async with authenticated_channel(server.target, admin) as channel:
        directory = directory_pb2_grpc.DirectoryServiceStub(channel)
        for name, email in emails.items():
            await directory.CreateUser(
                directory_pb2.CreateUserRequest(
                    user=directory_pb2.User(id=f"{name}-{brand}", email=email)
                ),
                timeout=10,
            )
        cluster = f"team-{tag()}"
        await directory.CreateCluster(
            directory_pb2.CreateClusterRequest(
                cluster=directory_pb2.Cluster(id=cluster, display_name="Team")
            ),
            timeout=10,
        )
        await directory.AddClusterMembers(
            directory_pb2.AddClusterMembersRequest(
                cluster_id=cluster, user_ids=[f"alice-{brand}", f"bob-{brand}"]
            ),
            timeout=10,
        )
    return emails


async def send_as(
    server: ServerProcess, credential: str, to: list[str], channels: list[int] | None = None
) -> delivery_pb2.SendNotificationResponse:
    async with authenticated_channel(server.target, credential) as channel:
        return await delivery_pb2_grpc.DeliveryServiceStub(channel).SendNotification(
            delivery_pb2.SendNotificationRequest(
                channels=channels or [EMAIL], to=to, subject="Launch deck", body="Ready for review"
            ),
            timeout=10,
        )


def outcome(
    reply: delivery_pb2.SendNotificationResponse,
) -> tuple[list[str], list[tuple[str, int]]]:
    accepted = [r for a in reply.accepted_recipients for r in a.recipients]
    rejected = [(x.recipient, x.reason) for r in reply.rejected_recipients for x in r.rejected]
    return accepted, rejected


async def send_to_people_as(
    server: ServerProcess, credential: str, recipients: list[str]
) -> delivery_pb2.SendNotificationResponse:
    """Seed 001's form: directory users by id, over Email and In-App."""
    async with authenticated_channel(server.target, credential) as channel:
        return await delivery_pb2_grpc.DeliveryServiceStub(channel).SendNotification(
            delivery_pb2.SendNotificationRequest(
                channels=[EMAIL, IN_APP],
                recipients=recipients,
                subject="Launch deck",
                body="Ready for review",
            ),
            timeout=10,
        )


def by_channel(
    reply: delivery_pb2.SendNotificationResponse,
) -> tuple[dict[int, list[str]], dict[int, list[tuple[str, int]]]]:
    accepted = {a.channel: list(a.recipients) for a in reply.accepted_recipients}
    rejected = {
        r.channel: [(x.recipient, x.reason) for x in r.rejected] for r in reply.rejected_recipients
    }
    return accepted, rejected


async def test_a_caller_reaches_themselves_their_group_and_allowed_domains(
    server: ServerProcess,
) -> None:
    brand = f"brand-{tag()}"
    emails = await add_people(server, brand)
    outsider = f"dave-{tag()}@elsewhere.example.net"
    partner = f"erin-{tag()}@partner.example.org"
    alice = token(f"alice-{brand}", roles=("creator",), brand=brand)
    reply = await send_as(
        server, alice, [emails["alice"], emails["bob"].upper(), emails["carol"], outsider, partner]
    )
    accepted, rejected = outcome(reply)
    assert accepted == [emails["alice"], emails["bob"].upper(), partner]
    assert rejected == [(emails["carol"], NOT_ALLOWED), (outsider, NOT_ALLOWED)]

    # In-App recipients are user ids: the caller and group members pass.
    reply = await send_as(server, alice, [f"bob-{brand}", f"carol-{brand}"], [IN_APP])
    assert outcome(reply) == ([f"bob-{brand}"], [(f"carol-{brand}", NOT_ALLOWED)])


async def test_seed_001_recipients_pass_by_user_id_or_by_the_contact_point_used(
    server: ServerProcess,
) -> None:
    """With `recipients`, a group member passes on every channel by their user id
    (exactly as spelt, capitals and all); anyone else passes only where the contact
    point Herald sends to does: on Email, an address at an allowed domain."""
    brand = f"brand-{tag()}"
    alice, bob, erin, dave = (f"{name}-{brand}" for name in ("alice", "Bob", "erin", "dave"))
    async with authenticated_channel(server.target, token(brand=brand)) as channel:
        directory = directory_pb2_grpc.DirectoryServiceStub(channel)
        for user_id, email in [
            (alice, f"alice-{tag()}@corp.example.com"),
            (bob, f"bob-{tag()}@corp.example.com"),
            (erin, f"erin-{tag()}@partner.example.org"),
            (dave, f"dave-{tag()}@elsewhere.example.net"),
        ]:
            await directory.CreateUser(
                directory_pb2.CreateUserRequest(user=directory_pb2.User(id=user_id, email=email)),
                timeout=10,
            )
        cluster = f"team-{tag()}"
        await directory.CreateCluster(
            directory_pb2.CreateClusterRequest(
                cluster=directory_pb2.Cluster(id=cluster, display_name="Team")
            ),
            timeout=10,
        )
        await directory.AddClusterMembers(
            directory_pb2.AddClusterMembersRequest(cluster_id=cluster, user_ids=[alice, bob]),
            timeout=10,
        )
    accepted, rejected = by_channel(
        await send_to_people_as(
            server, token(alice, roles=("creator",), brand=brand), [bob, erin, dave]
        )
    )
    assert accepted == {EMAIL: [bob, erin], IN_APP: [bob]}
    # The allowed domain is an email rule: erin's user id is not in alice's groups.
    assert rejected == {
        EMAIL: [(dave, NOT_ALLOWED)],
        IN_APP: [(erin, NOT_ALLOWED), (dave, NOT_ALLOWED)],
    }


async def test_nobody_allowed_is_failed_precondition_with_the_reasons(
    server: ServerProcess,
) -> None:
    brand = f"brand-{tag()}"
    emails = await add_people(server, brand)
    carol = token(f"carol-{brand}", roles=("creator",), brand=brand)
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await send_as(server, carol, [emails["alice"]])
    error = rich_error(caught.value)
    assert error.code == grpc.StatusCode.FAILED_PRECONDITION
    assert error.preconditions == [("not_in_allow_list", f"email:{emails['alice']}")]


async def test_admins_and_brands_with_the_allow_list_off_reach_anyone(
    server: ServerProcess,
) -> None:
    brand = f"brand-{tag()}"
    emails = await add_people(server, brand)
    outsider = f"dave-{tag()}@elsewhere.example.net"
    admin = token(f"alice-{brand}", roles=("admin",), brand=brand)
    assert outcome(await send_as(server, admin, [emails["carol"], outsider])) == (
        [emails["carol"], outsider],
        [],
    )
    open_creator = token("someone", roles=("creator",), brand="open-brand")
    assert outcome(await send_as(server, open_creator, [outsider])) == ([outsider], [])


async def test_a_to_entry_passes_only_as_a_known_value_of_its_own_kind(
    server: ServerProcess,
) -> None:
    """In-App and Push entries are user ids: a group-mate's phone number, email
    address or webhook URL is not one (it names some other inbox). Likewise a
    group-mate's user id that looks like a phone number, email address or URL
    is not a known number, address or URL."""
    brand = f"brand-{tag()}"
    alice, bob = f"alice-{brand}", f"bob-{brand}"
    bob_phone, bob_email = f"+1555{tag_digits()}", f"bob-{tag()}@corp.example.com"
    bob_hook, bob_token = f"https://hooks.example.com/bob-{tag()}", f"tok-{tag()}"
    # Group-mates whose user ids look like contact points nobody in the group has.
    mate_phone, mate_email = f"+1555{tag_digits()}", f"mate-{tag()}@corp.example.com"
    mate_url = f"https://ids.example.com/mate-{tag()}"
    # Outside the group: its user id is bob's push token.
    outsider = bob_token
    await add_users(
        server,
        brand,
        [
            directory_pb2.User(id=alice),
            directory_pb2.User(
                id=bob,
                email=bob_email,
                phone_number=bob_phone,
                webhook_url=bob_hook,
                push_tokens=[bob_token],
            ),
            directory_pb2.User(id=mate_phone),
            directory_pb2.User(id=mate_email),
            directory_pb2.User(id=mate_url),
            directory_pb2.User(id=outsider, push_tokens=[f"tok-{tag()}"]),
        ],
        team=[alice, bob, mate_phone, mate_email, mate_url],
    )
    creator = token(alice, roles=("creator",), brand=brand)

    sends = {
        IN_APP: [bob, bob_phone, bob_email, bob_hook],
        SMS: [bob_phone, mate_phone],
        EMAIL: [bob_email.upper(), mate_email],
        WEBHOOK: [bob_hook, mate_url],
        PUSH: [bob, outsider],
    }
    outcomes = {
        channel: outcome(await send_as(server, creator, to, [channel]))
        for channel, to in sends.items()
    }
    assert outcomes == {
        IN_APP: (
            [bob],
            [(bob_phone, NOT_ALLOWED), (bob_email, NOT_ALLOWED), (bob_hook, NOT_ALLOWED)],
        ),
        SMS: ([bob_phone], [(mate_phone, NOT_ALLOWED)]),
        EMAIL: ([bob_email.upper()], [(mate_email, NOT_ALLOWED)]),
        WEBHOOK: ([bob_hook], [(mate_url, NOT_ALLOWED)]),
        PUSH: ([bob], [(outsider, NOT_ALLOWED)]),
    }


async def test_seed_001_recipients_pass_by_user_id_only_when_it_is_a_known_user_id(
    server: ServerProcess,
) -> None:
    """Directory users outside the caller's groups whose user ids are a group-mate's
    phone number or email address are not let through by them; one whose own email
    address is a group-mate's still passes on Email (Herald sends there)."""
    brand = f"brand-{tag()}"
    alice, bob = f"alice-{brand}", f"bob-{brand}"
    bob_phone, bob_email = f"+1555{tag_digits()}", f"bob-{tag()}@corp.example.com"
    sharer = f"sharer-{brand}"
    await add_users(
        server,
        brand,
        [
            directory_pb2.User(id=alice),
            directory_pb2.User(id=bob, email=bob_email, phone_number=bob_phone),
            directory_pb2.User(id=bob_phone, email=f"p-{tag()}@elsewhere.example.net"),
            directory_pb2.User(id=bob_email, email=f"e-{tag()}@elsewhere.example.net"),
            directory_pb2.User(id=sharer, email=bob_email),
        ],
        team=[alice, bob],
    )
    accepted, rejected = by_channel(
        await send_to_people_as(
            server,
            token(alice, roles=("creator",), brand=brand),
            [bob, bob_phone, bob_email, sharer],
        )
    )
    assert accepted == {EMAIL: [bob, sharer], IN_APP: [bob]}
    assert rejected == {
        EMAIL: [(bob_phone, NOT_ALLOWED), (bob_email, NOT_ALLOWED)],
        IN_APP: [(bob_phone, NOT_ALLOWED), (bob_email, NOT_ALLOWED), (sharer, NOT_ALLOWED)],
    }


def tag_digits() -> str:
    return f"{uuid.uuid4().int % 10**7:07d}"


async def add_users(
    server: ServerProcess, brand: str, users: list[directory_pb2.User], team: list[str]
) -> None:
    async with authenticated_channel(server.target, token(brand=brand)) as channel:
        directory = directory_pb2_grpc.DirectoryServiceStub(channel)
        for user in users:
            await directory.CreateUser(directory_pb2.CreateUserRequest(user=user), timeout=10)
        cluster = f"team-{tag()}"
        await directory.CreateCluster(
            directory_pb2.CreateClusterRequest(cluster=directory_pb2.Cluster(id=cluster)),
            timeout=10,
        )
        await directory.AddClusterMembers(
            directory_pb2.AddClusterMembersRequest(cluster_id=cluster, user_ids=team), timeout=10
        )
