"""SendNotification, GetNotification and WatchNotification messages to domain
values and back."""

from __future__ import annotations

import re

from herald.api.convert import CHANNEL_FROM_PROTO, CHANNEL_TO_PROTO, STATE_TO_PROTO, timestamp
from herald.api.template_service import data_of
from herald.core.channel import DeliveryState
from herald.core.delivery import DeliveryView
from herald.core.errors import FieldViolation, InvalidArgumentError
from herald.core.message import Attachment
from herald.core.notification import NotificationRequest, Reason, Screening
from herald.dispatch.notifications import AcceptedNotification, NotificationView
from herald.store.queue import HELD
from herald.v1 import common_pb2, delivery_pb2

REASON_TO_PROTO: dict[Reason, int] = {
    Reason.INVALID_EMAIL: delivery_pb2.REJECTION_REASON_INVALID_EMAIL,
    Reason.INVALID_PHONE: delivery_pb2.REJECTION_REASON_INVALID_PHONE,
    Reason.NOT_IN_ALLOW_LIST: delivery_pb2.REJECTION_REASON_NOT_IN_ALLOW_LIST,
    Reason.MAX_RECIPIENTS_EXCEEDED: delivery_pb2.REJECTION_REASON_MAX_RECIPIENTS_EXCEEDED,
    Reason.DUPLICATE_RECIPIENT: delivery_pb2.REJECTION_REASON_DUPLICATE_RECIPIENT,
    Reason.INVALID_URL: delivery_pb2.REJECTION_REASON_INVALID_URL,
    Reason.INVALID_RECIPIENT: delivery_pb2.REJECTION_REASON_INVALID_RECIPIENT,
    Reason.UNKNOWN_USER: delivery_pb2.REJECTION_REASON_UNKNOWN_USER,
    Reason.NO_CONTACT_POINT: delivery_pb2.REJECTION_REASON_NO_CONTACT_POINT,
}
_NAME = re.compile(r"^notifications/([0-9a-f]{32})$")


def notification_request(request: delivery_pb2.SendNotificationRequest) -> NotificationRequest:
    return NotificationRequest(
        channels=tuple(CHANNEL_FROM_PROTO.get(c) for c in request.channels),
        to=tuple(request.to),
        subject=request.subject,
        body=request.body,
        body_html=request.body_html,
        request_id=request.request_id,
        attachments=tuple(
            Attachment(a.filename, a.content_type or "application/octet-stream", a.content)
            for a in request.attachments
        ),
        recipients=tuple(request.recipients),
        clusters=tuple(request.clusters),
        message_title=request.message_title,
        message_content=request.message_content,
        template_id=request.template_id,
        data=data_of(request.data) if request.HasField("data") else {},
        email_attachments=tuple(request.email_attachments),
    )


def notification_id(name: str) -> str:
    match = _NAME.match(name)
    if match is None:
        raise InvalidArgumentError(
            [FieldViolation("name", "must be notifications/{notification_id}")]
        )
    return match.group(1)


def _recipients(
    screening: Screening,
) -> tuple[list[delivery_pb2.ChannelRecipients], list[delivery_pb2.ChannelRejections]]:
    accepted = [
        delivery_pb2.ChannelRecipients(channel=CHANNEL_TO_PROTO[c], recipients=r)  # type: ignore[arg-type]
        for c, r in screening.accepted.items()
    ]
    rejected = [
        delivery_pb2.ChannelRejections(
            channel=CHANNEL_TO_PROTO[c],  # type: ignore[arg-type]
            rejected=[
                delivery_pb2.RejectedRecipient(
                    recipient=r.recipient,
                    reason=REASON_TO_PROTO[r.reason],  # type: ignore[arg-type]
                )
                for r in rejections
            ],
        )
        for c, rejections in screening.rejected.items()
    ]
    return accepted, rejected


def send_response(accepted: AcceptedNotification) -> delivery_pb2.SendNotificationResponse:
    ok, refused = _recipients(accepted.screening)
    return delivery_pb2.SendNotificationResponse(
        notification_id=accepted.notification_id,
        name=f"notifications/{accepted.notification_id}",
        queued_at=timestamp(accepted.queued_at),
        channels=[CHANNEL_TO_PROTO[c] for c in accepted.screening.channels],  # type: ignore[misc]
        accepted_recipients=ok,
        rejected_recipients=refused,
        failures=[
            delivery_pb2.RecipientFailure(
                user_id=f.user_id,
                channel=CHANNEL_TO_PROTO[f.channel],  # type: ignore[arg-type]
                error=f.error,
            )
            for f in accepted.screening.failures
        ],
        replayed=accepted.replayed,
    )


def delivery(view: DeliveryView) -> common_pb2.Delivery:
    return common_pb2.Delivery(
        id=view.id,
        channel=CHANNEL_TO_PROTO[view.channel],  # type: ignore[arg-type]
        recipient=view.recipient,
        user_id=view.user_id,
        state=STATE_TO_PROTO[view.state],  # type: ignore[arg-type]
        attempts=view.attempts,
        error_code=view.error_code,
        error=view.error,
        permanent=view.permanent,
        provider_message_id=view.provider_message_id,
        created_at=timestamp(view.created_at),
        updated_at=timestamp(view.updated_at),
        next_attempt_at=(
            timestamp(view.next_attempt_at)
            if view.state is DeliveryState.QUEUED and view.next_attempt_at < HELD
            else None
        ),
        completed_at=timestamp(view.completed_at),
    )


def state(view: NotificationView) -> int:
    if view.completed:
        return delivery_pb2.NOTIFICATION_STATE_COMPLETED
    return delivery_pb2.NOTIFICATION_STATE_IN_PROGRESS


def notification(view: NotificationView, with_deliveries: bool = True) -> delivery_pb2.Notification:
    return delivery_pb2.Notification(
        name=f"notifications/{view.notification_id}",
        notification_id=view.notification_id,
        state=state(view),  # type: ignore[arg-type]
        subject=view.subject,
        channels=[CHANNEL_TO_PROTO[c] for c in view.channels],  # type: ignore[misc]
        queued_at=timestamp(view.queued_at),
        completed_at=timestamp(view.completed_at),
        total=len(view.deliveries),
        delivered=view.delivered,
        failed=view.failed,
        deliveries=[delivery(d) for d in view.deliveries] if with_deliveries else [],
    )
