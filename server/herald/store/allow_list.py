"""What the allow-list needs from the directory: the calling user's contact
points and ids, and those of every member of the clusters the caller is in."""

from __future__ import annotations

from collections.abc import Mapping

import sqlalchemy as sa

from herald.auth.caller import Caller
from herald.core.allow_list import AllowList, AllowRule, Known, rule_for
from herald.core.notification import AllowEveryone, RecipientPolicy
from herald.store.database import Database
from herald.store.schema import cluster_members, user_push_tokens, users


class AllowListSource:
    def __init__(self, db: Database, rules: Mapping[str, AllowRule], apply_to_admins: bool) -> None:
        self.db = db
        self.rules = dict(rules)
        self.apply_to_admins = apply_to_admins

    async def prepare(self, caller: Caller) -> RecipientPolicy:
        rule = rule_for(self.rules, caller.brand_id)
        if rule is None or not rule.enabled or (caller.is_admin and not self.apply_to_admins):
            return AllowEveryone()
        # The caller is the directory user named by the token's subject ("jwt:<sub>").
        kind, _, user_id = caller.subject.partition(":")
        known = Known()
        if kind == "jwt" and user_id:
            known = await self._addresses(caller.brand_id, user_id)
        return AllowList(known, rule.domains)

    async def _addresses(self, brand_id: str, user_id: str) -> Known:
        groups = (
            sa.select(cluster_members.c.cluster_id)
            .where(cluster_members.c.brand_id == brand_id, cluster_members.c.user_id == user_id)
            .scalar_subquery()
        )
        people = (
            sa.select(cluster_members.c.user_id)
            .where(cluster_members.c.brand_id == brand_id, cluster_members.c.cluster_id.in_(groups))
            .scalar_subquery()
        )
        everyone = sa.or_(users.c.id == user_id, users.c.id.in_(people))
        async with self.db.engine.connect() as connection:
            rows = await connection.execute(
                sa.select(users.c.id, users.c.email, users.c.phone_number, users.c.webhook_url)
                .where(users.c.brand_id == brand_id)
                .where(everyone)
            )
            ids: set[str] = set()
            emails: set[str] = set()
            phone_numbers: set[str] = set()
            webhook_urls: set[str] = set()
            for row in rows:
                ids.add(row.id)
                if row.email:
                    emails.add(row.email.strip().lower())
                if row.phone_number:
                    phone_numbers.add(row.phone_number)
                if row.webhook_url:
                    webhook_urls.add(row.webhook_url)
            push_tokens: set[str] = set()
            if ids:
                tokens = await connection.execute(
                    sa.select(user_push_tokens.c.token).where(
                        user_push_tokens.c.brand_id == brand_id,
                        user_push_tokens.c.user_id.in_(ids),
                    )
                )
                push_tokens.update(t for (t,) in tokens)
        return Known(
            user_ids=frozenset(ids),
            emails=frozenset(emails),
            phone_numbers=frozenset(phone_numbers),
            webhook_urls=frozenset(webhook_urls),
            push_tokens=frozenset(push_tokens),
        )
