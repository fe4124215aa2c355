"""Bearer JWTs: verified with PyJWT against an HS256 shared secret
(HERALD_JWT_SECRET, or one generated into the data directory) and/or the RS256
and ES256 public keys of a JWKS file (HERALD_JWT_JWKS_FILE).

Claims Herald reads:

| claim | meaning |
| --- | --- |
| `sub` | who is calling (required); the caller is `jwt:<sub>` |
| `scope` | space-separated scopes (OAuth 2.0 style), e.g. `send_notifications read_notifications` |
| `roles` | a list of role names (or a space-separated string): `admin`, `manager`, `creator`, ... |
| `brand` | the brand (tenant) the caller acts for; absent or "" = not bound to a brand |
| `iss`, `aud` | must equal HERALD_JWT_ISSUER and HERALD_JWT_AUDIENCE |
| `exp` | required; `nbf` checked when present (both with HERALD_JWT_LEEWAY_SECONDS of skew) |
"""

from __future__ import annotations

import json
import os
import re
import secrets
import time
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import jwt
import structlog

from herald.config import (
    ConfigError,
    Settings,
    data_dir_error,
    read_regular_file,
    read_secret_file,
    writable_data_dir,
)

log = structlog.get_logger("herald.auth")

SECRET_FILE = "jwt-secret"
MIN_SECRET_LENGTH = 32
MAX_TOKEN_LENGTH = 8192
MAX_SUBJECT_LENGTH = 128
MAX_BRAND_LENGTH = 200  # the brand_id columns
ASYMMETRIC = ("RS256", "ES256")
_BRAND = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")


class InvalidToken(Exception):
    """The token is not one this server accepts; `reason` is the ErrorInfo reason."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message


def secret_path(settings: Settings) -> Path:
    return Path(settings.data_dir) / SECRET_FILE


def jwt_secret(settings: Settings, *, generate: bool = True) -> str:
    """HERALD_JWT_SECRET; else, unless a JWKS file is configured, the secret kept
    in the data directory (generated on first use, mode 0600). "" = no HS256."""
    if settings.jwt_secret:
        if len(settings.jwt_secret) < MIN_SECRET_LENGTH:
            raise ConfigError(f"HERALD_JWT_SECRET must be at least {MIN_SECRET_LENGTH} characters")
        return settings.jwt_secret
    if settings.jwt_jwks_file is not None:
        return ""
    path = secret_path(settings)
    if not path.exists():
        if not generate:
            return ""
        writable_data_dir(path.parent)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another process made it first
        except OSError as exc:
            raise data_dir_error(path.parent, exc) from exc
        else:
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_urlsafe(48) + "\n")
            log.warning("jwt_secret_generated", path=str(path))
    return read_secret_file(path, "the JWT secret", "HERALD_JWT_SECRET").strip()


def load_jwks(path: Path) -> dict[str, jwt.PyJWK]:
    """The JWKS file's RS256/ES256 signing keys by key id ("" for a key without one)."""
    try:
        document = json.loads(read_regular_file(path))
        keys = jwt.PyJWKSet.from_dict(document).keys
    except OSError as exc:
        raise ConfigError(f"HERALD_JWT_JWKS_FILE: cannot read {path}: {exc.strerror}") from exc
    except (ValueError, jwt.PyJWKError, jwt.PyJWKSetError) as exc:
        raise ConfigError(f"HERALD_JWT_JWKS_FILE: {exc}") from exc
    found: dict[str, jwt.PyJWK] = {}
    for key in keys:
        if key.algorithm_name not in ASYMMETRIC:
            raise ConfigError(
                f"HERALD_JWT_JWKS_FILE: key {key.key_id!r} is {key.algorithm_name}; "
                f"only {', '.join(ASYMMETRIC)} public keys are accepted"
            )
        if getattr(key.key, "private_numbers", None) is not None:
            raise ConfigError(
                f"HERALD_JWT_JWKS_FILE: key {key.key_id!r} is a private key; give public keys"
            )
        found[key.key_id or ""] = key
    if not found:
        raise ConfigError("HERALD_JWT_JWKS_FILE: no keys")
    return found


def _names(value: Any) -> list[str]:
    if isinstance(value, str):
        return value.split()
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return list(value)
    raise InvalidToken("TOKEN_INVALID", "scope and roles must be strings or lists of strings")


class Verified:
    """A credential's claims: `jwt:<sub>` or `apikey:<id>`, its own scopes, roles, brand."""

    __slots__ = ("brand_id", "expires_at", "roles", "scopes", "subject")

    def __init__(
        self,
        subject: str,
        scopes: frozenset[str],
        roles: frozenset[str],
        brand_id: str,
        expires_at: float = float("inf"),
    ) -> None:
        self.subject = subject
        self.scopes = scopes
        self.roles = roles
        self.brand_id = brand_id
        self.expires_at = expires_at


class JwtVerifier:
    def __init__(
        self,
        secret: str,
        jwks: Mapping[str, jwt.PyJWK],
        issuer: str,
        audience: str,
        leeway: float,
    ) -> None:
        self.secret = secret
        self.jwks = dict(jwks)
        self.issuer = issuer
        self.audience = audience
        self.leeway = leeway

    @classmethod
    def from_settings(cls, settings: Settings) -> JwtVerifier:
        jwks = load_jwks(settings.jwt_jwks_file) if settings.jwt_jwks_file else {}
        secret = jwt_secret(settings)
        if secret:
            log.info(
                "jwt_hs256",
                source=("HERALD_JWT_SECRET" if settings.jwt_secret else str(secret_path(settings))),
            )
        return cls(
            secret,
            jwks,
            settings.jwt_issuer,
            settings.jwt_audience,
            settings.jwt_leeway_seconds,
        )

    def _key(self, token: str) -> tuple[Any, str]:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.InvalidTokenError as exc:
            raise InvalidToken("TOKEN_INVALID", "the bearer token is not a JWT") from exc
        algorithm = header.get("alg")
        if algorithm == "HS256" and self.secret:
            return self.secret, "HS256"
        if algorithm in ASYMMETRIC and self.jwks:
            kid = header.get("kid")
            key = self.jwks.get(kid if isinstance(kid, str) else "")
            if key is None and kid is None and len(self.jwks) == 1:
                key = next(iter(self.jwks.values()))
            if key is not None and key.algorithm_name == algorithm:
                return key.key, algorithm
            raise InvalidToken("TOKEN_INVALID", "the token's key is not in the JWKS file")
        raise InvalidToken("TOKEN_INVALID", f"tokens signed with {algorithm!r} are not accepted")

    def verify(self, token: str) -> Verified:
        if len(token) > MAX_TOKEN_LENGTH:
            raise InvalidToken("TOKEN_INVALID", "the bearer token is too long")
        key, algorithm = self._key(token)
        try:
            claims = jwt.decode(
                token,
                key,
                algorithms=[algorithm],
                audience=self.audience or None,
                issuer=self.issuer or None,
                leeway=self.leeway,
                options={"require": ["exp", "sub"], "verify_aud": bool(self.audience)},
            )
        except jwt.ExpiredSignatureError as exc:
            raise InvalidToken("TOKEN_EXPIRED", "the bearer token has expired") from exc
        except jwt.ImmatureSignatureError as exc:
            raise InvalidToken("TOKEN_NOT_YET_VALID", "the bearer token is not valid yet") from exc
        except jwt.InvalidTokenError as exc:
            # Bad signature, issuer, audience, a missing claim: one answer, no details.
            raise InvalidToken("TOKEN_INVALID", "the bearer token is not valid") from exc
        subject = claims.get("sub")
        if not isinstance(subject, str) or not 0 < len(subject) <= MAX_SUBJECT_LENGTH:
            raise InvalidToken("TOKEN_INVALID", "sub must be 1 to 128 characters")
        # Absent (or null) is the default brand; any other non-string (false, 0, []) is
        # refused, not taken for it.
        brand = claims.get("brand")
        brand = "" if brand is None else brand
        if not isinstance(brand, str) or (
            brand and not (len(brand) <= MAX_BRAND_LENGTH and _BRAND.fullmatch(brand))
        ):
            raise InvalidToken("TOKEN_INVALID", "brand is not a brand id")
        return Verified(
            f"jwt:{subject}",
            frozenset(_names(claims.get("scope", ""))),
            frozenset(_names(claims.get("roles", []))),
            brand,
            float(claims["exp"]),
        )


def mint(
    secret: str,
    subject: str,
    *,
    scopes: Iterable[str] = (),
    roles: Iterable[str] = (),
    brand: str = "",
    ttl: float = 3600.0,
    issuer: str = "herald",
    audience: str = "herald",
    now: float | None = None,
) -> str:
    """An HS256 token (development credentials: `herald token`, tests)."""
    issued = int(time.time() if now is None else now)
    claims: dict[str, Any] = {"sub": subject, "iat": issued, "exp": issued + int(ttl)}
    if issuer:
        claims["iss"] = issuer
    if audience:
        claims["aud"] = audience
    if scopes := " ".join(scopes):
        claims["scope"] = scopes
    if roles := list(roles):
        claims["roles"] = roles
    if brand:
        claims["brand"] = brand
    return jwt.encode(claims, secret, algorithm="HS256")
