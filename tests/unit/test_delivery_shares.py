"""With HERALD_DELIVERY_PROCESSES the channel limits are the server's totals: each
delivering process holds an even share (dispatch/assembly.py)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from herald.config import Settings
from herald.core.channel import Channel, Lane
from herald.delivery_pool import TRANSACTIONAL, WAKE
from herald.delivery_process import _ServerPipe
from herald.dispatch.assembly import new_dispatcher, share_rate, share_slots
from herald.dispatch.dispatcher import Dispatcher
from herald.dispatch.hub import Hub
from herald.dispatch.limits import RateLimit
from herald.dispatch.retry import RetryPolicy


@pytest.mark.parametrize(
    ("limit", "processes", "share"),
    [
        (RateLimit(10.0, 20.0), 1, RateLimit(10.0, 20.0)),
        (RateLimit(10.0, 20.0), 2, RateLimit(5.0, 10.0)),
        # At least one token of burst, or a share could never send.
        (RateLimit(1.0, 1.0), 3, RateLimit(1.0 / 3, 1.0)),
    ],
)
def test_a_rate_limit_is_split_evenly(limit: RateLimit, processes: int, share: RateLimit) -> None:
    assert share_rate(limit, processes) == pytest.approx(share)


@pytest.mark.parametrize(
    ("total", "processes", "shares"),
    [
        (4, 1, [4]),
        (4, 3, [2, 1, 1]),  # not 2 each (6 at once): the shares add up to the total
        (16, 3, [6, 5, 5]),
        # At least one slot each: every process may have to send on every channel.
        (1, 3, [1, 1, 1]),
    ],
)
def test_a_concurrency_limit_is_split_into_shares_adding_up_to_it(
    total: int, processes: int, shares: list[int]
) -> None:
    assert [share_slots(total, processes, i) for i in range(processes)] == shares


@pytest.mark.parametrize(
    ("total", "processes", "bulk"),
    [
        (6, 1, [5]),
        # The transactional reserve is the total's (1 of 6), not one per process: the
        # processes' bulk slots add up to what one process would have.
        (6, 3, [2, 2, 1]),
        (4, 3, [1, 1, 1]),
        (16, 2, [6, 6]),
    ],
)
def test_the_bulk_slots_are_a_share_of_the_totals(
    total: int, processes: int, bulk: list[int]
) -> None:
    settings = Settings.from_env(
        {"HERALD_CONCURRENCY_LIMITS": f"webhook={total}", "HERALD_DATA_DIR": "unused"}
    )
    no_queue: Any = None  # nothing here reaches the store
    limits = [
        new_dispatcher(settings, no_queue, {}, Hub(), processes, i)._slots[Channel.WEBHOOK]
        for i in range(processes)
    ]
    assert [slots.bulk_limit for slots in limits] == bulk
    assert [slots.limit for slots in limits] == [
        share_slots(total, processes, i) for i in range(processes)
    ]


def test_processes_read_from_the_environment() -> None:
    assert Settings.from_env({}).delivery_processes == 0
    assert Settings.from_env({"HERALD_DELIVERY_PROCESSES": "3"}).delivery_processes == 3


async def test_the_servers_signals_wake_a_delivery_process_and_shrink_its_bulk_share() -> None:
    """What `herald serve` writes to a delivery process's stdin (delivery_pool.py) and what
    the process makes of it (delivery_process.py): WAKE claims now; TRANSACTIONAL gives bulk
    work a quarter of its share, as a SendMessage in the process itself would."""
    dispatcher = Dispatcher(
        queue=None,  # type: ignore[arg-type]  # nothing here reaches the store
        adapters={},
        hub=Hub(),
        retry=RetryPolicy(5, 1.0, 300.0),
        lease_seconds=30.0,
        workers=64,
    )
    gone = asyncio.Event()
    pipe = _ServerPipe(dispatcher, gone)
    quiet = dispatcher._free_slots(Lane.BULK)

    pipe.data_received(WAKE)
    assert all(event.is_set() for event in dispatcher._wake.values())
    assert dispatcher._free_slots(Lane.BULK) == quiet == 60

    pipe.data_received(WAKE + TRANSACTIONAL)
    assert dispatcher._free_slots(Lane.BULK) == 12
    assert dispatcher._free_slots(Lane.TRANSACTIONAL) == 64
    assert not gone.is_set()

    pipe.eof_received()
    assert gone.is_set()
