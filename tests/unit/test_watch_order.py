"""WatchNotification takes a delivery's state from the store or the hub only if it is
later than the one it last reported. Replicas stamp updated_at with their own clocks,
so a final outcome recorded by a replica whose clock is a little behind carries an
earlier updated_at than the retry before it: it is later all the same, or the watch
would wait for it until its idle limit."""

from __future__ import annotations

import dataclasses

from herald.core.channel import Channel, DeliveryState
from herald.core.delivery import DeliveryView
from herald.dispatch.notifications import _newer

from tests.support.rows import delivery_view

QUEUED, SENDING, DELIVERED = DeliveryState.QUEUED, DeliveryState.SENDING, DeliveryState.DELIVERED


def view(state: DeliveryState, attempts: int, updated_at: float) -> DeliveryView:
    return delivery_view(
        channel=Channel.WEBHOOK,
        recipient="https://example.com/hook",
        user_id="",
        provider_message_id="",
        state=state,
        attempts=attempts,
        updated_at=updated_at,
        completed_at=updated_at if state.final else None,
    )


def test_an_outcome_stamped_by_a_slower_clock_is_still_later() -> None:
    retry = view(QUEUED, 1, updated_at=100.0)  # replica A: the first attempt failed
    delivered = view(DELIVERED, 2, updated_at=99.5)  # replica B, its clock 1 s behind
    assert _newer(delivered, retry)
    assert _newer(view(SENDING, 2, updated_at=99.0), retry)  # B's second attempt, a later attempt
    assert not _newer(retry, delivered)


def test_within_one_attempt_the_clock_orders_and_a_final_state_is_last() -> None:
    queued = view(QUEUED, 0, updated_at=10.0)
    sending = view(SENDING, 0, updated_at=11.0)
    assert _newer(sending, queued)
    assert not _newer(queued, sending)
    assert not _newer(sending, sending)
    handed_back = dataclasses.replace(queued, updated_at=12.0)  # a lease given back at stop
    assert _newer(handed_back, sending)
    assert not _newer(view(SENDING, 5, updated_at=50.0), view(DELIVERED, 1, updated_at=20.0))
