"""DirectoryService against a real server process: users with contact points,
clusters and their members, AIP-158 pages, and every refusal changing nothing."""

from __future__ import annotations

import asyncio
import secrets
import string
import uuid

import grpc
import pytest
from google.protobuf import field_mask_pb2
from herald.v1 import (
    common_pb2,
    delivery_pb2,
    delivery_pb2_grpc,
    directory_pb2_grpc,
    inbox_pb2,
    inbox_pb2_grpc,
)
from herald.v1 import directory_pb2 as D

from tests.support.db import query
from tests.support.server import ServerProcess
from tests.support.status import RichError, rich_error

pytestmark = pytest.mark.backends("sqlite", "postgres")

INVALID = grpc.StatusCode.INVALID_ARGUMENT
NOT_FOUND = grpc.StatusCode.NOT_FOUND


@pytest.fixture
def stub(channel: grpc.aio.Channel) -> directory_pb2_grpc.DirectoryServiceStub:
    return directory_pb2_grpc.DirectoryServiceStub(channel)


def tag() -> str:
    return uuid.uuid4().hex[:8]


def full_user(user_id: str) -> D.User:
    return D.User(
        id=user_id,
        display_name="Ada Lovelace",
        email="ada@example.com",
        phone_number="+4520123456",
        push_tokens=["tok-b:1", "tok-a:2", "tok-c:3"],
        webhook_url="https://hooks.example.com/ada",
        locale="en-GB",
        time_zone="Europe/Copenhagen",
    )


async def refused(call: object) -> RichError:
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await call  # type: ignore[misc]
    return rich_error(caught.value)


async def create_user(
    stub: directory_pb2_grpc.DirectoryServiceStub, user_id: str, **fields: object
) -> D.User:
    reply = await stub.CreateUser(D.CreateUserRequest(user=D.User(id=user_id, **fields)))
    return reply.user


async def create_cluster(stub: directory_pb2_grpc.DirectoryServiceStub, cluster_id: str) -> None:
    await stub.CreateCluster(D.CreateClusterRequest(cluster=D.Cluster(id=cluster_id)))


def stored_tokens(server: ServerProcess, user_id: str) -> list[str]:
    rows = query(server, "SELECT token FROM user_push_tokens WHERE user_id = ?", user_id)
    return sorted(row["token"] for row in rows)


# -- users ----------------------------------------------------------------------


async def test_create_then_get_returns_every_contact_point(
    stub: directory_pb2_grpc.DirectoryServiceStub,
) -> None:
    user_id = f"ada-{tag()}"
    created = (await stub.CreateUser(D.CreateUserRequest(user=full_user(user_id)))).user
    got = (await stub.GetUser(D.GetUserRequest(id=user_id))).user
    assert got == created
    expected = full_user(user_id)
    for name in ("display_name", "email", "phone_number", "webhook_url", "locale", "time_zone"):
        assert getattr(got, name) == getattr(expected, name), name
    assert list(got.push_tokens) == ["tok-b:1", "tok-a:2", "tok-c:3"]  # the order given
    assert got.brand_id == ""
    assert got.created_at.seconds > 0
    assert got.updated_at == got.created_at


async def test_a_user_needs_only_an_id(stub: directory_pb2_grpc.DirectoryServiceStub) -> None:
    user = await create_user(stub, f"bare-{tag()}")
    assert (user.email, list(user.push_tokens), user.locale) == ("", [], "")


async def test_duplicate_user_id_is_already_exists_and_keeps_the_first(
    stub: directory_pb2_grpc.DirectoryServiceStub, server: ServerProcess
) -> None:
    user_id = f"dup-{tag()}"
    await create_user(stub, user_id, email="first@example.com", push_tokens=["first"])
    error = await refused(
        stub.CreateUser(
            D.CreateUserRequest(
                user=D.User(id=user_id, email="second@example.com", push_tokens=["second"])
            )
        )
    )
    assert (error.code, error.reason, error.domain) == (
        grpc.StatusCode.ALREADY_EXISTS,
        "USER_EXISTS",
        "herald",
    )
    got = (await stub.GetUser(D.GetUserRequest(id=user_id))).user
    assert (got.email, list(got.push_tokens)) == ("first@example.com", ["first"])
    assert stored_tokens(server, user_id) == ["first"]


async def test_every_bad_contact_point_is_a_field_violation_and_nothing_is_stored(
    stub: directory_pb2_grpc.DirectoryServiceStub, server: ServerProcess
) -> None:
    user_id = f"bad-{tag()}"
    error = await refused(
        stub.CreateUser(
            D.CreateUserRequest(
                user=D.User(
                    id=user_id,
                    email="not-an-email",
                    phone_number="555-1234",
                    push_tokens=["fine-token", "has spaces", "fine-token"],
                    webhook_url="ftp://example.com/hook",
                    locale="english please",
                    time_zone="Mars/Olympus_Mons",
                )
            )
        )
    )
    assert (error.code, error.reason, error.domain) == (INVALID, "INVALID_ARGUMENT", "herald")
    assert set(error.violations) == {
        "user.email",
        "user.phone_number",
        "user.push_tokens[1]",
        "user.push_tokens[2]",  # a repeat of [0]
        "user.webhook_url",
        "user.locale",
        "user.time_zone",
    }
    assert (await refused(stub.GetUser(D.GetUserRequest(id=user_id)))).code == NOT_FOUND
    assert query(server, "SELECT id FROM users WHERE id = ?", user_id) == []
    assert stored_tokens(server, user_id) == []


@pytest.mark.parametrize(
    ("field", "value", "violation"),
    [
        ("email", "two@@example.com", "user.email"),
        ("phone_number", "+0123", "user.phone_number"),
        ("push_tokens", ["ok", "bad\ttoken"], "user.push_tokens[1]"),
        ("webhook_url", "https://user:pw@example.com/", "user.webhook_url"),
        ("locale", "en_GB", "user.locale"),
        ("time_zone", "CEST+2", "user.time_zone"),
        # Files in the zone database that are not zones.
        ("time_zone", "localtime", "user.time_zone"),
        ("time_zone", "Factory", "user.time_zone"),
        ("push_tokens", ["t" * 1025], "user.push_tokens[0]"),
        ("display_name", "Ada\x00", "user.display_name"),
        ("id", "has space", "user.id"),
        ("id", "", "user.id"),
    ],
)
async def test_one_bad_field_is_one_violation(
    stub: directory_pb2_grpc.DirectoryServiceStub,
    server: ServerProcess,
    field: str,
    value: object,
    violation: str,
) -> None:
    fields: dict[str, object] = {"id": f"one-{tag()}", field: value}
    error = await refused(stub.CreateUser(D.CreateUserRequest(user=D.User(**fields))))  # type: ignore[arg-type]
    assert error.code == INVALID
    assert list(error.violations) == [violation]
    assert query(server, "SELECT id FROM users WHERE id = ?", fields["id"]) == []


@pytest.mark.parametrize("locale", ["en", "en-GB", "zh-Hant-TW", "es-419", "de-CH-1996"])
async def test_bcp47_locales_are_accepted(
    stub: directory_pb2_grpc.DirectoryServiceStub, locale: str
) -> None:
    assert (await create_user(stub, f"loc-{tag()}", locale=locale)).locale == locale


async def test_update_changes_only_the_masked_fields(
    stub: directory_pb2_grpc.DirectoryServiceStub, server: ServerProcess
) -> None:
    user_id = f"upd-{tag()}"
    before = (await stub.CreateUser(D.CreateUserRequest(user=full_user(user_id)))).user
    reply = await stub.UpdateUser(
        D.UpdateUserRequest(
            user=D.User(
                id=user_id,
                email="ada@new.example.com",
                phone_number="",  # masked and empty: cleared
                locale="fr-FR",  # given but not masked: ignored
                push_tokens=["new-token"],
            ),
            update_mask=field_mask_pb2.FieldMask(paths=["email", "phone_number", "push_tokens"]),
        )
    )
    after = reply.user
    assert (after.email, after.phone_number, list(after.push_tokens)) == (
        "ada@new.example.com",
        "",
        ["new-token"],
    )
    assert (after.display_name, after.locale, after.time_zone, after.webhook_url) == (
        before.display_name,
        before.locale,
        before.time_zone,
        before.webhook_url,
    )
    assert after.created_at == before.created_at
    assert after.updated_at.ToNanoseconds() >= before.updated_at.ToNanoseconds()
    assert (await stub.GetUser(D.GetUserRequest(id=user_id))).user == after
    assert stored_tokens(server, user_id) == ["new-token"]


async def test_update_with_an_empty_mask_sets_every_field_given(
    stub: directory_pb2_grpc.DirectoryServiceStub,
) -> None:
    user_id = f"upd-{tag()}"
    before = (await stub.CreateUser(D.CreateUserRequest(user=full_user(user_id)))).user
    after = (
        await stub.UpdateUser(
            D.UpdateUserRequest(user=D.User(id=user_id, time_zone="America/New_York"))
        )
    ).user
    assert after.time_zone == "America/New_York"
    assert (after.email, list(after.push_tokens)) == (before.email, list(before.push_tokens))


async def test_update_with_a_wildcard_mask_replaces_the_whole_user(
    stub: directory_pb2_grpc.DirectoryServiceStub,
) -> None:
    user_id = f"upd-{tag()}"
    await stub.CreateUser(D.CreateUserRequest(user=full_user(user_id)))
    after = (
        await stub.UpdateUser(
            D.UpdateUserRequest(
                user=D.User(id=user_id, email="only@example.com"),
                update_mask=field_mask_pb2.FieldMask(paths=["*"]),
            )
        )
    ).user
    assert after.email == "only@example.com"
    assert (after.display_name, after.phone_number, list(after.push_tokens), after.locale) == (
        "",
        "",
        [],
        "",
    )


@pytest.mark.parametrize(
    ("paths", "violation"),
    [
        (["email", "nickname"], "update_mask.paths[1]"),
        (["id"], "update_mask.paths[0]"),
        (["created_at"], "update_mask.paths[0]"),
    ],
)
async def test_update_with_a_bad_mask_is_invalid_and_changes_nothing(
    stub: directory_pb2_grpc.DirectoryServiceStub, paths: list[str], violation: str
) -> None:
    user_id = f"upd-{tag()}"
    before = (await stub.CreateUser(D.CreateUserRequest(user=full_user(user_id)))).user
    error = await refused(
        stub.UpdateUser(
            D.UpdateUserRequest(
                user=D.User(id=user_id, email="changed@example.com"),
                update_mask=field_mask_pb2.FieldMask(paths=paths),
            )
        )
    )
    assert error.code == INVALID
    assert list(error.violations) == [violation]
    assert (await stub.GetUser(D.GetUserRequest(id=user_id))).user == before


async def test_update_with_bad_contact_points_is_invalid_and_changes_nothing(
    stub: directory_pb2_grpc.DirectoryServiceStub, server: ServerProcess
) -> None:
    user_id = f"upd-{tag()}"
    before = (await stub.CreateUser(D.CreateUserRequest(user=full_user(user_id)))).user
    error = await refused(
        stub.UpdateUser(
            D.UpdateUserRequest(
                user=D.User(
                    id=user_id,
                    display_name="Renamed",
                    push_tokens=["good", "b@d"],
                    time_zone="Nowhere/Special",
                )
            )
        )
    )
    assert error.code == INVALID
    assert set(error.violations) == {"user.push_tokens[1]", "user.time_zone"}
    assert (await stub.GetUser(D.GetUserRequest(id=user_id))).user == before
    assert stored_tokens(server, user_id) == sorted(before.push_tokens)


async def test_update_of_an_unknown_user_is_not_found(
    stub: directory_pb2_grpc.DirectoryServiceStub, server: ServerProcess
) -> None:
    user_id = f"ghost-{tag()}"
    error = await refused(
        stub.UpdateUser(D.UpdateUserRequest(user=D.User(id=user_id, email="g@example.com")))
    )
    assert error.code == NOT_FOUND
    assert error.resource is not None
    assert (error.resource.resource_type, error.resource.resource_name) == (
        "herald.v1.User",
        f"users/{user_id}",
    )
    assert query(server, "SELECT id FROM users WHERE id = ?", user_id) == []


async def test_unknown_users_and_clusters_are_not_found_with_resource_info(
    stub: directory_pb2_grpc.DirectoryServiceStub,
) -> None:
    ghost = f"ghost-{tag()}"
    calls = [
        (stub.GetUser(D.GetUserRequest(id=ghost)), "herald.v1.User", f"users/{ghost}"),
        (stub.DeleteUser(D.DeleteUserRequest(id=ghost)), "herald.v1.User", f"users/{ghost}"),
        (stub.GetCluster(D.GetClusterRequest(id=ghost)), "herald.v1.Cluster", f"clusters/{ghost}"),
        (
            stub.DeleteCluster(D.DeleteClusterRequest(id=ghost)),
            "herald.v1.Cluster",
            f"clusters/{ghost}",
        ),
        (
            stub.ListClusterMembers(D.ListClusterMembersRequest(cluster_id=ghost)),
            "herald.v1.Cluster",
            f"clusters/{ghost}",
        ),
        (
            stub.AddClusterMembers(D.AddClusterMembersRequest(cluster_id=ghost)),
            "herald.v1.Cluster",
            f"clusters/{ghost}",
        ),
        (
            stub.RemoveClusterMembers(D.RemoveClusterMembersRequest(cluster_id=ghost)),
            "herald.v1.Cluster",
            f"clusters/{ghost}",
        ),
        (stub.GetUser(D.GetUserRequest(id="")), "herald.v1.User", "users/"),
    ]
    for call, resource_type, resource_name in calls:
        error = await refused(call)
        assert (error.code, error.reason, error.domain) == (NOT_FOUND, "NOT_FOUND", "herald")
        assert error.resource is not None
        assert (error.resource.resource_type, error.resource.resource_name) == (
            resource_type,
            resource_name,
        )


async def test_delete_removes_the_user_their_push_tokens_and_memberships(
    stub: directory_pb2_grpc.DirectoryServiceStub, server: ServerProcess
) -> None:
    gone, stays, cluster_id = f"gone-{tag()}", f"stays-{tag()}", f"team-{tag()}"
    await create_user(stub, gone, push_tokens=["gone-1", "gone-2"])
    await create_user(stub, stays, push_tokens=["stays-1"])
    await create_cluster(stub, cluster_id)
    await stub.AddClusterMembers(
        D.AddClusterMembersRequest(cluster_id=cluster_id, user_ids=[gone, stays])
    )

    await stub.DeleteUser(D.DeleteUserRequest(id=gone))

    assert (await refused(stub.GetUser(D.GetUserRequest(id=gone)))).code == NOT_FOUND
    assert (await refused(stub.DeleteUser(D.DeleteUserRequest(id=gone)))).code == NOT_FOUND
    assert stored_tokens(server, gone) == []
    assert stored_tokens(server, stays) == ["stays-1"]
    cluster = (await stub.GetCluster(D.GetClusterRequest(id=cluster_id))).cluster
    assert cluster.member_count == 1
    members = await stub.ListClusterMembers(D.ListClusterMembersRequest(cluster_id=cluster_id))
    assert [u.id for u in members.users] == [stays]
    assert query(server, "SELECT user_id FROM cluster_members WHERE user_id = ?", gone) == []


async def test_the_longest_push_token_is_stored(
    stub: directory_pb2_grpc.DirectoryServiceStub,
) -> None:
    """On PostgreSQL a token is part of two B-tree keys, whose entries are at most 2704
    bytes: the longest token accepted must fit with the longest brand and user ids."""
    alphabet = string.ascii_letters + string.digits + "_:-."
    longest = "".join(secrets.choice(alphabet) for _ in range(1024))
    user_id = f"{tag()}-" + "é" * 190
    await create_user(stub, user_id, push_tokens=[longest])
    got = (await stub.GetUser(D.GetUserRequest(id=user_id))).user
    assert list(got.push_tokens) == [longest]


async def test_deleting_a_user_empties_their_inbox(
    stub: directory_pb2_grpc.DirectoryServiceStub, channel: grpc.aio.Channel
) -> None:
    """A user created again with the id of a deleted one does not see the old messages."""
    user_id, other = f"inbox-{tag()}", f"inbox-{tag()}"
    delivery = delivery_pb2_grpc.DeliveryServiceStub(channel)
    inbox = inbox_pb2_grpc.InboxServiceStub(channel)
    for recipient in (user_id, other):
        await create_user(stub, recipient)
        sent = await delivery.SendMessage(
            delivery_pb2.SendMessageRequest(
                subject="for the first holder of this id",
                body="b",
                channels=[common_pb2.CHANNEL_IN_APP],
                user_id=recipient,
            )
        )
        assert sent.results[0].success

    await stub.DeleteUser(D.DeleteUserRequest(id=user_id))
    await create_user(stub, user_id)

    listed = await inbox.ListInboxMessages(inbox_pb2.ListInboxMessagesRequest(user_id=user_id))
    assert (list(listed.messages), listed.unread_count) == ([], 0)
    kept = await inbox.ListInboxMessages(inbox_pb2.ListInboxMessagesRequest(user_id=other))
    assert len(kept.messages) == 1


async def test_list_users_pages_through_everyone_once_in_id_order(
    stub: directory_pb2_grpc.DirectoryServiceStub, server: ServerProcess
) -> None:
    prefix = f"page-{tag()}"
    mine = [f"{prefix}-{n:02d}" for n in range(23)]
    for user_id in reversed(mine):
        await create_user(stub, user_id, push_tokens=[f"{user_id}-token"])
    seen: list[str] = []
    token, pages = "", 0
    while True:
        reply = await stub.ListUsers(D.ListUsersRequest(page_size=5, page_token=token))
        assert len(reply.users) <= 5
        seen += [u.id for u in reply.users]
        pages += 1
        token = reply.next_page_token
        if not token:
            break
    total = int(query(server, "SELECT COUNT(*) AS n FROM users")[0]["n"])
    assert len(seen) == total  # no gaps
    assert len(set(seen)) == total  # no duplicates
    assert seen == sorted(seen)  # keyset order: by id
    assert [u for u in seen if u.startswith(prefix)] == mine
    assert pages >= 5
    # A page carries each user's push tokens.
    reply = await stub.ListUsers(D.ListUsersRequest(page_size=1000))
    listed = {u.id: list(u.push_tokens) for u in reply.users}
    assert listed[mine[0]] == [f"{mine[0]}-token"]


async def test_default_page_size_and_an_exact_last_page(
    stub: directory_pb2_grpc.DirectoryServiceStub,
) -> None:
    # More users than the default page of 50 exist by the end of this test.
    for n in range(51):
        await create_user(stub, f"default-{tag()}-{n}")
    first = await stub.ListUsers(D.ListUsersRequest())
    assert len(first.users) == 50
    assert first.next_page_token
    everyone = await stub.ListUsers(D.ListUsersRequest(page_size=1000))
    assert everyone.next_page_token == ""


@pytest.mark.parametrize("token", ["forged!", "eyJub3QiOiAidXMifQ", "W10"])
async def test_a_forged_page_token_is_invalid(
    stub: directory_pb2_grpc.DirectoryServiceStub, token: str
) -> None:
    error = await refused(stub.ListUsers(D.ListUsersRequest(page_token=token)))
    assert (error.code, list(error.violations)) == (INVALID, ["page_token"])


async def test_a_token_from_another_listing_is_invalid(
    stub: directory_pb2_grpc.DirectoryServiceStub,
) -> None:
    for n in range(3):
        await create_cluster(stub, f"tok-{tag()}-{n}")
    clusters_token = (await stub.ListClusters(D.ListClustersRequest(page_size=1))).next_page_token
    assert clusters_token
    error = await refused(stub.ListUsers(D.ListUsersRequest(page_token=clusters_token)))
    assert (error.code, list(error.violations)) == (INVALID, ["page_token"])
    error = await refused(stub.ListUsers(D.ListUsersRequest(page_size=-1)))
    assert (error.code, list(error.violations)) == (INVALID, ["page_size"])


# -- clusters -------------------------------------------------------------------


async def test_cluster_lifecycle_and_member_count(
    stub: directory_pb2_grpc.DirectoryServiceStub, server: ServerProcess
) -> None:
    cluster_id = f"seed-001-{tag()}"
    created = (
        await stub.CreateCluster(
            D.CreateClusterRequest(cluster=D.Cluster(id=cluster_id, display_name="Engineering"))
        )
    ).cluster
    assert (created.id, created.display_name, created.member_count, created.brand_id) == (
        cluster_id,
        "Engineering",
        0,
        "",
    )
    assert created.created_at.seconds > 0
    people = [f"member-{tag()}" for _ in range(3)]
    for user_id in people:
        await create_user(stub, user_id)

    added = await stub.AddClusterMembers(
        D.AddClusterMembersRequest(cluster_id=cluster_id, user_ids=[*people, people[0]])
    )
    assert added.cluster.member_count == 3
    again = await stub.AddClusterMembers(  # adding members twice is not an error
        D.AddClusterMembersRequest(cluster_id=cluster_id, user_ids=people[:2])
    )
    assert again.cluster.member_count == 3
    got = (await stub.GetCluster(D.GetClusterRequest(id=cluster_id))).cluster
    assert (got.member_count, got.display_name, got.created_at) == (
        3,
        "Engineering",
        created.created_at,
    )

    removed = await stub.RemoveClusterMembers(
        D.RemoveClusterMembersRequest(cluster_id=cluster_id, user_ids=[people[1]])
    )
    assert removed.cluster.member_count == 2
    removed = await stub.RemoveClusterMembers(  # no longer a member: nothing to do
        D.RemoveClusterMembersRequest(cluster_id=cluster_id, user_ids=[people[1]])
    )
    assert removed.cluster.member_count == 2
    members = await stub.ListClusterMembers(D.ListClusterMembersRequest(cluster_id=cluster_id))
    assert [u.id for u in members.users] == sorted([people[0], people[2]])
    assert members.next_page_token == ""

    await stub.DeleteCluster(D.DeleteClusterRequest(id=cluster_id))
    assert (await refused(stub.GetCluster(D.GetClusterRequest(id=cluster_id)))).code == NOT_FOUND
    assert (
        query(server, "SELECT user_id FROM cluster_members WHERE cluster_id = ?", cluster_id) == []
    )
    for user_id in people:  # the users stay
        await stub.GetUser(D.GetUserRequest(id=user_id))


async def test_duplicate_or_invalid_cluster_is_refused(
    stub: directory_pb2_grpc.DirectoryServiceStub, server: ServerProcess
) -> None:
    cluster_id = f"dup-{tag()}"
    await stub.CreateCluster(
        D.CreateClusterRequest(cluster=D.Cluster(id=cluster_id, display_name="First"))
    )
    error = await refused(
        stub.CreateCluster(
            D.CreateClusterRequest(cluster=D.Cluster(id=cluster_id, display_name="Second"))
        )
    )
    assert (error.code, error.reason) == (grpc.StatusCode.ALREADY_EXISTS, "CLUSTER_EXISTS")
    got = (await stub.GetCluster(D.GetClusterRequest(id=cluster_id))).cluster
    assert got.display_name == "First"
    for bad in ("", "with space", "x" * 201):
        error = await refused(stub.CreateCluster(D.CreateClusterRequest(cluster=D.Cluster(id=bad))))
        assert (error.code, list(error.violations)) == (INVALID, ["cluster.id"])
    assert query(server, "SELECT id FROM clusters WHERE id = ?", "with space") == []


async def test_adding_an_unknown_user_is_not_found_and_adds_nobody(
    stub: directory_pb2_grpc.DirectoryServiceStub, server: ServerProcess
) -> None:
    cluster_id, known, ghost = f"team-{tag()}", f"known-{tag()}", f"ghost-{tag()}"
    await create_cluster(stub, cluster_id)
    await create_user(stub, known)
    for user_ids, missing in (([known, ghost], ghost), ([known, "not valid"], "not valid")):
        error = await refused(
            stub.AddClusterMembers(
                D.AddClusterMembersRequest(cluster_id=cluster_id, user_ids=user_ids)
            )
        )
        assert error.code == NOT_FOUND
        assert error.resource is not None
        assert (error.resource.resource_type, error.resource.resource_name) == (
            "herald.v1.User",
            f"users/{missing}",
        )
    cluster = (await stub.GetCluster(D.GetClusterRequest(id=cluster_id))).cluster
    assert cluster.member_count == 0
    assert (
        query(server, "SELECT user_id FROM cluster_members WHERE cluster_id = ?", cluster_id) == []
    )


async def test_removing_an_unknown_user_is_not_found_and_removes_nobody(
    stub: directory_pb2_grpc.DirectoryServiceStub,
) -> None:
    cluster_id, known, ghost = f"team-{tag()}", f"known-{tag()}", f"ghost-{tag()}"
    await create_cluster(stub, cluster_id)
    await create_user(stub, known)
    await stub.AddClusterMembers(
        D.AddClusterMembersRequest(cluster_id=cluster_id, user_ids=[known])
    )
    error = await refused(
        stub.RemoveClusterMembers(
            D.RemoveClusterMembersRequest(cluster_id=cluster_id, user_ids=[known, ghost])
        )
    )
    assert error.code == NOT_FOUND
    assert error.resource is not None
    assert error.resource.resource_name == f"users/{ghost}"
    assert (await stub.GetCluster(D.GetClusterRequest(id=cluster_id))).cluster.member_count == 1


async def test_cluster_members_page_through_with_their_contact_points(
    stub: directory_pb2_grpc.DirectoryServiceStub,
) -> None:
    cluster_id, other = f"big-{tag()}", f"other-{tag()}"
    await create_cluster(stub, cluster_id)
    await create_cluster(stub, other)
    people = [f"m-{tag()}-{n:02d}" for n in range(12)]
    for user_id in people:
        await create_user(stub, user_id, email=f"{user_id}@example.com", push_tokens=[user_id])
    await stub.AddClusterMembers(D.AddClusterMembersRequest(cluster_id=cluster_id, user_ids=people))
    await stub.AddClusterMembers(D.AddClusterMembersRequest(cluster_id=other, user_ids=people[:1]))

    seen: list[D.User] = []
    token = ""
    while True:
        reply = await stub.ListClusterMembers(
            D.ListClusterMembersRequest(cluster_id=cluster_id, page_size=5, page_token=token)
        )
        seen += reply.users
        token = reply.next_page_token
        if not token:
            break
        # A token is bound to its cluster.
        error = await refused(
            stub.ListClusterMembers(D.ListClusterMembersRequest(cluster_id=other, page_token=token))
        )
        assert (error.code, list(error.violations)) == (INVALID, ["page_token"])
    assert [u.id for u in seen] == sorted(people)
    assert all(u.email == f"{u.id}@example.com" and list(u.push_tokens) == [u.id] for u in seen)


async def test_list_clusters_pages_with_member_counts(
    stub: directory_pb2_grpc.DirectoryServiceStub, server: ServerProcess
) -> None:
    prefix = f"lc-{tag()}"
    mine = [f"{prefix}-{n}" for n in range(7)]
    user_id = f"lc-user-{tag()}"
    await create_user(stub, user_id)
    for cluster_id in mine:
        await create_cluster(stub, cluster_id)
    await stub.AddClusterMembers(D.AddClusterMembersRequest(cluster_id=mine[3], user_ids=[user_id]))
    seen: list[D.Cluster] = []
    token = ""
    while True:
        reply = await stub.ListClusters(D.ListClustersRequest(page_size=3, page_token=token))
        seen += reply.clusters
        token = reply.next_page_token
        if not token:
            break
    ids = [c.id for c in seen]
    assert (
        len(ids)
        == len(set(ids))
        == int(query(server, "SELECT COUNT(*) AS n FROM clusters")[0]["n"])
    )
    assert ids == sorted(ids)
    counts = {c.id: c.member_count for c in seen if c.id.startswith(prefix)}
    assert counts == {c: (1 if c == mine[3] else 0) for c in mine}


async def test_concurrent_writes_all_land(stub: directory_pb2_grpc.DirectoryServiceStub) -> None:
    cluster_id = f"busy-{tag()}"
    await create_cluster(stub, cluster_id)
    people = [f"busy-{tag()}-{n:02d}" for n in range(40)]

    async def join(user_id: str) -> None:
        await create_user(stub, user_id, push_tokens=[f"{user_id}-t"])
        await stub.AddClusterMembers(
            D.AddClusterMembersRequest(cluster_id=cluster_id, user_ids=[user_id])
        )

    await asyncio.gather(*(join(u) for u in people))
    cluster = (await stub.GetCluster(D.GetClusterRequest(id=cluster_id))).cluster
    assert cluster.member_count == len(people)
