"""CampaignService's work: stored campaigns, and sends that stream their
recipients into the queue in batches, in the bulk lane, with progress read from
the deliveries themselves."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import time
from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from herald.core import content_codec
from herald.core.campaign import (
    CampaignSpec,
    Recipient,
    SendStatus,
    route,
    validate_campaign,
    validate_send,
)
from herald.core.channel import Channel, DeliveryState, Lane
from herald.core.errors import (
    AlreadyExistsError,
    FailedPreconditionError,
    InvalidArgumentError,
    NotFoundError,
    PreconditionViolation,
)
from herald.core.idempotency import idempotency_key
from herald.core.ids import new_id
from herald.core.message import Content
from herald.core.rendered import check_rendered
from herald.dispatch.dispatcher import Dispatcher
from herald.logging import bound_request_id
from herald.store.campaigns import CampaignStore, Progress
from herald.store.queue import queued_row

KIND = "campaign"
# Recipients stored per transaction: small enough that building a batch (about
# 3.5 ms of event-loop time) and committing it never hold up a SendMessage for
# long (bench/results/campaign-20261125T135515Z.md measured 14 ms at 1,000).
BATCH = 250
WATCH_INTERVAL = 0.25  # seconds between progress reads of a watched send
PREPARING = "preparing"  # the send row's status while its recipients are being stored


class RecipientLike(Protocol):
    @property
    def person_id(self) -> str: ...

    @property
    def recipient(self) -> str: ...


class TemplateSource(Protocol):
    """Where a campaign's template content comes from (TemplateService)."""

    async def exists(self, brand_id: str, template_id: str) -> bool: ...

    async def content(
        self, brand_id: str, template_id: str, data: Mapping[str, Any]
    ) -> Content: ...


class NoTemplates:
    async def exists(self, brand_id: str, template_id: str) -> bool:
        return False

    async def content(self, brand_id: str, template_id: str, data: Mapping[str, Any]) -> Content:
        raise NotFoundError("herald.v1.Template", template_id)


@dataclass(frozen=True, slots=True)
class SendView:
    id: str
    campaign_id: str
    brand_id: str
    status: SendStatus
    total_recipients: int
    sent: int
    failed: int
    cancelled: int
    started_at: float | None
    completed_at: float | None
    created_by: str
    created_at: float

    @property
    def finished(self) -> bool:
        return self.status in (SendStatus.COMPLETED, SendStatus.CANCELLED) and (
            self.sent + self.failed + self.cancelled == self.total_recipients
        )


def _view(row: Any, progress: Progress) -> SendView:
    cancelled = row.status == SendStatus.CANCELLED.value
    # Recipients a cancelled send has not stored are never sent: they are counted
    # cancelled (its SendCampaign call was cut off, or stores them cancelled).
    unstored = row.total_recipients - progress.queued if cancelled else 0
    done = (cancelled or progress.queued == row.total_recipients) and progress.in_flight == 0
    if cancelled:
        status = SendStatus.CANCELLED
    elif row.status != PREPARING and done:
        status = SendStatus.COMPLETED
    elif progress.final or progress.queued > progress.in_flight:
        status = SendStatus.SENDING
    else:
        status = SendStatus.QUEUED
    return SendView(
        id=row.id,
        campaign_id=row.campaign_id,
        brand_id=row.brand_id,
        status=status,
        total_recipients=row.total_recipients,
        sent=progress.sent,
        failed=progress.failed,
        cancelled=progress.cancelled + unstored,
        started_at=row.started_at,
        completed_at=progress.last_completed_at if done and row.status != PREPARING else None,
        created_by=row.created_by,
        created_at=row.created_at,
    )


@dataclass(frozen=True, slots=True)
class _Routed:
    """Where one recipient goes, or why nowhere (error_code and problem)."""

    person_id: str
    channel: Channel
    address: str
    error_code: str = ""
    problem: str = ""


def _routed(
    recipient: RecipientLike, channels: Sequence[Channel], seen: set[tuple[Channel, str]]
) -> _Routed:
    channel, address, problem = route(Recipient(recipient.person_id, recipient.recipient), channels)
    if problem:
        return _Routed(recipient.person_id, channel, address, "INVALID_RECIPIENT", problem)
    key = (channel, address.lower() if channel is Channel.EMAIL else address)
    if key in seen:
        return _Routed(
            recipient.person_id,
            channel,
            address,
            "DUPLICATE_RECIPIENT",
            "listed earlier in this send's recipients",
        )
    seen.add(key)
    return _Routed(recipient.person_id, channel, address)


class Campaigns:
    def __init__(
        self,
        store: CampaignStore,
        dispatcher: Dispatcher,
        templates: TemplateSource,
        delivery_deadline: float,
    ) -> None:
        self.store = store
        self.dispatcher = dispatcher
        self.templates = templates
        self.delivery_deadline = delivery_deadline

    # -- campaigns ----------------------------------------------------------

    async def create(self, spec: CampaignSpec, brand_id: str, caller: str) -> Any:
        validate_campaign(spec)
        if spec.template_id and not await self.templates.exists(brand_id, spec.template_id):
            raise NotFoundError("herald.v1.Template", spec.template_id)
        campaign_id = spec.id or new_id()
        await self.store.create_campaign(
            {
                "brand_id": brand_id,
                "id": campaign_id,
                "display_name": spec.display_name,
                "channels": json.dumps([c.value for c in spec.channels if c is not None]),
                "template_id": spec.template_id,
                "content": json.dumps(
                    {
                        "subject": spec.subject,
                        "body": spec.body,
                        "body_html": spec.body_html,
                        "data": dict(spec.data),
                    }
                ).encode(),
                "created_by": caller,
                "created_at": time.time(),
            }
        )
        return await self.get(brand_id, campaign_id)

    async def get(self, brand_id: str, campaign_id: str) -> Any:
        row = await self.store.get_campaign(brand_id, campaign_id)
        if row is None:
            raise NotFoundError("herald.v1.Campaign", campaign_id)
        return row

    # -- sends ----------------------------------------------------------------

    async def send(
        self,
        brand_id: str,
        campaign_id: str,
        recipients: Sequence[RecipientLike],
        request_id: str,
        fingerprint: str,
        caller: str,
    ) -> SendView:
        validate_send(recipients, request_id)  # type: ignore[arg-type]
        campaign = await self.get(brand_id, campaign_id)
        key = idempotency_key(KIND, caller, request_id)
        existing = await self.store.find_send(brand_id, campaign_id)
        if existing is None:
            content = dataclasses.replace(
                await self._content(brand_id, campaign),
                brand_id=brand_id,
                call_request_id=bound_request_id(),
            )
            send_id = new_id()
            now = time.time()
            created = await self.store.create_send(
                {
                    "id": send_id,
                    "kind": KIND,
                    "idempotency_key": key,
                    "fingerprint": fingerprint,
                    "caller": caller,
                    "brand_id": brand_id,
                    "content": content_codec.encode(content),
                    "summary": None,
                    "created_at": now,
                },
                {
                    "id": send_id,
                    "brand_id": brand_id,
                    "campaign_id": campaign_id,
                    "status": PREPARING,
                    "total_recipients": len(recipients),
                    "created_by": caller,
                    "created_at": now,
                },
            )
            existing = await self.store.find_send(brand_id, campaign_id)
            if existing is None:  # not this campaign's send: the key is another send's
                raise AlreadyExistsError(
                    "request_id was already used for a different request", "REQUEST_ID_REUSED"
                )
            if created:
                await self._store_recipients(existing, campaign, recipients, 0)
                return await self.get_send(brand_id, send_id)
        # The campaign has a send: this request's own (a retry), or another one.
        same_request = (
            key is not None and existing.idempotency_key == key and existing.created_by == caller
        )
        if same_request and existing.fingerprint != fingerprint:
            raise AlreadyExistsError(
                "request_id was already used for a different request", "REQUEST_ID_REUSED"
            )
        retry = same_request or (
            existing.status == PREPARING and existing.fingerprint == fingerprint
        )
        if not retry:
            raise AlreadyExistsError(
                f"campaign {campaign_id!r} was already sent", "CAMPAIGN_ALREADY_SENT"
            )
        if existing.status == PREPARING:
            # The first call died while storing recipients, or is still storing them:
            # store from the last stored position; a position both store is stored once.
            start = await self.store.next_position(existing.id)
            await self._store_recipients(existing, campaign, recipients, start)
        return await self.get_send(brand_id, existing.id)

    async def _content(self, brand_id: str, campaign: Any) -> Content:
        stored = json.loads(campaign.content)
        if campaign.template_id:
            try:
                content = await self.templates.content(
                    brand_id, campaign.template_id, stored.get("data") or {}
                )
                channels = [Channel(c) for c in json.loads(campaign.channels)]
                check_rendered(content, channels, f"template {campaign.template_id!r}", "data")
                return content
            except NotFoundError:
                # Deleted since the campaign was made: the campaign itself exists.
                raise FailedPreconditionError(
                    f"the campaign's template {campaign.template_id!r} no longer exists",
                    "TEMPLATE_NOT_FOUND",
                    [
                        PreconditionViolation(
                            "TEMPLATE_NOT_FOUND",
                            f"template:{campaign.template_id}",
                            "the template was deleted",
                        )
                    ],
                ) from None
            except InvalidArgumentError as exc:
                # The campaign's own data against its template, as they are now: nothing
                # in the SendCampaign request to correct. A part a channel needs that
                # renders empty is one too (core/rendered.py).
                raise FailedPreconditionError(
                    f"the campaign's template {campaign.template_id!r} does not render "
                    "a sendable message with the campaign's data",
                    exc.reason,
                    [
                        PreconditionViolation(
                            exc.reason, f"template:{campaign.template_id}", v.description
                        )
                        for v in exc.violations
                    ],
                ) from None
        return Content(
            subject=stored["subject"], text=stored["body"], html=stored["body_html"] or None
        )

    async def _store_recipients(
        self, send: Any, campaign: Any, recipients: Sequence[RecipientLike], start: int
    ) -> None:
        """Stream the recipients into the queue, BATCH per transaction, from position
        `start`; each batch is claimable as soon as it commits."""
        channels = [Channel(c) for c in json.loads(campaign.channels)]
        # A person listed twice gets the message once (a retry rebuilds what the call
        # before it had seen).
        seen: set[tuple[Channel, str]] = set()
        for position in range(start):
            _routed(recipients[position], channels, seen)
        for first in range(start, len(recipients), BATCH):
            now = time.time()
            rows = [
                self._row(send.id, position, _routed(recipients[position], channels, seen), now)
                for position in range(first, min(first + BATCH, len(recipients)))
            ]
            # Stored cancelled if the send is cancelled when the batch commits: the
            # store decides that in the batch's transaction, not from a read before it.
            await self.store.add_deliveries(rows)
            self.dispatcher.wake()
        await self.store.finish_preparing(send.id, time.time())

    def _row(self, send_id: str, position: int, routed: _Routed, now: float) -> dict[str, Any]:
        row = queued_row(
            send_id,
            position,
            routed.channel.value,
            routed.address,
            routed.person_id,
            Lane.BULK.value,
            now,
            now + self.delivery_deadline,
        )
        if routed.problem:
            # Settled at once, so the send's counters still add up to its total.
            row.update(
                state=DeliveryState.FAILED.value,
                error_code=routed.error_code,
                error=routed.problem,
                permanent=True,
                completed_at=now,
            )
        return row

    async def get_send(self, brand_id: str, send_id: str) -> SendView:
        row = await self.store.get_send(brand_id, send_id)
        if row is None:
            raise NotFoundError("herald.v1.CampaignSend", send_id)
        return _view(row, await self.store.progress(send_id))

    async def watch(self, brand_id: str, send_id: str) -> AsyncIterator[SendView]:
        """The send as it stands, then each change, at most every WATCH_INTERVAL,
        until it is completed or cancelled with nothing in flight."""
        last = None
        while True:
            view = await self.get_send(brand_id, send_id)
            if view != last:
                yield view
                last = view
            if view.finished:
                return
            await asyncio.sleep(WATCH_INTERVAL)

    async def cancel(self, brand_id: str, send_id: str) -> SendView:
        view = await self.get_send(brand_id, send_id)
        completed = view.status is SendStatus.COMPLETED
        if not completed and view.status is not SendStatus.CANCELLED:
            # False when its last deliveries finished since it was read.
            completed = not await self.store.cancel(send_id, time.time())
            if not completed:
                self.dispatcher.send_cancelled(send_id)
        if completed:
            raise FailedPreconditionError(
                "the campaign send is already completed", "CAMPAIGN_SEND_COMPLETED"
            )
        return await self.get_send(brand_id, send_id)
