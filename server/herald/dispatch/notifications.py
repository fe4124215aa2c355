"""SendNotification, GetNotification and WatchNotification: accept a
notification by queueing one delivery per accepted recipient and channel, in one
transaction, and follow it until every delivery is final."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from herald.auth.caller import current as current_caller
from herald.core import content_codec
from herald.core.channel import Channel, DeliveryState, Lane
from herald.core.delivery import DeliveryView
from herald.core.errors import (
    AlreadyExistsError,
    FieldViolation,
    InvalidArgumentError,
    NotFoundError,
)
from herald.core.idempotency import idempotency_key
from herald.core.ids import new_id
from herald.core.message import Content, check_with_template
from herald.core.notification import (
    ALL_CHANNELS,
    MESSAGE_FIELDS,
    Failure,
    NotificationRequest,
    Reason,
    RecipientPolicySource,
    Rejection,
    Screening,
    content_for,
    people_ids,
    screen,
    validate,
)
from herald.core.rendered import check_rendered
from herald.core.templates import PART_FALLBACK
from herald.dispatch.dispatcher import Dispatcher
from herald.logging import bound_request_id
from herald.store.attachment_dir import AttachmentDirectory
from herald.store.directory import Directory, cluster_not_found
from herald.store.queue import DuplicateRequestError, Queue, queued_row
from herald.store.templates import TemplateStore

KIND = "notification"
RESOURCE_TYPE = "herald.v1.Notification"
POLL_SECONDS = 0.5  # a watcher re-reads the store this often, for other processes' progress
# The request field each part of a message_title / message_content message comes from
# (the other channels' parts fall back to the email parts).
_MESSAGE_PARTS = {
    **MESSAGE_FIELDS,
    **{part: MESSAGE_FIELDS[fallback] for part, fallback in PART_FALLBACK.items()},
}


@dataclass(frozen=True, slots=True)
class AcceptedNotification:
    notification_id: str
    queued_at: float
    screening: Screening
    replayed: bool


@dataclass(frozen=True, slots=True)
class NotificationView:
    notification_id: str
    subject: str
    channels: tuple[Channel, ...]
    queued_at: float
    deliveries: list[DeliveryView]

    @property
    def delivered(self) -> int:
        return sum(1 for d in self.deliveries if d.state is DeliveryState.DELIVERED)

    @property
    def failed(self) -> int:
        return sum(1 for d in self.deliveries if d.state.final and not d.success)

    @property
    def completed(self) -> bool:
        return all(d.state.final for d in self.deliveries)

    @property
    def completed_at(self) -> float | None:
        if not self.completed:
            return None
        return max((d.completed_at or d.updated_at for d in self.deliveries), default=None)


@dataclass(frozen=True, slots=True)
class Progress:
    """One WatchNotification event: a snapshot first, then single deliveries."""

    view: NotificationView  # the counters after this event
    delivery: DeliveryView | None  # None for the snapshot


class Notifications:
    def __init__(
        self,
        queue: Queue,
        dispatcher: Dispatcher,
        policy: RecipientPolicySource,
        max_recipients: int,
        max_attachment_bytes: int,
        delivery_deadline: float,
        directory: Directory,
        templates: TemplateStore,
        attachments: AttachmentDirectory,
        active_channels: frozenset[Channel] = ALL_CHANNELS,
    ) -> None:
        self.queue = queue
        self.dispatcher = dispatcher
        self.policy = policy
        self.max_recipients = max_recipients
        self.max_attachment_bytes = max_attachment_bytes
        self.delivery_deadline = delivery_deadline
        self.directory = directory
        self.templates = templates
        self.attachments = attachments
        # The channels with an adapter on this server (seed 001's activeChannels).
        self.active_channels = active_channels

    # -- SendNotification ---------------------------------------------------

    async def send(
        self, request: NotificationRequest, fingerprint: str, caller: str = "", brand_id: str = ""
    ) -> AcceptedNotification:
        """`caller` (auth.caller's subject) scopes the request_id; `brand_id` is
        the caller's brand: its templates, users and clusters, stored with the request."""
        channels = validate(
            request,
            self.max_recipients,
            self.max_attachment_bytes,
            active=self.active_channels,
            attachment_dir=self.attachments.configured,
        )
        key = idempotency_key(KIND, caller, request.request_id)
        if key is not None and (existing := await self.queue.find_request(key)) is not None:
            return _replay(existing, fingerprint, caller, brand_id)
        content = dataclasses.replace(
            await self._content(request, brand_id),
            brand_id=brand_id,
            call_request_id=bound_request_id(),
        )
        if request.template_id:
            check_rendered(content, channels, f"template {request.template_id!r}", "template_id")
        elif request.interpolated:
            check_rendered(content, channels, "the message", _MESSAGE_PARTS)
        screening = await self._screen(request, channels, caller, brand_id)
        notification_id = new_id()
        now = time.time()
        stored = content_codec.encode(content)
        request_row = {
            "id": notification_id,
            "kind": KIND,
            "idempotency_key": key,
            "fingerprint": fingerprint,
            "caller": caller,
            "brand_id": brand_id,
            "content": stored,
            "summary": _encode_screening(screening),
            "created_at": now,
        }
        rows: list[dict[str, Any]] = []
        for channel in screening.channels:
            for target in screening.targets.get(channel, ()):
                rows.append(
                    queued_row(
                        notification_id,
                        len(rows),
                        channel.value,
                        target.recipient,
                        target.user_id,
                        Lane.TRANSACTIONAL.value,
                        now,
                        now + self.delivery_deadline,
                    )
                )
        try:
            await self.queue.enqueue(request_row, rows)
        except DuplicateRequestError:
            existing = await self.queue.find_request(key or "")
            assert existing is not None
            return _replay(existing, fingerprint, caller, brand_id)
        self.dispatcher.remember(notification_id, content, len(stored))
        self.dispatcher.wake()
        return AcceptedNotification(notification_id, now, screening, replayed=False)

    async def _content(self, request: NotificationRequest, brand_id: str) -> Content:
        """The template (NOT_FOUND if there is none), the email_attachments files,
        then the content rendered with `data` and every attachment merged."""
        template = (
            await self.templates.get(brand_id, request.template_id) if request.template_id else None
        )
        sizes = [len(a.content) for a in request.attachments]
        if template is not None:
            sizes += [len(a.content) for a in template.attachments]
            sizes += [0] * len(request.email_attachments)  # counted here, weighed as loaded
            check_with_template(sizes, self.max_attachment_bytes)
        files = await self.attachments.load(request.email_attachments, sum(sizes))
        return content_for(request, template, files)

    async def _screen(
        self,
        request: NotificationRequest,
        channels: tuple[Channel, ...],
        caller: str,
        brand_id: str,
    ) -> Screening:
        """Resolve clusters (an unknown one is NOT_FOUND) and the users' contact
        points, then screen every recipient on every channel."""
        members: list[str] = []
        if request.clusters:
            found = await self.directory.cluster_member_ids(brand_id, request.clusters)
            for cluster_id in request.clusters:
                if cluster_id not in found:
                    raise cluster_not_found(cluster_id)
            members = [
                m for cluster_id in dict.fromkeys(request.clusters) for m in found[cluster_id]
            ]
        directory = {}
        if request.to_people or Channel.PUSH in channels:
            ids = people_ids(request, members)
            if len(ids) > 10 * self.max_recipients:
                raise InvalidArgumentError(
                    [
                        FieldViolation(
                            "clusters" if request.clusters else "recipients",
                            f"reach {len(ids)} users; a notification reaches at most "
                            f"{10 * self.max_recipients} (use a campaign for more)",
                        )
                    ]
                )
            directory = await self.directory.contact_points(brand_id, ids)
        policy = await self.policy.prepare(current_caller())
        return screen(request, channels, caller, policy, self.max_recipients, directory, members)

    # -- GetNotification / WatchNotification -----------------------------------

    async def get(self, notification_id: str, brand_id: str = "") -> NotificationView:
        """Another brand's notification is NOT_FOUND, like one that does not exist."""
        row = await self.queue.get_request(notification_id)
        if row is None or row.kind != KIND or row.brand_id != brand_id:
            raise NotFoundError(RESOURCE_TYPE, f"notifications/{notification_id}")
        screening = _decode_screening(row.summary)
        content = content_codec.decode(row.content)
        deliveries = [
            DeliveryView.from_row(r) for r in await self.queue.request_deliveries(notification_id)
        ]
        return NotificationView(
            notification_id, content.subject, screening.channels, row.created_at, deliveries
        )

    async def watch(self, notification_id: str, brand_id: str = "") -> AsyncIterator[Progress]:
        """The notification as it stands, then every delivery state change, until
        all are final. Subscribed before the snapshot is read, so nothing is missed."""
        with self.dispatcher.hub.watch(notification_id) as updates:
            view = await self.get(notification_id, brand_id)
            yield Progress(view, None)
            latest = {d.id: d for d in view.deliveries}
            while not all(d.state.final for d in latest.values()):
                try:
                    fresh = [await asyncio.wait_for(updates.get(), POLL_SECONDS)]
                    while not updates.empty():
                        fresh.append(updates.get_nowait())
                except TimeoutError:
                    fresh = [
                        DeliveryView.from_row(r)
                        for r in await self.queue.request_deliveries(notification_id)
                    ]
                for delivery in fresh:
                    known = latest.get(delivery.id)
                    if known is None or not _newer(delivery, known):
                        continue
                    latest[delivery.id] = delivery
                    view = NotificationView(
                        view.notification_id,
                        view.subject,
                        view.channels,
                        view.queued_at,
                        list(latest.values()),
                    )
                    yield Progress(view, delivery)


def _newer(candidate: DeliveryView, known: DeliveryView) -> bool:
    """Whether `candidate` is a later state of the delivery than `known`. A final state
    and a later attempt are later whatever their updated_at says: replicas stamp
    updated_at with their own clocks, and one a little behind another must not keep a
    watch waiting for an outcome it has already recorded."""
    if known.state.final:
        return False
    if candidate.state.final:
        return True
    if candidate.attempts != known.attempts:
        return candidate.attempts > known.attempts
    if candidate.updated_at != known.updated_at:
        return candidate.updated_at > known.updated_at
    return (candidate.state, candidate.attempts) != (known.state, known.attempts)


def _replay(existing: Any, fingerprint: str, caller: str, brand_id: str) -> AcceptedNotification:
    # The same subject acting for another brand reuses nothing of this one. Nor does
    # another caller: a key stored before request_ids were escaped can equal its key.
    if (
        existing.fingerprint != fingerprint
        or existing.caller != caller
        or existing.brand_id != brand_id
    ):
        raise AlreadyExistsError(
            "request_id was already used for a different request", "REQUEST_ID_REUSED"
        )
    return AcceptedNotification(
        existing.id, existing.created_at, _decode_screening(existing.summary), replayed=True
    )


def _encode_screening(screening: Screening) -> bytes:
    return json.dumps(
        {
            "channels": [c.value for c in screening.channels],
            "accepted": {c.value: r for c, r in screening.accepted.items()},
            "rejected": {
                c.value: [[r.recipient, r.reason.value, r.detail] for r in rejections]
                for c, rejections in screening.rejected.items()
            },
            "failures": [[f.user_id, f.channel.value, f.error] for f in screening.failures],
        },
        separators=(",", ":"),
    ).encode()


def _decode_screening(raw: bytes) -> Screening:
    doc = json.loads(raw)
    return Screening(
        channels=tuple(Channel(c) for c in doc["channels"]),
        accepted={Channel(c): list(r) for c, r in doc["accepted"].items()},
        rejected={
            Channel(c): [Rejection(r, Reason(reason), detail) for r, reason, detail in items]
            for c, items in doc["rejected"].items()
        },
        failures=[
            Failure(user_id, Channel(c), error) for user_id, c, error in doc.get("failures", [])
        ],
    )
