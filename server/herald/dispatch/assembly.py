"""What every delivering process builds the same way, `herald serve` and
`herald deliver` alike: the channel adapters and the dispatcher over them."""

from __future__ import annotations

import contextlib

from herald.channels.base import ChannelAdapter
from herald.channels.forget_tokens import ForgetUnregisteredTokens
from herald.channels.registry import build_adapters
from herald.config import ConfigError, Settings
from herald.core.channel import Channel
from herald.dispatch.dispatcher import Dispatcher
from herald.dispatch.hub import Hub
from herald.dispatch.limits import RateLimit, bulk_slots
from herald.dispatch.retry import RetryPolicy
from herald.store.directory import Directory
from herald.store.queue import Queue


async def start_adapters(
    settings: Settings, queue: Queue, directory: Directory
) -> dict[Channel, ChannelAdapter]:
    """The configured channels, started; a channel that cannot start is a ConfigError."""
    adapters = build_adapters(settings, queue.store_inbox)
    if Channel.PUSH in adapters:
        adapters[Channel.PUSH] = ForgetUnregisteredTokens(
            adapters[Channel.PUSH], directory.remove_push_token
        )
    started: list[ChannelAdapter] = []
    for channel, adapter in adapters.items():
        started.append(adapter)  # a start that fails may have opened something too
        try:
            await adapter.start()
        except Exception as exc:
            # Closed before the error is reported: otherwise aiohttp warned of an unclosed
            # client session (the webhook channel's) after the one line.
            for opened in reversed(started):
                with contextlib.suppress(Exception):
                    await opened.close()
            raise ConfigError(f"the {channel.value} channel cannot start: {exc}") from exc
    return adapters


def new_dispatcher(
    settings: Settings,
    queue: Queue,
    adapters: dict[Channel, ChannelAdapter],
    hub: Hub,
    processes: int = 1,
    index: int = 0,
) -> Dispatcher:
    """A dispatcher holding this process's share of the channel limits: with
    HERALD_DELIVERY_PROCESSES the rate and concurrency limits are the server's
    totals, split evenly over its `processes` delivering processes (this one is
    number `index`: 0 for the server, k for delivery process k)."""
    return Dispatcher(
        queue,
        adapters,
        hub,
        RetryPolicy(settings.max_attempts, settings.retry_base_seconds, settings.retry_max_seconds),
        lease_seconds=settings.lease_seconds,
        workers=settings.workers,
        rate_limits={
            Channel(c): share_rate(RateLimit(*r), processes)
            for c, r in settings.rate_limits.items()
        },
        concurrency={
            Channel(c): share_slots(n, processes, index)
            for c, n in settings.concurrency_limits.items()
        },
        # The bulk lane's slots are a share of the total's too, not each share less a
        # reserve of its own (webhook=6 over 3 processes: 2 + 2 + 1 of 5, not 1 + 1 + 1).
        bulk_concurrency={
            Channel(c): share_slots(bulk_slots(n, settings.transactional_reserve), processes, index)
            for c, n in settings.concurrency_limits.items()
        },
        transactional_reserve=settings.transactional_reserve,
    )


def share_slots(total: int, processes: int, index: int) -> int:
    """Process `index`'s share of a concurrency limit: the shares add up to `total`
    (the first total % processes processes get one more), but each is at least one,
    since every process may have to send on every channel (the server runs SendMessage's
    deliveries, the delivery processes the campaigns while the API is in use)."""
    return max(1, total // processes + (index < total % processes))


def share_rate(limit: RateLimit, processes: int) -> RateLimit:
    """One process's share of a rate limit: the rate divided evenly, the burst too
    (at least one token, or nothing could ever be sent)."""
    return RateLimit(limit.per_second / processes, max(1.0, limit.burst / processes))
