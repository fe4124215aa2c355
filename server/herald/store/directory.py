"""The directory in the store: users with their push tokens, clusters and their
members, every row scoped by brand (the tenant).

Writes run in their own transactions, not through group commit (they are not on
the send path). Each write transaction starts with a write, so on SQLite it holds
the write lock from its first statement and never has to upgrade a read snapshot
(which fails at once when another writer committed in between); checks that
follow the write roll it back when they refuse the request, so a refused request
changes nothing.

Listings are keyset pages ordered by id: `after` is the last id of the page
before, and the next key is returned only when more rows may follow.

The read API for sends (`contact_points`, `cluster_member_ids`) and the Push
channel (`remove_push_token`) is at the end.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Iterable, Iterator, Sequence
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from herald.core.directory import Cluster, User, UserPatch
from herald.core.errors import AlreadyExistsError, NotFoundError
from herald.store.database import Database
from herald.store.schema import cluster_members, clusters, inbox_messages, user_push_tokens, users

USER_TYPE = "herald.v1.User"
CLUSTER_TYPE = "herald.v1.Cluster"
CHUNK = 500  # ids per IN (...) list, well under every driver's parameter limit
# Push tokens are returned in the order they were given: each is stored this much
# later than the one before it.
TOKEN_ORDER_STEP = 1e-6
_MISSING_RETRIES = 3

T = TypeVar("T")


def _chunks(items: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


def user_not_found(user_id: str) -> NotFoundError:
    return NotFoundError(USER_TYPE, f"users/{user_id}")


def cluster_not_found(cluster_id: str) -> NotFoundError:
    return NotFoundError(CLUSTER_TYPE, f"clusters/{cluster_id}")


def _member_count() -> sa.ScalarSelect[Any]:
    return (
        sa.select(sa.func.count())
        .where(
            cluster_members.c.brand_id == clusters.c.brand_id,
            cluster_members.c.cluster_id == clusters.c.id,
        )
        .scalar_subquery()
    )


def _cluster(row: Any) -> Cluster:
    return Cluster(
        id=row.id,
        display_name=row.display_name,
        brand_id=row.brand_id,
        member_count=int(row.member_count),
        created_at=row.created_at,
    )


class Directory:
    def __init__(self, db: Database) -> None:
        self.db = db
        self._sqlite_writes = asyncio.Lock() if db.is_sqlite else None
        insert = sqlite.insert if db.is_sqlite else postgresql.insert
        self._add_member = insert(cluster_members).on_conflict_do_nothing(
            index_elements=["brand_id", "cluster_id", "user_id"]
        )

    @contextlib.asynccontextmanager
    async def _begin(self) -> AsyncIterator[AsyncConnection]:
        """A write transaction. On SQLite (one writer at a time) this process's
        directory writes queue here rather than in SQLite's busy-wait backoff."""
        if self._sqlite_writes is None:
            async with self.db.engine.begin() as connection:
                yield connection
            return
        async with self._sqlite_writes, self.db.engine.begin() as connection:
            yield connection

    # -- users ------------------------------------------------------------------

    async def create_user(self, brand_id: str, user: User) -> User:
        now = time.time()
        async with self._begin() as connection:
            try:
                await connection.execute(
                    users.insert(),
                    {
                        "brand_id": brand_id,
                        "id": user.id,
                        "display_name": user.display_name,
                        "email": user.email,
                        "phone_number": user.phone_number,
                        "webhook_url": user.webhook_url,
                        "locale": user.locale,
                        "time_zone": user.time_zone,
                        "created_at": now,
                        "updated_at": now,
                    },
                )
            except sa.exc.IntegrityError as exc:
                raise AlreadyExistsError(f"user {user.id!r} already exists", "USER_EXISTS") from exc
            await self._insert_tokens(connection, brand_id, user.id, user.push_tokens, now)
            return await self._load_user(connection, brand_id, user.id)

    async def get_user(self, brand_id: str, user_id: str) -> User:
        async with self.db.engine.connect() as connection:
            return await self._load_user(connection, brand_id, user_id)

    async def update_user(self, brand_id: str, patch: UserPatch) -> User:
        """Set the patch's fields (push_tokens replaces the whole list)."""
        user = patch.user
        columns = {name: getattr(user, name) for name in patch.fields if name != "push_tokens"}
        if not patch.fields:
            return await self.get_user(brand_id, user.id)
        now = time.time()
        async with self._begin() as connection:
            result = await connection.execute(
                users.update()
                .where(users.c.brand_id == brand_id, users.c.id == user.id)
                .values(**columns, updated_at=now)
            )
            if result.rowcount == 0:
                raise user_not_found(user.id)
            if "push_tokens" in patch.fields:
                await connection.execute(
                    user_push_tokens.delete().where(
                        user_push_tokens.c.brand_id == brand_id,
                        user_push_tokens.c.user_id == user.id,
                    )
                )
                await self._insert_tokens(connection, brand_id, user.id, user.push_tokens, now)
            return await self._load_user(connection, brand_id, user.id)

    async def delete_user(self, brand_id: str, user_id: str) -> None:
        """Its push tokens and cluster memberships go with it (ON DELETE CASCADE), and so
        do its In-App inbox messages: a user created again with the same id starts with
        an empty inbox."""
        async with self._begin() as connection:
            result = await connection.execute(
                users.delete().where(users.c.brand_id == brand_id, users.c.id == user_id)
            )
            if result.rowcount == 0:
                raise user_not_found(user_id)
            await connection.execute(
                inbox_messages.delete().where(
                    inbox_messages.c.brand_id == brand_id, inbox_messages.c.user_id == user_id
                )
            )

    async def list_users(
        self, brand_id: str, limit: int, after: str | None
    ) -> tuple[list[User], str | None]:
        query = sa.select(users.c.id).where(users.c.brand_id == brand_id)
        if after is not None:
            query = query.where(users.c.id > after)
        query = query.order_by(users.c.id).limit(limit + 1)
        async with self.db.engine.connect() as connection:
            ids = list((await connection.execute(query)).scalars())
            more = len(ids) > limit
            ids = ids[:limit]
            found = await self._load_users(connection, brand_id, ids)
        return [found[i] for i in ids if i in found], (ids[-1] if more else None)

    # -- clusters ---------------------------------------------------------------

    async def create_cluster(self, brand_id: str, cluster: Cluster) -> Cluster:
        try:
            async with self._begin() as connection:
                await connection.execute(
                    clusters.insert(),
                    {
                        "brand_id": brand_id,
                        "id": cluster.id,
                        "display_name": cluster.display_name,
                        "created_at": time.time(),
                    },
                )
                return await self._load_cluster(connection, brand_id, cluster.id)
        except sa.exc.IntegrityError as exc:
            raise AlreadyExistsError(
                f"cluster {cluster.id!r} already exists", "CLUSTER_EXISTS"
            ) from exc

    async def get_cluster(self, brand_id: str, cluster_id: str) -> Cluster:
        async with self.db.engine.connect() as connection:
            return await self._load_cluster(connection, brand_id, cluster_id)

    async def delete_cluster(self, brand_id: str, cluster_id: str) -> None:
        """Its memberships go with it; the users stay."""
        async with self._begin() as connection:
            result = await connection.execute(
                clusters.delete().where(
                    clusters.c.brand_id == brand_id, clusters.c.id == cluster_id
                )
            )
            if result.rowcount == 0:
                raise cluster_not_found(cluster_id)

    async def list_clusters(
        self, brand_id: str, limit: int, after: str | None
    ) -> tuple[list[Cluster], str | None]:
        query = sa.select(clusters, _member_count().label("member_count")).where(
            clusters.c.brand_id == brand_id
        )
        if after is not None:
            query = query.where(clusters.c.id > after)
        query = query.order_by(clusters.c.id).limit(limit + 1)
        async with self.db.engine.connect() as connection:
            rows = list(await connection.execute(query))
        more = len(rows) > limit
        page = [_cluster(row) for row in rows[:limit]]
        return page, (page[-1].id if more else None)

    async def add_members(self, brand_id: str, cluster_id: str, user_ids: Sequence[str]) -> Cluster:
        """Add users (already members are left as they are). An unknown cluster or
        user is NOT_FOUND, naming it, and adds nobody."""
        wanted = _unique(user_ids)
        for _ in range(_MISSING_RETRIES):
            try:
                async with self._begin() as connection:
                    if wanted:
                        now = time.time()
                        await connection.execute(
                            self._add_member,
                            [
                                {
                                    "brand_id": brand_id,
                                    "cluster_id": cluster_id,
                                    "user_id": user_id,
                                    "added_at": now,
                                }
                                for user_id in wanted
                            ],
                        )
                    return await self._load_cluster(connection, brand_id, cluster_id)
            except sa.exc.IntegrityError:
                # A foreign key: find what is missing (the insert was rolled back).
                async with self.db.engine.connect() as connection:
                    await self._load_cluster(connection, brand_id, cluster_id)
                    await self._require_users(connection, brand_id, wanted)
                # Everything exists now: it was created meanwhile; try again.
        raise AssertionError("cluster members kept changing")  # pragma: no cover

    async def remove_members(
        self, brand_id: str, cluster_id: str, user_ids: Sequence[str]
    ) -> Cluster:
        """Remove users (those who are not members stay so). An unknown cluster or
        user is NOT_FOUND, naming it, and removes nobody."""
        wanted = _unique(user_ids)
        async with self._begin() as connection:
            for chunk in _chunks(wanted):
                await connection.execute(
                    cluster_members.delete().where(
                        cluster_members.c.brand_id == brand_id,
                        cluster_members.c.cluster_id == cluster_id,
                        cluster_members.c.user_id.in_(chunk),
                    )
                )
            cluster = await self._load_cluster(connection, brand_id, cluster_id)
            await self._require_users(connection, brand_id, wanted)
            return cluster

    async def list_members(
        self, brand_id: str, cluster_id: str, limit: int, after: str | None
    ) -> tuple[list[User], str | None]:
        query = sa.select(cluster_members.c.user_id).where(
            cluster_members.c.brand_id == brand_id, cluster_members.c.cluster_id == cluster_id
        )
        if after is not None:
            query = query.where(cluster_members.c.user_id > after)
        query = query.order_by(cluster_members.c.user_id).limit(limit + 1)
        async with self.db.engine.connect() as connection:
            await self._load_cluster(connection, brand_id, cluster_id)
            ids = list((await connection.execute(query)).scalars())
            more = len(ids) > limit
            ids = ids[:limit]
            found = await self._load_users(connection, brand_id, ids)
        return [found[i] for i in ids if i in found], (ids[-1] if more else None)

    # -- the read API for sends ---------------------------------------------------

    async def contact_points(self, brand_id: str, user_ids: Sequence[str]) -> dict[str, User]:
        """The users among `user_ids` that exist, by id, with every contact point
        (email, phone_number, push_tokens, webhook_url, locale, time_zone). An id
        missing from the answer is not a user of the brand."""
        async with self.db.engine.connect() as connection:
            return await self._load_users(connection, brand_id, _unique(user_ids))

    async def cluster_member_ids(
        self, brand_id: str, cluster_ids: Sequence[str]
    ) -> dict[str, list[str]]:
        """Each existing cluster's member ids (sorted; [] for an empty cluster). A
        cluster id missing from the answer is not a cluster of the brand."""
        wanted = _unique(cluster_ids)
        members: dict[str, list[str]] = {}
        async with self.db.engine.connect() as connection:
            for chunk in _chunks(wanted):
                known = await connection.execute(
                    sa.select(clusters.c.id).where(
                        clusters.c.brand_id == brand_id, clusters.c.id.in_(chunk)
                    )
                )
                for cluster_id in known.scalars():
                    members[cluster_id] = []
                rows = await connection.execute(
                    sa.select(cluster_members.c.cluster_id, cluster_members.c.user_id)
                    .where(
                        cluster_members.c.brand_id == brand_id,
                        cluster_members.c.cluster_id.in_(chunk),
                    )
                    .order_by(cluster_members.c.cluster_id, cluster_members.c.user_id)
                )
                for cluster_id, user_id in rows:
                    members[cluster_id].append(user_id)
        return {c: members[c] for c in wanted if c in members}

    async def remove_push_token(self, token: str) -> int:
        """Delete a push token wherever it is stored (every user, every brand), e.g.
        when the provider says it is unregistered. Returns how many were removed."""
        async with self._begin() as connection:
            result = await connection.execute(
                user_push_tokens.delete().where(user_push_tokens.c.token == token)
            )
            return int(result.rowcount)

    # -- helpers ----------------------------------------------------------------

    async def _insert_tokens(
        self,
        connection: AsyncConnection,
        brand_id: str,
        user_id: str,
        tokens: Sequence[str],
        now: float,
    ) -> None:
        if tokens:
            await connection.execute(
                user_push_tokens.insert(),
                [
                    {
                        "brand_id": brand_id,
                        "user_id": user_id,
                        "token": token,
                        "created_at": now + index * TOKEN_ORDER_STEP,
                    }
                    for index, token in enumerate(tokens)
                ],
            )

    async def _load_users(
        self, connection: AsyncConnection, brand_id: str, user_ids: Sequence[str]
    ) -> dict[str, User]:
        rows: dict[str, Any] = {}
        tokens: dict[str, list[str]] = {}
        for chunk in _chunks(user_ids):
            found = await connection.execute(
                sa.select(users).where(users.c.brand_id == brand_id, users.c.id.in_(chunk))
            )
            rows.update((row.id, row) for row in found)
            pushes = await connection.execute(
                sa.select(user_push_tokens.c.user_id, user_push_tokens.c.token)
                .where(
                    user_push_tokens.c.brand_id == brand_id,
                    user_push_tokens.c.user_id.in_(chunk),
                )
                .order_by(user_push_tokens.c.created_at, user_push_tokens.c.token)
            )
            for user_id, token in pushes:
                tokens.setdefault(user_id, []).append(token)
        return {
            user_id: User(
                id=row.id,
                display_name=row.display_name,
                email=row.email,
                phone_number=row.phone_number,
                push_tokens=tuple(tokens.get(user_id, ())),
                webhook_url=row.webhook_url,
                locale=row.locale,
                time_zone=row.time_zone,
                brand_id=row.brand_id,
                created_at=row.created_at,
                updated_at=row.updated_at,
            )
            for user_id, row in rows.items()
        }

    async def _load_user(self, connection: AsyncConnection, brand_id: str, user_id: str) -> User:
        found = await self._load_users(connection, brand_id, [user_id])
        if user_id not in found:
            raise user_not_found(user_id)
        return found[user_id]

    async def _load_cluster(
        self, connection: AsyncConnection, brand_id: str, cluster_id: str
    ) -> Cluster:
        row = (
            await connection.execute(
                sa.select(clusters, _member_count().label("member_count")).where(
                    clusters.c.brand_id == brand_id, clusters.c.id == cluster_id
                )
            )
        ).first()
        if row is None:
            raise cluster_not_found(cluster_id)
        return _cluster(row)

    async def _require_users(
        self, connection: AsyncConnection, brand_id: str, user_ids: Sequence[str]
    ) -> None:
        """NOT_FOUND for the first of `user_ids` that is not a user of the brand."""
        known: set[str] = set()
        for chunk in _chunks(user_ids):
            result = await connection.execute(
                sa.select(users.c.id).where(users.c.brand_id == brand_id, users.c.id.in_(chunk))
            )
            known.update(result.scalars())
        for user_id in user_ids:
            if user_id not in known:
                raise user_not_found(user_id)
