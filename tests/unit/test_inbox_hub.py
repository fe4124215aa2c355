"""The inbox hub wakes a user's watchers when the dispatcher publishes an In-App
delivery as delivered (whichever way the inbox row was written), and only then."""

from __future__ import annotations

from herald.core.channel import Channel, DeliveryState
from herald.dispatch.inbox_hub import InboxFeedHub, InboxHub

from tests.support.rows import delivery_view as view


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
