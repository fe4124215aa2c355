"""Which adapters run, from configuration. A channel with no configuration is off
(its deliveries fail with CHANNEL_NOT_CONFIGURED)."""

from __future__ import annotations

import base64
import binascii
import os
import secrets
from pathlib import Path

import structlog

from herald.channels import email, push, sms
from herald.channels.base import ChannelAdapter
from herald.channels.inapp import InAppChannel, InboxWriter
from herald.channels.webhook import WebhookChannel
from herald.config import (
    ConfigError,
    Settings,
    data_dir_error,
    read_secret_file,
    writable_data_dir,
)
from herald.core.channel import Channel

log = structlog.get_logger("herald.channels")


# Standard Webhooks' bounds for a signing key, in bytes (whsec_ + its base64).
WEBHOOK_KEY_BYTES = (24, 64)


def webhook_secrets(settings: Settings) -> list[str]:
    """HERALD_WEBHOOK_SECRET's secrets (several, newest first, while receivers move to
    a new one: each delivery carries a signature by each), or one generated once and
    kept in the data directory."""
    source = "HERALD_WEBHOOK_SECRET"
    raw = settings.webhook_secret
    if not raw:
        path = Path(settings.data_dir) / "webhook-secret"
        raw, source = _generated_secret(path), str(path)
    secrets_ = raw.replace(",", " ").split()
    if not secrets_:
        raise ConfigError(f"{source}: no secret (whsec_<base64>)")
    for position, secret in enumerate(secrets_, 1):
        problem = _key_problem(secret)
        if problem is not None:  # never the secret itself: the message is logged
            raise ConfigError(f"{source}: secret {position} of {len(secrets_)} {problem}")
    return secrets_


def _generated_secret(path: Path) -> str:
    if not path.exists():
        writable_data_dir(path.parent)
        secret = "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except OSError as exc:
            raise data_dir_error(path.parent, exc) from exc
        with os.fdopen(fd, "w") as handle:
            handle.write(secret + "\n")
        log.warning("webhook_secret_generated", path=str(path))
    return read_secret_file(path, "the webhook signing secret", "HERALD_WEBHOOK_SECRET")


def _key_problem(secret: str) -> str | None:
    try:
        key = base64.b64decode(secret.removeprefix("whsec_"), validate=True)
    except binascii.Error:
        return "is not whsec_ followed by base64"
    low, high = WEBHOOK_KEY_BYTES
    if not low <= len(key) <= high:
        return f"is a {len(key)}-byte key; a signing key has {low} to {high} bytes"
    return None


def build_adapters(settings: Settings, write_inbox: InboxWriter) -> dict[Channel, ChannelAdapter]:
    adapters: dict[Channel, ChannelAdapter] = {
        Channel.IN_APP: InAppChannel(write_inbox, settings.in_app_require_user),
        Channel.WEBHOOK: WebhookChannel(
            secrets=webhook_secrets(settings),
            timeout=settings.webhook_timeout,
            allow=settings.webhook_allow_cidrs,
            allow_public=settings.webhook_allow_public,
        ),
    }
    _check_complete(settings)
    for channel, build in (
        (Channel.EMAIL, email.from_settings),
        (Channel.SMS, sms.from_settings),
        (Channel.PUSH, push.from_settings),
    ):
        adapter = build(settings)
        if adapter is not None:
            adapters[channel] = adapter
    return adapters


def _check_complete(settings: Settings) -> None:
    """A channel is off when none of its settings is given; half a configuration
    is a mistake to report at start, not a channel silently off."""
    twilio = {
        "HERALD_TWILIO_ACCOUNT_SID": settings.twilio_account_sid,
        "HERALD_TWILIO_AUTH_TOKEN": settings.twilio_auth_token,
    }
    sender = settings.twilio_from or settings.twilio_messaging_service_sid
    if any(twilio.values()) or sender:
        missing = [name for name, value in twilio.items() if not value]
        if not sender:
            missing.append("HERALD_TWILIO_FROM or HERALD_TWILIO_MESSAGING_SERVICE_SID")
        if missing:
            raise ConfigError(f"SMS is half configured: set {', '.join(missing)}")
    if settings.fcm_credentials and not Path(settings.fcm_credentials).is_file():
        raise ConfigError(f"HERALD_FCM_CREDENTIALS: no such file {settings.fcm_credentials!r}")
