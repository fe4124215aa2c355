"""Configuration from HERALD_* environment variables, with documented defaults.

Every setting is listed in README.md's configuration table; keep the two in step.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path


class ConfigError(ValueError):
    """A HERALD_* variable has a value Herald cannot use."""


def _get(env: Mapping[str, str], name: str, default: str) -> str:
    return env.get(name, default).strip()


def _int(env: Mapping[str, str], name: str, default: int, minimum: int = 0) -> int:
    raw = _get(env, name, str(default))
    try:
        value = int(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be an integer, got {raw!r}") from exc
    if value < minimum:
        raise ConfigError(f"{name} must be >= {minimum}, got {value}")
    return value


def _float(env: Mapping[str, str], name: str, default: float, minimum: float = 0.0) -> float:
    raw = _get(env, name, str(default))
    try:
        value = float(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be a number, got {raw!r}") from exc
    if value < minimum:
        raise ConfigError(f"{name} must be >= {minimum}, got {value}")
    return value


def _bool(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = _get(env, name, "true" if default else "false").lower()
    if raw in ("1", "true", "yes", "on"):
        return True
    if raw in ("0", "false", "no", "off"):
        return False
    raise ConfigError(f"{name} must be true or false, got {raw!r}")


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
            per_second = float(count) / _UNITS[unit.strip() or "s"]
            burst = float(burst_part) if burst_part else max(1.0, per_second)
        except (KeyError, ValueError) as exc:
            raise ConfigError(
                f"{name}: {channel}={value!r} is not N/s, N/m or N/h[:burst]"
            ) from exc
        if per_second <= 0 or burst < 1:
            raise ConfigError(f"{name}: {channel} needs a positive rate and a burst >= 1")
        rates[channel] = (per_second, burst)
    return rates


def _concurrency(env: Mapping[str, str], name: str) -> dict[str, int]:
    limits: dict[str, int] = {}
    for channel, value in _per_channel(env, name).items():
        if not value.isdigit() or int(value) < 1:
            raise ConfigError(f"{name}: {channel}={value!r} must be a whole number >= 1")
        limits[channel] = int(value)
    return limits


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
    # Seed 001's email_attachments name files in this directory; None: refused.
    attachment_dir: Path | None = None
    # Dispatch
    workers: int = 64
    lease_seconds: float = 30.0
    max_attempts: int = 5
    retry_base_seconds: float = 1.0
    retry_max_seconds: float = 300.0
    delivery_deadline_seconds: float = 86400.0
    send_wait_seconds: float = 30.0
    rate_limits: Mapping[str, tuple[float, float]] = field(default_factory=dict)
    concurrency_limits: Mapping[str, int] = field(default_factory=lambda: dict(DEFAULT_CONCURRENCY))
    transactional_reserve: float = 0.25
    # Webhook
    webhook_secret: str = ""
    webhook_timeout: float = 10.0
    webhook_allow_cidrs: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] = ()
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
        return cls(
            listen=_get(env, "HERALD_LISTEN", defaults.listen),
            data_dir=Path(_get(env, "HERALD_DATA_DIR", str(defaults.data_dir))),
            database_url=_get(env, "HERALD_DATABASE_URL", ""),
            migrate_on_start=_bool(env, "HERALD_MIGRATE_ON_START", defaults.migrate_on_start),
            log_level=_get(env, "HERALD_LOG_LEVEL", defaults.log_level).lower(),
            shutdown_grace=_float(env, "HERALD_SHUTDOWN_GRACE", defaults.shutdown_grace),
            shutdown_drain=_float(env, "HERALD_SHUTDOWN_DRAIN", defaults.shutdown_drain),
            max_message_bytes=_int(
                env, "HERALD_MAX_MESSAGE_BYTES", defaults.max_message_bytes, minimum=1024
            ),
            max_attachment_bytes=_int(
                env, "HERALD_MAX_ATTACHMENT_BYTES", defaults.max_attachment_bytes, minimum=0
            ),
            max_recipients=_int(env, "HERALD_MAX_RECIPIENTS", defaults.max_recipients, minimum=1),
            attachment_dir=(
                Path(_get(env, "HERALD_ATTACHMENT_DIR", ""))
                if _get(env, "HERALD_ATTACHMENT_DIR", "")
                else None
            ),
            workers=_int(env, "HERALD_WORKERS", defaults.workers, minimum=1),
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
                env, "HERALD_TRANSACTIONAL_RESERVE", defaults.transactional_reserve
            ),
            webhook_secret=_get(env, "HERALD_WEBHOOK_SECRET", ""),
            webhook_timeout=_float(env, "HERALD_WEBHOOK_TIMEOUT", defaults.webhook_timeout, 0.001),
            webhook_allow_cidrs=_networks(env, "HERALD_WEBHOOK_ALLOW_CIDRS"),
            smtp_urls=_list(env, "HERALD_SMTP_URL"),
            email_from=_get(env, "HERALD_EMAIL_FROM", defaults.email_from),
            email_reply_to=_get(env, "HERALD_EMAIL_REPLY_TO", ""),
            smtp_timeout=_float(env, "HERALD_SMTP_TIMEOUT", defaults.smtp_timeout, 0.001),
            smtp_pool_size=_int(env, "HERALD_SMTP_POOL_SIZE", defaults.smtp_pool_size, minimum=1),
            twilio_account_sid=_get(env, "HERALD_TWILIO_ACCOUNT_SID", ""),
            twilio_auth_token=_get(env, "HERALD_TWILIO_AUTH_TOKEN", ""),
            twilio_from=_get(env, "HERALD_TWILIO_FROM", ""),
            twilio_messaging_service_sid=_get(env, "HERALD_TWILIO_MESSAGING_SERVICE_SID", ""),
            twilio_base_url=_get(env, "HERALD_TWILIO_BASE_URL", ""),
            twilio_timeout=_float(env, "HERALD_TWILIO_TIMEOUT", defaults.twilio_timeout, 0.001),
            fcm_credentials=_get(env, "HERALD_FCM_CREDENTIALS", ""),
            fcm_base_url=_get(env, "HERALD_FCM_BASE_URL", ""),
            fcm_timeout=_float(env, "HERALD_FCM_TIMEOUT", defaults.fcm_timeout, 0.001),
            extra={k: v for k, v in env.items() if k.startswith("HERALD_")},
        )
