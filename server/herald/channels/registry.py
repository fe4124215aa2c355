"""Which adapters run, from configuration. A channel with no configuration is off
(its deliveries fail with CHANNEL_NOT_CONFIGURED)."""

from __future__ import annotations

import base64
import os
import secrets
from pathlib import Path

import structlog

from herald.channels.base import ChannelAdapter
from herald.channels.inapp import InAppChannel, InboxWriter
from herald.channels.webhook import WebhookChannel
from herald.config import Settings
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
        ),
    }
    return adapters
