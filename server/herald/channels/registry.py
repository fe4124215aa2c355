"""Which adapters run, from configuration. A channel with no configuration is off
(its deliveries fail with CHANNEL_NOT_CONFIGURED)."""

from __future__ import annotations

import base64
import os
import secrets
from pathlib import Path

import structlog

from herald.channels import email, push, sms
from herald.channels.base import ChannelAdapter
from herald.channels.inapp import InAppChannel, InboxWriter
from herald.channels.webhook import WebhookChannel
from herald.config import ConfigError, Settings
from herald.core.channel import Channel

log = structlog.get_logger("herald.channels")


def webhook_secret(settings: Settings) -> str:
    """HERALD_WEBHOOK_SECRET, or one generated once and kept in the data directory."""
    if settings.webhook_secret:
        return settings.webhook_secret
    path = Path(settings.data_dir) / "webhook-secret"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        secret = "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secret + "\n")
        log.warning("webhook_secret_generated", path=str(path))
    return path.read_text().strip()


def build_adapters(settings: Settings, write_inbox: InboxWriter) -> dict[Channel, ChannelAdapter]:
    adapters: dict[Channel, ChannelAdapter] = {
        Channel.IN_APP: InAppChannel(write_inbox),
        Channel.WEBHOOK: WebhookChannel(
            secret=webhook_secret(settings),
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
