"""The directory store's read API for sends (contact_points, cluster_member_ids)
and remove_push_token, on SQLite and PostgreSQL. Each test works in a brand of
its own, which also shows that brands do not see each other's rows."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest
from herald.core.directory import Cluster, User
from herald.core.errors import NotFoundError
from herald.store.database import Database
from herald.store.directory import Directory

pytestmark = pytest.mark.backends("sqlite", "postgres")


@pytest.fixture
async def store(database_url: str) -> AsyncIterator[Directory]:
    db = Database(database_url)
    await db.migrate()
    yield Directory(db)
    await db.close()


@pytest.fixture
def brand() -> str:
    return f"brand-{uuid.uuid4().hex[:8]}"


async def test_contact_points_of_known_users_only(store: Directory, brand: str) -> None:
    await store.create_user(
        brand,
        User(
            id="ada",
            email="ada@example.com",
            phone_number="+4520123456",
            push_tokens=("t2", "t1"),
            webhook_url="https://hooks.example.com/ada",
            locale="en-GB",
            time_zone="Europe/London",
        ),
    )
    await store.create_user(brand, User(id="bob", email="bob@example.com"))
    await store.create_user("another-brand-" + brand, User(id="carol", email="c@example.com"))

    found = await store.contact_points(brand, ["ada", "nobody", "bob", "carol", "ada"])

    assert set(found) == {"ada", "bob"}  # unknown ids (and other brands' users) are absent
    ada = found["ada"]
    assert (ada.email, ada.phone_number, ada.push_tokens, ada.webhook_url, ada.locale) == (
        "ada@example.com",
        "+4520123456",
        ("t2", "t1"),
        "https://hooks.example.com/ada",
        "en-GB",
    )
    assert ada.time_zone == "Europe/London"
    assert found["bob"].push_tokens == ()
    assert await store.contact_points(brand, []) == {}


async def test_contact_points_for_more_ids_than_one_query_takes(
    store: Directory, brand: str
) -> None:
    ids = [f"user-{n:04d}" for n in range(1200)]
    for user_id in ids[::100]:
        await store.create_user(brand, User(id=user_id, push_tokens=(f"tok-{user_id}",)))
    found = await store.contact_points(brand, ids)
    assert sorted(found) == ids[::100]
    assert all(found[u].push_tokens == (f"tok-{u}",) for u in found)


async def test_cluster_member_ids_tell_unknown_clusters_apart(store: Directory, brand: str) -> None:
    for user_id in ("u3", "u1", "u2"):
        await store.create_user(brand, User(id=user_id))
    await store.create_cluster(brand, Cluster(id="team"))
    await store.create_cluster(brand, Cluster(id="empty"))
    await store.add_members(brand, "team", ["u3", "u1", "u2", "u1"])

    members = await store.cluster_member_ids(brand, ["team", "missing", "empty"])

    assert members == {"team": ["u1", "u2", "u3"], "empty": []}
    assert "missing" not in members  # unknown: detectable by its absence
    assert await store.cluster_member_ids("other-" + brand, ["team"]) == {}


async def test_deleted_users_leave_clusters_and_sends(store: Directory, brand: str) -> None:
    await store.create_user(brand, User(id="gone", push_tokens=("gone-token",)))
    await store.create_user(brand, User(id="stays"))
    await store.create_cluster(brand, Cluster(id="team"))
    await store.add_members(brand, "team", ["gone", "stays"])

    await store.delete_user(brand, "gone")

    assert await store.cluster_member_ids(brand, ["team"]) == {"team": ["stays"]}
    assert set(await store.contact_points(brand, ["gone", "stays"])) == {"stays"}
    assert await store.remove_push_token("gone-token") == 0  # went with the user


async def test_remove_push_token_deletes_it_wherever_it_is(store: Directory, brand: str) -> None:
    shared = f"device-{uuid.uuid4().hex}"
    await store.create_user(brand, User(id="a", push_tokens=("keep-a", shared)))
    await store.create_user(brand, User(id="b", push_tokens=(shared,)))
    await store.create_user("other-" + brand, User(id="a", push_tokens=(shared, "keep-c")))

    assert await store.remove_push_token(shared) == 3
    assert await store.remove_push_token(shared) == 0

    found = await store.contact_points(brand, ["a", "b"])
    assert (found["a"].push_tokens, found["b"].push_tokens) == (("keep-a",), ())
    other = await store.contact_points("other-" + brand, ["a"])
    assert other["a"].push_tokens == ("keep-c",)


async def test_adding_an_unknown_member_names_it_and_adds_nobody(
    store: Directory, brand: str
) -> None:
    await store.create_user(brand, User(id="known"))
    await store.create_cluster(brand, Cluster(id="team"))
    with pytest.raises(NotFoundError) as caught:
        await store.add_members(brand, "team", ["known", "ghost"])
    assert caught.value.resource_name == "users/ghost"
    with pytest.raises(NotFoundError) as caught:
        await store.add_members(brand, "nowhere", ["known"])
    assert caught.value.resource_name == "clusters/nowhere"
    assert await store.cluster_member_ids(brand, ["team"]) == {"team": []}
