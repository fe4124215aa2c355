"""The inbox hub wakes a user's watchers when the dispatcher publishes an In-App
delivery as delivered (whichever way the inbox row was written), and only then."""

from __future__ import annotations

import dataclasses

from herald.core.channel import Channel, DeliveryState
from herald.core.delivery import DeliveryView
from herald.dispatch.inbox_hub import InboxFeedHub, InboxHub


def view(**fields: object) -> DeliveryView:
    base = DeliveryView(
        id="d1",
        request_id="r1",
        position=0,
        channel=Channel.IN_APP,
        recipient="alice",
        user_id="alice",
        state=DeliveryState.DELIVERED,
        attempts=1,
        error_code="",
        error="",
        permanent=False,
        provider_message_id="d1",
        sms_encoding="",
        sms_segments=0,
        created_at=1.0,
        updated_at=2.0,
        next_attempt_at=1.0,
        completed_at=2.0,
    )
    return dataclasses.replace(base, **fields)  # type: ignore[arg-type]


async def test_an_in_app_delivery_wakes_its_users_watchers_only() -> None:
    inbox = InboxHub()
    hub = InboxFeedHub(inbox)
    with inbox.watch("alice") as alice, inbox.watch("bob") as bob:
        with hub.watch("r1") as requests:
            hub.publish(view())
            # Still the dispatcher's hub: the request's watchers get the view.
            assert requests.get_nowait().id == "d1"
        assert alice.is_set()
        assert not bob.is_set()


async def test_other_outcomes_wake_nobody() -> None:
    inbox = InboxHub()
    hub = InboxFeedHub(inbox)
    with inbox.watch("alice") as alice:
        hub.publish(view(state=DeliveryState.QUEUED))
        hub.publish(view(channel=Channel.WEBHOOK, recipient="alice"))
        assert not alice.is_set()
    assert not inbox.watching("alice")


async def test_close_wakes_every_watcher() -> None:
    inbox = InboxHub()
    with inbox.watch("alice") as alice:
        inbox.close()
        assert alice.is_set() and inbox.closing.is_set()
