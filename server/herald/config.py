"""Configuration from HERALD_* environment variables, with documented defaults.

Every setting is listed in README.md's configuration table; keep the two in step.
"""

from __future__ import annotations

import errno
import ipaddress
import math
import os
import re
import stat
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.errors import HeaderParseError
from email.headerregistry import Address
from email.utils import getaddresses
from pathlib import Path
from urllib.parse import urlsplit

from herald.core.allow_list import AllowListSyntaxError, AllowRule, parse_allow_list


class ConfigError(ValueError):
    """A HERALD_* variable has a value Herald cannot use."""


def _get(env: Mapping[str, str], name: str, default: str) -> str:
    return env.get(name, default).strip()


# gRPC takes its options as C ints: HERALD_MAX_MESSAGE_BYTES=2**31 was an OverflowError
# traceback at start. No count or size Herald reads needs more, so every one stops here.
INT_MAX = 2**31 - 1


def _int(env: Mapping[str, str], name: str, default: int, minimum: int = 0) -> int:
    raw = _get(env, name, str(default))
    try:
        value = int(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be an integer, got {raw!r}") from exc
    if value < minimum:
        raise ConfigError(f"{name} must be >= {minimum}, got {value}")
    if value > INT_MAX:
        raise ConfigError(f"{name} must be <= {INT_MAX}, got {value}")
    return value


def _finite(text: str) -> float:
    """float(text), but a ValueError for nan and inf: no bound or rate can be either
    (nan passes every `<` check, and an infinite wait never ends)."""
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"{text!r} is not a finite number")
    return value


def _float(
    env: Mapping[str, str],
    name: str,
    default: float,
    minimum: float = 0.0,
    below: float | None = None,
) -> float:
    raw = _get(env, name, str(default))
    try:
        value = _finite(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be a finite number, got {raw!r}") from exc
    if value < minimum:
        raise ConfigError(f"{name} must be >= {minimum}, got {value}")
    if below is not None and value >= below:
        raise ConfigError(f"{name} must be < {below}, got {value}")
    return value


LOG_LEVELS = ("debug", "info", "warning", "error")


def _log_level(env: Mapping[str, str], name: str, default: str) -> str:
    value = _get(env, name, default).lower()
    if value not in LOG_LEVELS:
        raise ConfigError(f"{name} must be one of {', '.join(LOG_LEVELS)}, got {value!r}")
    return value


def _bool(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = _get(env, name, "true" if default else "false").lower()
    if raw in ("1", "true", "yes", "on"):
        return True
    if raw in ("0", "false", "no", "off"):
        return False
    raise ConfigError(f"{name} must be true or false, got {raw!r}")


def _mailbox(env: Mapping[str, str], name: str, default: str) -> str:
    """One address, bare or with a display name (`Herald <herald@example.com>`); "" only
    when that is the default (no Reply-To). The email channel sends MAIL FROM with the
    address alone: one it cannot split out was a traceback at start ("" an IndexError),
    and a Reply-To went out as the raw text."""
    value = _get(env, name, default)
    if not value and not default:
        return ""
    addresses = getaddresses([value])
    problem = ""
    if "\r" in value or "\n" in value:
        problem = "it has a line break"
    elif len(addresses) != 1 or not addresses[0][1]:
        problem = "it is not one address"
    else:
        try:
            Address(addr_spec=addresses[0][1])
        except (ValueError, IndexError, HeaderParseError) as exc:  # defects are ValueErrors
            problem = str(exc) or type(exc).__name__
    if problem:
        raise ConfigError(
            f"{name} must be an email address such as Herald <herald@example.com>, "
            f"got {value!r}: {problem}"
        )
    return value


def _base_url(env: Mapping[str, str], name: str) -> str:
    """An absolute http(s) URL, or empty for the provider's own: anything else started,
    and every message then failed (InvalidUrlClientError, PROVIDER_ERROR)."""
    value = _get(env, name, "")
    if not value:
        return ""
    try:
        parts = urlsplit(value)
        usable = parts.scheme in ("http", "https") and bool(parts.hostname)
        usable = usable and (parts.port is None or parts.port >= 0)  # ValueError: not a port
    except ValueError:
        usable = False
    if not usable or any(c.isspace() or not c.isprintable() for c in value):
        shown = repr(value) if "@" not in value else "a value with '@' (not shown)"
        raise ConfigError(f"{name} must be an http:// or https:// URL, got {shown}")
    return value


def _allow_list(env: Mapping[str, str], name: str) -> dict[str, AllowRule]:
    try:
        return parse_allow_list(_get(env, name, ""))
    except AllowListSyntaxError as exc:
        raise ConfigError(f"{name}: {exc}") from exc


def _list(env: Mapping[str, str], name: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in _get(env, name, "").split(",") if part.strip())


def _networks(
    env: Mapping[str, str], name: str
) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    try:
        return tuple(ipaddress.ip_network(cidr, strict=False) for cidr in _list(env, name))
    except ValueError as exc:
        raise ConfigError(f"{name}: {exc}") from exc


def _per_channel(env: Mapping[str, str], name: str) -> dict[str, str]:
    """`email=5/s,sms=10/s:20` -> {"email": "5/s", "sms": "10/s:20"}."""
    found: dict[str, str] = {}
    for part in _list(env, name):
        channel, sep, value = part.partition("=")
        channel = channel.strip().lower()
        if not sep or channel not in CHANNEL_NAMES:
            raise ConfigError(f"{name}: expected channel=value with a channel of {CHANNEL_NAMES}")
        found[channel] = value.strip()
    return found


_UNITS = {"s": 1.0, "m": 60.0, "h": 3600.0}


def _rates(env: Mapping[str, str], name: str) -> dict[str, tuple[float, float]]:
    """`sms=10/s:20` -> {"sms": (10.0 per second, burst 20.0)}; burst defaults to max(1, rate/s)."""
    rates: dict[str, tuple[float, float]] = {}
    for channel, value in _per_channel(env, name).items():
        rate_part, _, burst_part = value.partition(":")
        count, _, unit = rate_part.partition("/")
        try:
            per_second = _finite(count) / _UNITS[unit.strip() or "s"]
            burst = _finite(burst_part) if burst_part else max(1.0, per_second)
        except (KeyError, ValueError) as exc:
            raise ConfigError(
                f"{name}: {channel}={value!r} is not N/s, N/m or N/h[:burst]"
            ) from exc
        if per_second <= 0 or burst < 1:
            raise ConfigError(f"{name}: {channel} needs a positive rate and a burst >= 1")
        rates[channel] = (per_second, burst)
    return rates


def _caller_rate(env: Mapping[str, str], name: str) -> tuple[float, float] | None:
    """`100/s:200` -> (100.0 per second, burst 200.0); "" or "off" -> None."""
    value = _get(env, name, "")
    if value.lower() in ("", "off", "0"):
        return None
    rate_part, _, burst_part = value.partition(":")
    count, _, unit = rate_part.partition("/")
    try:
        per_second = _finite(count) / _UNITS[unit.strip() or "s"]
        burst = _finite(burst_part) if burst_part else max(1.0, per_second)
    except (KeyError, ValueError) as exc:
        raise ConfigError(f"{name}: {value!r} is not N/s, N/m or N/h[:burst]") from exc
    if per_second <= 0 or burst < 1:
        raise ConfigError(f"{name}: needs a positive rate and a burst >= 1")
    return (per_second, burst)


def _concurrency(env: Mapping[str, str], name: str) -> dict[str, int]:
    limits: dict[str, int] = {}
    for channel, value in _per_channel(env, name).items():
        if not (value.isascii() and value.isdigit()) or not 1 <= int(value) <= INT_MAX:
            raise ConfigError(
                f"{name}: {channel}={value!r} must be a whole number from 1 to {INT_MAX}"
            )
        limits[channel] = int(value)
    return limits


# HERALD_TLS_IDENTITIES: `identity=grant+grant[@brand]`, entries separated by `;` (or newlines).
_SCOPE = re.compile(r"[a-z][a-z0-9_]*")
_BRAND = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")
_IDENTITY_FORBIDDEN = re.compile(r"[\s=;+,]")


@dataclass(frozen=True)
class TlsIdentity:
    """What a client certificate naming `identity` may do (HERALD_TLS_IDENTITIES)."""

    identity: str  # a certificate's subject common name or one of its subject alternative names
    scopes: frozenset[str] = frozenset()
    roles: frozenset[str] = frozenset()
    brand_id: str = ""  # "" = not bound to a brand


def parse_tls_identities(raw: str, name: str = "HERALD_TLS_IDENTITIES") -> dict[str, TlsIdentity]:
    """`billing-service=send_notifications+read_notifications@brand-a;ops=role:admin`
    -> {"billing-service": TlsIdentity(scopes={...}, brand_id="brand-a"), "ops": ...}.

    Each entry is `identity=grants[@brand]`: the identity is a certificate's common name or
    one of its subject alternative names (DNS name, URI, email, IP) exactly as written there;
    grants are `+`-separated scopes (`send_messages`) and roles (`role:admin`); `@brand` binds
    the caller to a brand. Anything else is a ConfigError naming the entry."""
    found: dict[str, TlsIdentity] = {}
    for entry in (e.strip() for e in re.split(r"[;\n]", raw)):
        if not entry:
            continue
        identity, sep, rest = entry.partition("=")
        identity = identity.strip()
        if not sep or not identity or _IDENTITY_FORBIDDEN.search(identity):
            raise ConfigError(
                f"{name}: {entry!r} is not identity=grant+grant[@brand] "
                "(an identity has no spaces, '=', ';', '+' or ',')"
            )
        if identity in found:
            raise ConfigError(f"{name}: {identity!r} is listed twice")
        grants, at, brand = rest.partition("@")
        brand = brand.strip()
        if at and not _BRAND.fullmatch(brand):
            raise ConfigError(f"{name}: {identity}: brand {brand!r} is not a brand id")
        scopes: set[str] = set()
        roles: set[str] = set()
        for grant in (g.strip() for g in grants.split("+")):
            kind, colon, value = grant.partition(":")
            if colon and kind == "role" and _SCOPE.fullmatch(value):
                roles.add(value)
            elif not colon and _SCOPE.fullmatch(grant):
                scopes.add(grant)
            else:
                raise ConfigError(
                    f"{name}: {identity}: {grant!r} is neither a scope (send_messages) "
                    "nor a role (role:admin)"
                )
        unknown = _unknown_scopes(scopes)
        if unknown:
            raise ConfigError(f"{name}: {identity}: {unknown}")
        found[identity] = TlsIdentity(identity, frozenset(scopes), frozenset(roles), brand)
    return found


def _unknown_scopes(scopes: set[str]) -> str:
    if not scopes:
        return ""
    # Imported here: the scopes come from the generated protobuf modules, which
    # commands that never read HERALD_TLS_IDENTITIES (--help) need not load.
    from herald.auth.roles import unknown_scopes  # noqa: PLC0415

    return unknown_scopes(scopes)


def _tls(env: Mapping[str, str]) -> tuple[str, str, str, dict[str, TlsIdentity]]:
    """HERALD_TLS_CERT/KEY/CLIENT_CA/IDENTITIES, refusing half a configuration."""
    cert = _get(env, "HERALD_TLS_CERT", "")
    key = _get(env, "HERALD_TLS_KEY", "")
    client_ca = _get(env, "HERALD_TLS_CLIENT_CA", "")
    identities = parse_tls_identities(_get(env, "HERALD_TLS_IDENTITIES", ""))
    if cert and not key:
        raise ConfigError("HERALD_TLS_CERT is set but HERALD_TLS_KEY is not: TLS needs both")
    if key and not cert:
        raise ConfigError("HERALD_TLS_KEY is set but HERALD_TLS_CERT is not: TLS needs both")
    if client_ca and not cert:
        raise ConfigError(
            "HERALD_TLS_CLIENT_CA is set but HERALD_TLS_CERT and HERALD_TLS_KEY are not: "
            "client certificates need a TLS listener"
        )
    if identities and not client_ca:
        raise ConfigError(
            "HERALD_TLS_IDENTITIES is set but HERALD_TLS_CLIENT_CA is not: "
            "no client certificate would ever be verified"
        )
    return cert, key, client_ca, identities


def _listen(env: Mapping[str, str], name: str, default: str) -> str:
    """`host:port` with 0 <= port <= 65535 (0 picks a free one), an IPv6 host in brackets
    (`[::1]:50051`). gRPC itself takes the port modulo 65536 (`:65536` a free port,
    `:99999` 34463) and a host without one as port 443: refused here instead."""
    value = _get(env, name, default)
    host, sep, port = value.rpartition(":")
    if host.startswith("[") and host.endswith("]"):
        try:
            ipaddress.IPv6Address(host[1:-1])
        except ValueError:
            host = ""
    elif ":" in host or "[" in host or "]" in host:
        host = ""  # an IPv6 address without brackets, or brackets around something else
    if not sep or not host or not (port.isascii() and port.isdigit()) or int(port) > 65535:
        raise ConfigError(
            f"{name} must be host:port with a port from 0 to 65535 "
            f"(an IPv6 address in brackets, [::1]:50051), got {value!r}"
        )
    return value


def _metrics_listen(env: Mapping[str, str], name: str, delivery_processes: int) -> str:
    """`127.0.0.1:9464` (host:port; port 0 picks a free one); "" or "off" -> "".
    Delivery process k serves its metrics on port + k, which must be a port too."""
    value = _get(env, name, "")
    if value.lower() in ("", "off"):
        return ""
    host, sep, port = value.rpartition(":")
    if not sep or not host or not port.isdigit() or int(port) > 65535:
        raise ConfigError(f"{name} must be host:port, got {value!r}")
    if int(port) and int(port) + delivery_processes > 65535:
        raise ConfigError(
            f"{name} port {port} + HERALD_DELIVERY_PROCESSES {delivery_processes} is above "
            f"65535: delivery process k serves its metrics on port + k"
        )
    return value


def data_dir_error(data_dir: Path, exc: OSError) -> ConfigError:
    # mkdir's "File exists" for a file where the directory should be
    reason = "Not a directory" if isinstance(exc, FileExistsError) else exc.strerror or str(exc)
    return ConfigError(f"HERALD_DATA_DIR {str(data_dir)!r} must be a writable directory: {reason}")


_SPECIAL_FILES = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def _regular(mode: int) -> None:
    if not stat.S_ISREG(mode):
        kind = next((name for test, name in _SPECIAL_FILES if test(mode)), "a special file")
        raise OSError(errno.EINVAL, f"it is {kind}, not a regular file")


def read_regular_file(path: Path) -> bytes:
    """The bytes of the file at `path` (symlinks followed), or an OSError whose strerror
    says what is wrong. Anything but a regular file is refused before it is opened: a
    FIFO would block the start for good (a Ctrl-C then only cancels asyncio's task), a
    device such as /dev/zero never ends, a directory cannot be read."""
    _regular(os.stat(path).st_mode)
    # O_NONBLOCK: should a FIFO take its place after the stat, opening it does not wait.
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    with os.fdopen(fd, "rb") as handle:
        _regular(os.fstat(fd).st_mode)
        return handle.read()


def read_secret_file(path: Path, what: str, instead: str) -> str:
    """The text of a secret Herald keeps in the data directory (`what`, e.g. "the JWT
    secret"), or a ConfigError naming it and `instead`, the setting that replaces it."""
    try:
        return read_regular_file(path).decode()
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
        raise ConfigError(
            f"cannot read {path}, {what} in HERALD_DATA_DIR: {reason} (or set {instead})"
        ) from exc


def writable_data_dir(data_dir: Path) -> Path:
    """HERALD_DATA_DIR, created if missing; a ConfigError if it is not a directory Herald
    can write (the SQLite store and the generated secrets are kept there)."""
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise data_dir_error(data_dir, exc) from exc
    if not os.access(data_dir, os.W_OK | os.X_OK):
        raise data_dir_error(data_dir, PermissionError(13, "permission denied"))
    return data_dir


CHANNEL_NAMES = ("email", "sms", "push", "in_app", "webhook")
DEFAULT_CONCURRENCY = {"email": 16, "sms": 32, "push": 64, "in_app": 256, "webhook": 256}


@dataclass(frozen=True)
class Settings:
    listen: str = "127.0.0.1:50051"
    data_dir: Path = Path("var")
    database_url: str = ""  # empty: SQLite in data_dir
    migrate_on_start: bool = True
    log_level: str = "info"
    shutdown_grace: float = 10.0
    shutdown_drain: float = 1.0
    max_message_bytes: int = 64 * 1024 * 1024
    max_attachment_bytes: int = 10 * 1024 * 1024
    max_recipients: int = 50
    # Seed 003's allow-list per brand (core/allow_list.py); empty: no allow-list.
    allow_list: Mapping[str, AllowRule] = field(default_factory=dict)
    allow_list_admins: bool = False
    # Per-caller limits (api/limits.py); 0 / None is off.
    caller_rate_limit: tuple[float, float] | None = None
    caller_rate_limit_text: str = ""
    max_streams_per_caller: int = 1000
    max_call_seconds: float = 120.0
    max_stream_seconds: float = 3600.0
    stream_idle_seconds: float = 900.0
    # Seed 001's email_attachments name files in this directory; None: refused.
    attachment_dir: Path | None = None
    # Transport security: TLS when cert and key are set; client certificates required
    # and verified against client_ca when it is set (see server.py).
    tls_cert: Path | None = None
    tls_key: Path | None = None
    tls_client_ca: Path | None = None
    tls_identities: Mapping[str, TlsIdentity] = field(default_factory=dict)
    # Dispatch
    workers: int = 64
    # `herald deliver` processes serve starts beside itself (delivery_pool.py).
    delivery_processes: int = 0
    lease_seconds: float = 30.0
    max_attempts: int = 5
    retry_base_seconds: float = 1.0
    retry_max_seconds: float = 300.0
    delivery_deadline_seconds: float = 86400.0
    send_wait_seconds: float = 30.0
    rate_limits: Mapping[str, tuple[float, float]] = field(default_factory=dict)
    concurrency_limits: Mapping[str, int] = field(default_factory=lambda: dict(DEFAULT_CONCURRENCY))
    transactional_reserve: float = 0.25
    # Auth (auth/): bearer JWTs (HS256 with jwt_secret, RS256/ES256 with the JWKS
    # file's keys) and API keys. No secret and no JWKS: one is generated into data_dir.
    jwt_secret: str = ""
    jwt_jwks_file: Path | None = None
    jwt_issuer: str = "herald"
    jwt_audience: str = "herald"
    jwt_leeway_seconds: float = 30.0
    role_scopes: str = ""  # HERALD_ROLE_SCOPES, parsed by auth/roles.py
    # Webhook
    webhook_secret: str = ""
    webhook_timeout: float = 10.0
    webhook_allow_cidrs: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] = ()
    # False: only webhook_allow_cidrs (and with none, no webhook goes anywhere).
    webhook_allow_public: bool = True
    # Email
    smtp_urls: tuple[str, ...] = ()
    email_from: str = "Herald <herald@localhost>"
    email_reply_to: str = ""
    smtp_timeout: float = 30.0
    smtp_pool_size: int = 4
    # SMS
    twilio_account_sid: str = ""
    twilio_auth_token: str = ""
    twilio_from: str = ""
    twilio_messaging_service_sid: str = ""
    twilio_base_url: str = ""
    twilio_timeout: float = 10.0
    # Push
    fcm_credentials: str = ""
    fcm_base_url: str = ""
    fcm_timeout: float = 10.0
    # In-App: deliver only to users the directory holds (else USER_NOT_FOUND, seed 000).
    in_app_require_user: bool = False
    # Operations: Prometheus metrics on their own listener ("" = off); OpenTelemetry
    # tracing (the SDK reads the standard OTEL_* variables) when otel is on.
    metrics_listen: str = ""
    otel: bool = False
    extra: Mapping[str, str] = field(default_factory=dict)

    @property
    def sqlalchemy_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{(self.data_dir / 'herald.db').resolve()}"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        defaults = cls()
        tls_cert, tls_key, tls_client_ca, tls_identities = _tls(env)
        delivery_processes = _int(env, "HERALD_DELIVERY_PROCESSES", defaults.delivery_processes)
        return cls(
            listen=_listen(env, "HERALD_LISTEN", defaults.listen),
            # Empty is the default, as for every other path: Path("") was the working directory.
            data_dir=Path(_get(env, "HERALD_DATA_DIR", "") or str(defaults.data_dir)),
            database_url=_get(env, "HERALD_DATABASE_URL", ""),
            migrate_on_start=_bool(env, "HERALD_MIGRATE_ON_START", defaults.migrate_on_start),
            log_level=_log_level(env, "HERALD_LOG_LEVEL", defaults.log_level),
            shutdown_grace=_float(env, "HERALD_SHUTDOWN_GRACE", defaults.shutdown_grace),
            shutdown_drain=_float(env, "HERALD_SHUTDOWN_DRAIN", defaults.shutdown_drain),
            max_message_bytes=_int(
                env, "HERALD_MAX_MESSAGE_BYTES", defaults.max_message_bytes, minimum=1024
            ),
            max_attachment_bytes=_int(
                env, "HERALD_MAX_ATTACHMENT_BYTES", defaults.max_attachment_bytes, minimum=0
            ),
            max_recipients=_int(env, "HERALD_MAX_RECIPIENTS", defaults.max_recipients, minimum=1),
            allow_list=_allow_list(env, "HERALD_ALLOW_LIST"),
            allow_list_admins=_bool(env, "HERALD_ALLOW_LIST_ADMINS", defaults.allow_list_admins),
            caller_rate_limit=_caller_rate(env, "HERALD_CALLER_RATE_LIMIT"),
            caller_rate_limit_text=_get(env, "HERALD_CALLER_RATE_LIMIT", ""),
            max_streams_per_caller=_int(
                env, "HERALD_MAX_STREAMS_PER_CALLER", defaults.max_streams_per_caller
            ),
            max_call_seconds=_float(env, "HERALD_MAX_CALL_SECONDS", defaults.max_call_seconds),
            max_stream_seconds=_float(
                env, "HERALD_MAX_STREAM_SECONDS", defaults.max_stream_seconds
            ),
            stream_idle_seconds=_float(
                env, "HERALD_STREAM_IDLE_SECONDS", defaults.stream_idle_seconds
            ),
            attachment_dir=(
                Path(_get(env, "HERALD_ATTACHMENT_DIR", ""))
                if _get(env, "HERALD_ATTACHMENT_DIR", "")
                else None
            ),
            tls_cert=Path(tls_cert) if tls_cert else None,
            tls_key=Path(tls_key) if tls_key else None,
            tls_client_ca=Path(tls_client_ca) if tls_client_ca else None,
            tls_identities=tls_identities,
            workers=_int(env, "HERALD_WORKERS", defaults.workers, minimum=1),
            delivery_processes=delivery_processes,
            lease_seconds=_float(env, "HERALD_LEASE_SECONDS", defaults.lease_seconds, 1.0),
            max_attempts=_int(env, "HERALD_MAX_ATTEMPTS", defaults.max_attempts, minimum=1),
            retry_base_seconds=_float(
                env, "HERALD_RETRY_BASE_SECONDS", defaults.retry_base_seconds
            ),
            retry_max_seconds=_float(env, "HERALD_RETRY_MAX_SECONDS", defaults.retry_max_seconds),
            delivery_deadline_seconds=_float(
                env, "HERALD_DELIVERY_DEADLINE_SECONDS", defaults.delivery_deadline_seconds
            ),
            send_wait_seconds=_float(
                env, "HERALD_SEND_WAIT_SECONDS", defaults.send_wait_seconds, 0.0
            ),
            rate_limits=_rates(env, "HERALD_RATE_LIMITS"),
            concurrency_limits={
                **DEFAULT_CONCURRENCY,
                **_concurrency(env, "HERALD_CONCURRENCY_LIMITS"),
            },
            transactional_reserve=_float(
                env, "HERALD_TRANSACTIONAL_RESERVE", defaults.transactional_reserve, below=1.0
            ),
            jwt_secret=_get(env, "HERALD_JWT_SECRET", ""),
            jwt_jwks_file=(
                Path(_get(env, "HERALD_JWT_JWKS_FILE", ""))
                if _get(env, "HERALD_JWT_JWKS_FILE", "")
                else None
            ),
            jwt_issuer=_get(env, "HERALD_JWT_ISSUER", defaults.jwt_issuer),
            jwt_audience=_get(env, "HERALD_JWT_AUDIENCE", defaults.jwt_audience),
            jwt_leeway_seconds=_float(
                env, "HERALD_JWT_LEEWAY_SECONDS", defaults.jwt_leeway_seconds
            ),
            role_scopes=_get(env, "HERALD_ROLE_SCOPES", ""),
            webhook_secret=_get(env, "HERALD_WEBHOOK_SECRET", ""),
            webhook_timeout=_float(env, "HERALD_WEBHOOK_TIMEOUT", defaults.webhook_timeout, 0.001),
            webhook_allow_cidrs=_networks(env, "HERALD_WEBHOOK_ALLOW_CIDRS"),
            webhook_allow_public=_bool(
                env, "HERALD_WEBHOOK_ALLOW_PUBLIC", defaults.webhook_allow_public
            ),
            smtp_urls=_list(env, "HERALD_SMTP_URL"),
            email_from=_mailbox(env, "HERALD_EMAIL_FROM", defaults.email_from),
            email_reply_to=_mailbox(env, "HERALD_EMAIL_REPLY_TO", ""),
            smtp_timeout=_float(env, "HERALD_SMTP_TIMEOUT", defaults.smtp_timeout, 0.001),
            smtp_pool_size=_int(env, "HERALD_SMTP_POOL_SIZE", defaults.smtp_pool_size, minimum=1),
            twilio_account_sid=_get(env, "HERALD_TWILIO_ACCOUNT_SID", ""),
            twilio_auth_token=_get(env, "HERALD_TWILIO_AUTH_TOKEN", ""),
            twilio_from=_get(env, "HERALD_TWILIO_FROM", ""),
            twilio_messaging_service_sid=_get(env, "HERALD_TWILIO_MESSAGING_SERVICE_SID", ""),
            twilio_base_url=_base_url(env, "HERALD_TWILIO_BASE_URL"),
            twilio_timeout=_float(env, "HERALD_TWILIO_TIMEOUT", defaults.twilio_timeout, 0.001),
            fcm_credentials=_get(env, "HERALD_FCM_CREDENTIALS", ""),
            fcm_base_url=_base_url(env, "HERALD_FCM_BASE_URL"),
            fcm_timeout=_float(env, "HERALD_FCM_TIMEOUT", defaults.fcm_timeout, 0.001),
            in_app_require_user=_bool(
                env, "HERALD_IN_APP_REQUIRE_USER", defaults.in_app_require_user
            ),
            metrics_listen=_metrics_listen(env, "HERALD_METRICS_LISTEN", delivery_processes),
            otel=_bool(env, "HERALD_OTEL", defaults.otel),
            extra={k: v for k, v in env.items() if k.startswith("HERALD_")},
        )
