"""herald.v1.DeliveryService."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any, TypeAlias

from herald.api import convert, notification_convert
from herald.api.errors import streaming, unary
from herald.auth.caller import current
from herald.core.errors import FieldViolation, InvalidArgumentError
from herald.dispatch.notifications import Notifications
from herald.dispatch.sender import Sender
from herald.v1 import delivery_pb2, delivery_pb2_grpc

# grpc.aio.ServicerContext; grpc ships no type information.
Context: TypeAlias = Any
DEADLINE_MARGIN = 0.05  # seconds kept to send the answer before the caller's deadline


def _time_left(context: Context) -> float | None:
    remaining = context.time_remaining()
    return None if remaining is None else max(0.0, remaining - DEADLINE_MARGIN)


def _check_enums(request: delivery_pb2.SendMessageRequest) -> None:
    """Enum values this server does not know (a newer client's) are refused."""
    if not (request.delivery_method or request.message_type or request.mode):
        return
    problems = []
    if request.mode not in convert.MODES:
        problems.append(
            FieldViolation("mode", "must be DISPATCH_MODE_ALL or DISPATCH_MODE_FALLBACK")
        )
    if request.delivery_method and request.delivery_method not in convert.DELIVERY_METHODS:
        problems.append(FieldViolation("delivery_method", "must be sms, email or both"))
    if request.message_type and request.message_type not in convert.MESSAGE_TYPES:
        problems.append(
            FieldViolation("message_type", "must be welcome, logininfo or forgottenpassword")
        )
    if problems:
        raise InvalidArgumentError(problems)


def within(parent: str, exc: InvalidArgumentError) -> InvalidArgumentError:
    """The same error with each violation's field path under `parent`."""
    violations = [
        FieldViolation(f"{parent}.{v.field}" if v.field else parent, v.description)
        for v in exc.violations
    ]
    return InvalidArgumentError(violations, exc.reason)


class DeliveryService(delivery_pb2_grpc.DeliveryServiceServicer):
    def __init__(self, sender: Sender, notifications: Notifications) -> None:
        self.sender = sender
        self.notifications = notifications

    @unary
    async def SendMessage(
        self, request: delivery_pb2.SendMessageRequest, context: Context
    ) -> delivery_pb2.SendMessageResponse:
        _check_enums(request)
        caller = current()
        accepted = await self.sender.send_message(
            convert.message_request(request),
            convert.fingerprint(request),
            caller.subject,
            caller.brand_id,
        )
        views = await self.sender.results(accepted, _time_left(context))
        return delivery_pb2.SendMessageResponse(
            results=[convert.channel_result(v) for v in views],
            message_id=accepted.message_id,
            replayed=accepted.replayed,
        )

    @streaming
    async def SendMessageStream(
        self, request: delivery_pb2.SendMessageStreamRequest, context: Context
    ) -> AsyncIterator[delivery_pb2.SendMessageStreamResponse]:
        if not request.HasField("message"):
            raise InvalidArgumentError([FieldViolation("message", "is required")])
        message = request.message
        caller = current()
        try:
            _check_enums(message)
            accepted = await self.sender.send_message(
                convert.message_request(message),
                convert.fingerprint(message),
                caller.subject,
                caller.brand_id,
            )
        except InvalidArgumentError as exc:  # the fields are the message's
            raise within("message", exc) from None
        succeeded = failed = 0
        async for view in self.sender.completions(accepted, _time_left(context)):
            if view.success:
                succeeded += 1
            else:
                failed += 1
            yield delivery_pb2.SendMessageStreamResponse(result=convert.channel_result(view))
        yield delivery_pb2.SendMessageStreamResponse(
            summary=delivery_pb2.SendSummary(
                message_id=accepted.message_id,
                total=len(accepted.deliveries),
                succeeded=succeeded,
                failed=failed,
                replayed=accepted.replayed,
            )
        )

    @unary
    async def SendNotification(
        self, request: delivery_pb2.SendNotificationRequest, context: Context
    ) -> delivery_pb2.SendNotificationResponse:
        caller = current()
        accepted = await self.notifications.send(
            notification_convert.notification_request(request),
            convert.fingerprint(request),
            caller.subject,
            caller.brand_id,
        )
        return notification_convert.send_response(accepted)

    @unary
    async def GetNotification(
        self, request: delivery_pb2.GetNotificationRequest, context: Context
    ) -> delivery_pb2.GetNotificationResponse:
        view = await self.notifications.get(
            notification_convert.notification_id(request.name), current().brand_id
        )
        return delivery_pb2.GetNotificationResponse(
            notification=notification_convert.notification(view)
        )

    @streaming
    async def WatchNotification(
        self, request: delivery_pb2.WatchNotificationRequest, context: Context
    ) -> AsyncIterator[delivery_pb2.WatchNotificationResponse]:
        notification_id = notification_convert.notification_id(request.name)
        async for progress in self.notifications.watch(notification_id, current().brand_id):
            view = progress.view
            event = delivery_pb2.WatchNotificationResponse(
                total=len(view.deliveries),
                delivered=view.delivered,
                failed=view.failed,
                state=notification_convert.state(view),  # type: ignore[arg-type]
            )
            if progress.delivery is None:
                event.snapshot.CopyFrom(notification_convert.notification(view))
            else:
                event.delivery.CopyFrom(notification_convert.delivery(progress.delivery))
            yield event
