"""JWT verification (HS256 secret, RS256/ES256 from a JWKS file), roles to
scopes, and the API key format, without a server."""

from __future__ import annotations

import json
import time
from pathlib import Path

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from herald.auth.api_keys import _KEY, new_key
from herald.auth.roles import RoleMap, RoleScopesError, parse_role_scopes, unknown_role
from herald.auth.scopes import declared_scopes, is_open, required_scope
from herald.auth.tokens import InvalidToken, JwtVerifier, jwt_secret, load_jwks, mint
from herald.config import ConfigError, Settings

SECRET = "unit-test-secret-unit-test-secret-0123456789"


def verifier(secret: str = SECRET, jwks: dict[str, jwt.PyJWK] | None = None) -> JwtVerifier:
    return JwtVerifier(secret, jwks or {}, "herald", "herald", 30.0)


def claims(**extra: object) -> dict[str, object]:
    now = int(time.time())
    return {"sub": "svc", "iss": "herald", "aud": "herald", "exp": now + 60, **extra}


def test_hs256_claims_become_the_caller() -> None:
    token = mint(SECRET, "alice", scopes=["send_notifications"], roles=["creator"], brand="acme")
    verified = verifier().verify(token)
    assert verified.subject == "jwt:alice"
    assert verified.scopes == {"send_notifications"}
    assert verified.roles == {"creator"}
    assert verified.brand_id == "acme"


@pytest.mark.parametrize(
    ("bad", "reason"),
    [
        ({"exp": -120}, "TOKEN_EXPIRED"),  # times relative to now
        ({"nbf": 120}, "TOKEN_NOT_YET_VALID"),
        ({"iss": "someone-else"}, "TOKEN_INVALID"),
        ({"aud": "another-service"}, "TOKEN_INVALID"),
        ({"sub": ""}, "TOKEN_INVALID"),
        ({"brand": "../etc"}, "TOKEN_INVALID"),
        # Not a brand, and not to be read as the default brand either.
        ({"brand": False}, "TOKEN_INVALID"),
        ({"brand": 0}, "TOKEN_INVALID"),
        ({"brand": []}, "TOKEN_INVALID"),
        ({"scope": 7}, "TOKEN_INVALID"),
    ],
)
def test_bad_claims_are_refused(bad: dict[str, object], reason: str) -> None:
    now = int(time.time())
    bad = {k: now + v if k in ("exp", "nbf") else v for k, v in bad.items()}  # type: ignore[operator]
    token = jwt.encode(claims(**bad), SECRET, algorithm="HS256")
    with pytest.raises(InvalidToken) as caught:
        verifier().verify(token)
    assert caught.value.reason == reason


def test_a_little_clock_skew_is_allowed() -> None:
    token = jwt.encode(claims(exp=int(time.time()) - 5), SECRET, algorithm="HS256")
    assert verifier().verify(token).subject == "jwt:svc"


def test_missing_exp_and_wrong_secret_and_alg_none_are_refused() -> None:
    no_exp = claims()
    del no_exp["exp"]
    for token in (
        jwt.encode(no_exp, SECRET, algorithm="HS256"),
        jwt.encode(claims(), "another-secret-another-secret-0123456789", algorithm="HS256"),
        jwt.encode(claims(), None, algorithm="none"),
        "not a token",
    ):
        with pytest.raises(InvalidToken):
            verifier().verify(token)


def _jwks(tmp_path: Path) -> tuple[Path, rsa.RSAPrivateKey, ec.EllipticCurvePrivateKey]:
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ec_key = ec.generate_private_key(ec.SECP256R1())
    keys = []
    for kid, key, alg in (("r1", rsa_key, "RS256"), ("e1", ec_key, "ES256")):
        algorithm = jwt.get_algorithm_by_name(alg)
        jwk = json.loads(algorithm.to_jwk(key.public_key()))  # type: ignore[attr-defined]
        keys.append({**jwk, "kid": kid, "alg": alg, "use": "sig"})
    path = tmp_path / "jwks.json"
    path.write_text(json.dumps({"keys": keys}))
    return path, rsa_key, ec_key


def test_rs256_and_es256_from_a_jwks_file(tmp_path: Path) -> None:
    path, rsa_key, ec_key = _jwks(tmp_path)
    check = verifier(secret="", jwks=load_jwks(path))
    rs = jwt.encode(claims(sub="r"), rsa_key, algorithm="RS256", headers={"kid": "r1"})
    es = jwt.encode(claims(sub="e"), ec_key, algorithm="ES256", headers={"kid": "e1"})
    assert check.verify(rs).subject == "jwt:r"
    assert check.verify(es).subject == "jwt:e"
    # A key id that is not in the file, a key used under another's id.
    for token in (
        jwt.encode(claims(), rsa_key, algorithm="RS256", headers={"kid": "nope"}),
        jwt.encode(claims(), rsa_key, algorithm="RS256", headers={"kid": "e1"}),
    ):
        with pytest.raises(InvalidToken):
            check.verify(token)
    # Algorithm confusion: with no shared secret configured, no HS256 token is
    # accepted, whatever it was signed with (the public key included).
    public_pem = rsa_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    forged = jwt.api_jws.PyJWS().encode(
        json.dumps(claims()).encode(), public_pem[:64], algorithm="HS256"
    )
    with pytest.raises(InvalidToken):
        check.verify(forged)


def test_a_private_key_in_the_jwks_file_is_a_configuration_error(tmp_path: Path) -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    jwk = json.loads(jwt.get_algorithm_by_name("RS256").to_jwk(key))  # type: ignore[attr-defined]
    path = tmp_path / "jwks.json"
    path.write_text(json.dumps({"keys": [{**jwk, "kid": "k", "alg": "RS256"}]}))
    with pytest.raises(ConfigError):
        load_jwks(path)


def test_the_secret_is_generated_once_into_the_data_dir(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    first = jwt_secret(settings)
    assert len(first) >= 32 and jwt_secret(settings) == first
    assert (tmp_path / "jwt-secret").stat().st_mode & 0o777 == 0o600
    with pytest.raises(ConfigError):
        jwt_secret(Settings(data_dir=tmp_path, jwt_secret="short"))


def test_roles_grant_scopes_and_can_be_overridden() -> None:
    roles = RoleMap()
    assert roles.scopes([], ["admin"]) == declared_scopes()
    for role in ("admin", "manager", "creator"):  # seed 003
        assert "send_notifications" in roles.scopes([], [role])
    assert "send_messages" not in roles.scopes([], ["manager", "creator", "unknown"])
    custom = RoleMap(parse_role_scopes("creator=read_templates;auditor=read_campaigns, read_inbox"))
    assert custom.scopes([], ["creator"]) == {"read_templates"}
    assert custom.scopes(["own"], ["auditor"]) == {"own", "read_campaigns", "read_inbox"}
    for bad in ("creator", "Bad=x", "r=send-messages"):
        with pytest.raises(RoleScopesError):
            parse_role_scopes(bad)


@pytest.mark.parametrize(
    ("raw", "misspelt"),
    [
        ("manager=send_notification", "send_notification"),
        ("auditor=read_campaigns x", "x"),
        ("ops=* send_mesages", "send_mesages"),
    ],
)
def test_a_scope_no_rpc_requires_is_refused_naming_it(raw: str, misspelt: str) -> None:
    # `manager=send_notification` started, and a manager's SendNotification was then
    # PERMISSION_DENIED: the misspelt scope granted nothing.
    with pytest.raises(RoleScopesError, match=f"HERALD_ROLE_SCOPES: .*unknown scope '{misspelt}'"):
        parse_role_scopes(raw)


def test_scopes_come_from_the_contract() -> None:
    assert required_scope("/herald.v1.DeliveryService/SendMessage") == "send_messages"
    assert required_scope("/herald.v1.DeliveryService/SendNotification") == "send_notifications"
    assert required_scope("/herald.v1.Nope/Nothing") == ""
    assert is_open("/grpc.health.v1.Health/Check")
    assert not is_open("/herald.v1.DeliveryService/SendMessage")


def test_api_key_format() -> None:
    created = new_key("ci", ["read_directory"], ["creator"], "acme")
    assert _KEY.fullmatch(created.key)
    assert created.key.split("_")[1] == created.id
    assert created.key not in json.dumps(created.row, default=str)


def test_a_client_certificates_role_that_is_not_defined_is_named() -> None:
    # `ops=role:admins` started, and every call of that client was then refused.
    roles = parse_role_scopes("auditor=read_campaigns")
    assert unknown_role("ops", {"admin", "auditor"}, roles) == ""
    assert unknown_role("ops", {"admins", "auditor"}, roles) == (
        "ops: unknown role 'admins' (the roles are admin, auditor, creator, manager; "
        "HERALD_ROLE_SCOPES defines more)"
    )
