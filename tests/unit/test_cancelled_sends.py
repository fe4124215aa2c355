"""CancelledSends: a dispatcher's view of which campaign sends are cancelled."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import pytest
from herald.dispatch.cancelled import CancelledSends


class Store:
    def __init__(self) -> None:
        self.cancelled: set[str] = set()
        self.reads: list[list[str]] = []
        self.fail = False

    async def read(self, send_ids: Sequence[str]) -> set[str]:
        self.reads.append(list(send_ids))
        await asyncio.sleep(0)
        if self.fail:
            raise ConnectionError("store down")
        return self.cancelled & set(send_ids)


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


async def test_a_send_is_read_at_most_once_per_interval() -> None:
    store, clock = Store(), Clock()
    sends = CancelledSends(store.read, reread=0.5, clock=clock)
    assert not await sends.cancelled("s1")
    store.cancelled.add("s1")  # by another process
    clock.now += 0.4
    assert not await sends.cancelled("s1")
    assert len(store.reads) == 1
    clock.now += 0.2
    assert await sends.cancelled("s1")
    assert len(store.reads) == 2
    clock.now += 10
    assert await sends.cancelled("s1")  # a cancel is final: not read again
    assert len(store.reads) == 2


async def test_the_sends_asking_at_once_share_one_read() -> None:
    store = Store()
    store.cancelled.add("s2")
    sends = CancelledSends(store.read)
    answers = await asyncio.gather(*(sends.cancelled(s) for s in ["s1", "s2", "s1", "s3"]))
    assert answers == [False, True, False, False]
    assert store.reads == [["s1", "s2", "s3"]]


async def test_a_cancel_marked_here_is_seen_at_once() -> None:
    store = Store()
    sends = CancelledSends(store.read)
    assert not await sends.cancelled("s1")
    sends.mark("s1")
    assert await sends.cancelled("s1")
    assert len(store.reads) == 1


async def test_a_failed_read_reaches_every_asker_and_the_next_ask_reads_again() -> None:
    store = Store()
    store.fail = True
    sends = CancelledSends(store.read)
    results = await asyncio.gather(
        sends.cancelled("s1"), sends.cancelled("s2"), return_exceptions=True
    )
    assert all(isinstance(r, ConnectionError) for r in results)
    store.fail = False
    store.cancelled.add("s1")
    assert await sends.cancelled("s1")
    assert len(store.reads) == 2


async def test_an_asker_cancelled_does_not_cancel_the_read_of_the_others() -> None:
    store = Store()
    store.cancelled.add("s2")
    sends = CancelledSends(store.read)
    first = asyncio.create_task(sends.cancelled("s1"))
    second = asyncio.create_task(sends.cancelled("s2"))
    await asyncio.sleep(0)
    first.cancel()
    assert await second
    with pytest.raises(asyncio.CancelledError):
        await first
