"""`herald token` and `herald apikey`: development credentials.

`herald token` signs an HS256 JWT with the secret the server verifies with
(HERALD_JWT_SECRET, else the one in the data directory, generated if missing),
with HERALD_JWT_ISSUER and HERALD_JWT_AUDIENCE. `herald apikey` manages API keys
in the configured database; a new key is printed once, on stdout, alone.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import re
import sys
from collections.abc import Iterable

from herald.auth.api_keys import new_key
from herald.auth.roles import RoleScopesError, parse_role_scopes, unknown_scopes
from herald.auth.tokens import MAX_SUBJECT_LENGTH, jwt_secret, mint
from herald.config import ConfigError, Settings
from herald.store.api_keys import ApiKeyStore
from herald.store.startup import open_database, prepare

_BRAND = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,199}")


def _split(values: Iterable[str]) -> list[str]:
    return [name for value in values for name in value.replace(",", " ").split()]


def _grants(args: argparse.Namespace, settings: Settings) -> tuple[list[str], list[str]] | None:
    scopes, roles = _split(args.scope), _split(args.role)
    if not scopes and not roles:
        print("herald: give at least one --role or --scope", file=sys.stderr)
        return None
    if problem := unknown_scopes(scopes):
        # A misspelt scope would grant nothing and every call it was meant for be refused.
        print(f"herald: --scope: {problem}", file=sys.stderr)
        return None
    if args.brand and not _BRAND.fullmatch(args.brand):
        print(f"herald: {args.brand!r} is not a brand id", file=sys.stderr)
        return None
    try:
        known = parse_role_scopes(settings.role_scopes)
    except RoleScopesError as exc:
        raise ConfigError(str(exc)) from exc
    for role in roles:
        if role not in known:
            print(f"herald: warning: role {role!r} grants nothing here", file=sys.stderr)
    return scopes, roles


def token(args: argparse.Namespace, settings: Settings) -> int:
    grants = _grants(args, settings)
    if grants is None:
        return 2
    if not 0 < len(args.sub) <= MAX_SUBJECT_LENGTH:
        print(f"herald: --sub must be 1 to {MAX_SUBJECT_LENGTH} characters", file=sys.stderr)
        return 2
    secret = jwt_secret(settings)
    if not secret:
        raise ConfigError(
            "herald token signs with HS256: set HERALD_JWT_SECRET (a JWKS file is configured)"
        )
    print(
        mint(
            secret,
            args.sub,
            scopes=grants[0],
            roles=grants[1],
            brand=args.brand,
            ttl=args.ttl,
            issuer=settings.jwt_issuer,
            audience=settings.jwt_audience,
        )
    )
    return 0


async def _apikey(args: argparse.Namespace, settings: Settings) -> int:
    db = open_database(settings)
    await prepare(db, migrate=settings.migrate_on_start)
    try:
        store = ApiKeyStore(db)
        if args.apikey_command == "create":
            grants = _grants(args, settings)
            if grants is None:
                return 2
            created = new_key(args.name, grants[0], grants[1], args.brand)
            await store.create(created.row)
            print(
                f"created API key {created.id} (shown once; send it as "
                "`authorization: Bearer <key>`)",
                file=sys.stderr,
            )
            print(created.key)
            return 0
        if args.apikey_command == "list":
            for row in await store.list():
                created_at = dt.datetime.fromtimestamp(row.created_at, dt.UTC)
                state = "active"
                if row.revoked_at is not None:
                    revoked = dt.datetime.fromtimestamp(row.revoked_at, dt.UTC)
                    state = f"revoked {revoked:%Y-%m-%dT%H:%M:%SZ}"
                print(
                    "\t".join(
                        [
                            row.id,
                            row.name or "-",
                            f"brand={row.brand_id or '-'}",
                            f"scopes={row.scopes or '-'}",
                            f"roles={row.roles or '-'}",
                            f"created {created_at:%Y-%m-%dT%H:%M:%SZ}",
                            state,
                        ]
                    )
                )
            return 0
        if await store.revoke(args.id):
            print(f"revoked API key {args.id}", file=sys.stderr)
            return 0
        print(f"herald: no active API key {args.id!r}", file=sys.stderr)
        return 1
    finally:
        await db.close()


def run(args: argparse.Namespace, settings: Settings) -> int:
    if args.command == "token":
        return token(args, settings)
    return asyncio.run(_apikey(args, settings))
