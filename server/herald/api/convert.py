"""Proto messages to domain values and back."""

from __future__ import annotations

import hashlib
from typing import Any

from google.protobuf import json_format
from google.protobuf.message import Message
from google.protobuf.timestamp_pb2 import Timestamp

from herald.core.channel import Channel, DeliveryState
from herald.core.delivery import DeliveryView
from herald.core.errors import FieldViolation, InvalidArgumentError
from herald.core.message import (
    Attachment,
    DeliveryMethod,
    DispatchMode,
    MessageBody,
    MessageRequest,
)
from herald.v1 import common_pb2, delivery_pb2

CHANNEL_FROM_PROTO: dict[int, Channel] = {
    common_pb2.CHANNEL_EMAIL: Channel.EMAIL,
    common_pb2.CHANNEL_SMS: Channel.SMS,
    common_pb2.CHANNEL_PUSH: Channel.PUSH,
    common_pb2.CHANNEL_IN_APP: Channel.IN_APP,
    common_pb2.CHANNEL_WEBHOOK: Channel.WEBHOOK,
}
CHANNEL_TO_PROTO = {v: k for k, v in CHANNEL_FROM_PROTO.items()}

STATE_TO_PROTO: dict[DeliveryState, int] = {
    DeliveryState.QUEUED: common_pb2.DELIVERY_STATE_QUEUED,
    DeliveryState.SENDING: common_pb2.DELIVERY_STATE_SENDING,
    DeliveryState.DELIVERED: common_pb2.DELIVERY_STATE_DELIVERED,
    DeliveryState.FAILED: common_pb2.DELIVERY_STATE_FAILED,
    DeliveryState.SKIPPED: common_pb2.DELIVERY_STATE_SKIPPED,
    DeliveryState.CANCELLED: common_pb2.DELIVERY_STATE_CANCELLED,
}

MODES = {
    delivery_pb2.DISPATCH_MODE_UNSPECIFIED: DispatchMode.ALL,
    delivery_pb2.DISPATCH_MODE_ALL: DispatchMode.ALL,
    delivery_pb2.DISPATCH_MODE_FALLBACK: DispatchMode.FALLBACK,
}


DELIVERY_METHODS = {
    common_pb2.DELIVERY_METHOD_SMS: DeliveryMethod.SMS,
    common_pb2.DELIVERY_METHOD_EMAIL: DeliveryMethod.EMAIL,
    common_pb2.DELIVERY_METHOD_BOTH: DeliveryMethod.BOTH,
}
MESSAGE_TYPES = {
    common_pb2.MESSAGE_TYPE_WELCOME: "welcome",
    common_pb2.MESSAGE_TYPE_LOGININFO: "logininfo",
    common_pb2.MESSAGE_TYPE_FORGOTTENPASSWORD: "forgottenpassword",
}


def fingerprint(request: Message) -> str:
    """A digest of the request without its request_id, to tell a retry from a reuse
    (only needed, so only computed, when there is a request_id)."""
    if not getattr(request, "request_id", ""):
        return ""
    copy = type(request)()
    copy.CopyFrom(request)
    copy.ClearField("request_id")
    return hashlib.sha256(copy.SerializeToString(deterministic=True)).hexdigest()


def timestamp(seconds: float | None) -> Timestamp | None:
    if seconds is None:
        return None
    stamp = Timestamp()
    stamp.FromNanoseconds(int(seconds * 1e9))
    return stamp


def message_request(request: delivery_pb2.SendMessageRequest) -> MessageRequest:
    return MessageRequest(
        subject=request.subject,
        body=request.body,
        channels=tuple(CHANNEL_FROM_PROTO.get(c) for c in request.channels),
        email_address=request.email_address.strip(),
        phone_number=request.phone_number.strip(),
        user_id=request.user_id,
        push_token=request.push_token.strip(),
        webhook_url=request.webhook_url.strip(),
        is_html=request.is_html,
        request_id=request.request_id,
        attachments=tuple(
            Attachment(a.filename, a.content_type or "application/octet-stream", a.content)
            for a in request.attachments
        ),
        push_data=dict(request.push_data),
        mode=MODES[request.mode],
        delivery_method=DELIVERY_METHODS.get(request.delivery_method),
        template_id=request.communication_template_id,
        message_type=MESSAGE_TYPES.get(request.message_type, ""),
        message_body=(
            MessageBody(
                request.message_body.subject, request.message_body.text, request.message_body.html
            )
            if request.HasField("message_body")
            else None
        ),
        data=struct_data(request.data, "data") if request.HasField("data") else {},
    )


def struct_data(data: Any, field: str) -> dict[str, Any]:
    """A google.protobuf.Struct as plain values, whole numbers as ints; NaN and
    Infinity (which JSON cannot carry) are a field violation."""
    try:
        return _integral(json_format.MessageToDict(data))  # type: ignore[no-any-return]
    except ValueError as exc:
        raise InvalidArgumentError([FieldViolation(field, f"not valid JSON data: {exc}")]) from exc


def _integral(value: Any) -> Any:
    """Struct numbers are doubles; 3.0 renders as "3", as the caller meant."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    if isinstance(value, dict):
        return {k: _integral(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_integral(v) for v in value]
    return value


def channel_result(view: DeliveryView) -> common_pb2.ChannelResult:
    result = common_pb2.ChannelResult(
        channel=CHANNEL_TO_PROTO[view.channel],  # type: ignore[arg-type]
        success=view.success,
        error=view.error,
        error_code=view.error_code,
        permanent=view.permanent,
        recipient=view.recipient,
        user_id=view.user_id,
        attempts=view.attempts,
        delivery_id=view.id,
        provider_message_id=view.provider_message_id,
        state=STATE_TO_PROTO[view.state],  # type: ignore[arg-type]
    )
    if view.completed_at is not None:
        result.completed_at.FromNanoseconds(int(view.completed_at * 1e9))
    if view.state is DeliveryState.SENDING:
        result.error = "not finished before the call's deadline; it goes on in the background"
        result.error_code = "IN_PROGRESS"
    if view.sms_encoding:
        result.sms.encoding = view.sms_encoding
        result.sms.segments = view.sms_segments
    return result
