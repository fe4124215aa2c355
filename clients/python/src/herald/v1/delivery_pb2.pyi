import datetime

from google.api import annotations_pb2 as _annotations_pb2
from google.protobuf import struct_pb2 as _struct_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from herald.v1 import common_pb2 as _common_pb2
from herald.v1 import options_pb2 as _options_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class DispatchMode(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    DISPATCH_MODE_UNSPECIFIED: _ClassVar[DispatchMode]
    DISPATCH_MODE_ALL: _ClassVar[DispatchMode]
    DISPATCH_MODE_FALLBACK: _ClassVar[DispatchMode]

class RejectionReason(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    REJECTION_REASON_UNSPECIFIED: _ClassVar[RejectionReason]
    REJECTION_REASON_INVALID_EMAIL: _ClassVar[RejectionReason]
    REJECTION_REASON_INVALID_PHONE: _ClassVar[RejectionReason]
    REJECTION_REASON_NOT_IN_ALLOW_LIST: _ClassVar[RejectionReason]
    REJECTION_REASON_MAX_RECIPIENTS_EXCEEDED: _ClassVar[RejectionReason]
    REJECTION_REASON_DUPLICATE_RECIPIENT: _ClassVar[RejectionReason]
    REJECTION_REASON_INVALID_URL: _ClassVar[RejectionReason]
    REJECTION_REASON_INVALID_RECIPIENT: _ClassVar[RejectionReason]
    REJECTION_REASON_UNKNOWN_USER: _ClassVar[RejectionReason]
    REJECTION_REASON_NO_CONTACT_POINT: _ClassVar[RejectionReason]

class NotificationState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    NOTIFICATION_STATE_UNSPECIFIED: _ClassVar[NotificationState]
    NOTIFICATION_STATE_IN_PROGRESS: _ClassVar[NotificationState]
    NOTIFICATION_STATE_COMPLETED: _ClassVar[NotificationState]
DISPATCH_MODE_UNSPECIFIED: DispatchMode
DISPATCH_MODE_ALL: DispatchMode
DISPATCH_MODE_FALLBACK: DispatchMode
REJECTION_REASON_UNSPECIFIED: RejectionReason
REJECTION_REASON_INVALID_EMAIL: RejectionReason
REJECTION_REASON_INVALID_PHONE: RejectionReason
REJECTION_REASON_NOT_IN_ALLOW_LIST: RejectionReason
REJECTION_REASON_MAX_RECIPIENTS_EXCEEDED: RejectionReason
REJECTION_REASON_DUPLICATE_RECIPIENT: RejectionReason
REJECTION_REASON_INVALID_URL: RejectionReason
REJECTION_REASON_INVALID_RECIPIENT: RejectionReason
REJECTION_REASON_UNKNOWN_USER: RejectionReason
REJECTION_REASON_NO_CONTACT_POINT: RejectionReason
NOTIFICATION_STATE_UNSPECIFIED: NotificationState
NOTIFICATION_STATE_IN_PROGRESS: NotificationState
NOTIFICATION_STATE_COMPLETED: NotificationState

class MessageBody(_message.Message):
    __slots__ = ("subject", "text", "html")
    SUBJECT_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    HTML_FIELD_NUMBER: _ClassVar[int]
    subject: str
    text: str
    html: str
    def __init__(self, subject: _Optional[str] = ..., text: _Optional[str] = ..., html: _Optional[str] = ...) -> None: ...

class SendMessageRequest(_message.Message):
    __slots__ = ("subject", "body", "channels", "email_address", "phone_number", "user_id", "push_token", "webhook_url", "is_html", "request_id", "delivery_method", "communication_template_id", "message_type", "message_body", "data", "attachments", "push_data", "mode")
    class PushDataEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    SUBJECT_FIELD_NUMBER: _ClassVar[int]
    BODY_FIELD_NUMBER: _ClassVar[int]
    CHANNELS_FIELD_NUMBER: _ClassVar[int]
    EMAIL_ADDRESS_FIELD_NUMBER: _ClassVar[int]
    PHONE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    PUSH_TOKEN_FIELD_NUMBER: _ClassVar[int]
    WEBHOOK_URL_FIELD_NUMBER: _ClassVar[int]
    IS_HTML_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    DELIVERY_METHOD_FIELD_NUMBER: _ClassVar[int]
    COMMUNICATION_TEMPLATE_ID_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_TYPE_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_BODY_FIELD_NUMBER: _ClassVar[int]
    DATA_FIELD_NUMBER: _ClassVar[int]
    ATTACHMENTS_FIELD_NUMBER: _ClassVar[int]
    PUSH_DATA_FIELD_NUMBER: _ClassVar[int]
    MODE_FIELD_NUMBER: _ClassVar[int]
    subject: str
    body: str
    channels: _containers.RepeatedScalarFieldContainer[_common_pb2.Channel]
    email_address: str
    phone_number: str
    user_id: str
    push_token: str
    webhook_url: str
    is_html: bool
    request_id: str
    delivery_method: _common_pb2.DeliveryMethod
    communication_template_id: str
    message_type: _common_pb2.MessageType
    message_body: MessageBody
    data: _struct_pb2.Struct
    attachments: _containers.RepeatedCompositeFieldContainer[_common_pb2.Attachment]
    push_data: _containers.ScalarMap[str, str]
    mode: DispatchMode
    def __init__(self, subject: _Optional[str] = ..., body: _Optional[str] = ..., channels: _Optional[_Iterable[_Union[_common_pb2.Channel, str]]] = ..., email_address: _Optional[str] = ..., phone_number: _Optional[str] = ..., user_id: _Optional[str] = ..., push_token: _Optional[str] = ..., webhook_url: _Optional[str] = ..., is_html: bool = ..., request_id: _Optional[str] = ..., delivery_method: _Optional[_Union[_common_pb2.DeliveryMethod, str]] = ..., communication_template_id: _Optional[str] = ..., message_type: _Optional[_Union[_common_pb2.MessageType, str]] = ..., message_body: _Optional[_Union[MessageBody, _Mapping]] = ..., data: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., attachments: _Optional[_Iterable[_Union[_common_pb2.Attachment, _Mapping]]] = ..., push_data: _Optional[_Mapping[str, str]] = ..., mode: _Optional[_Union[DispatchMode, str]] = ...) -> None: ...

class SendMessageResponse(_message.Message):
    __slots__ = ("results", "message_id", "replayed")
    RESULTS_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_ID_FIELD_NUMBER: _ClassVar[int]
    REPLAYED_FIELD_NUMBER: _ClassVar[int]
    results: _containers.RepeatedCompositeFieldContainer[_common_pb2.ChannelResult]
    message_id: str
    replayed: bool
    def __init__(self, results: _Optional[_Iterable[_Union[_common_pb2.ChannelResult, _Mapping]]] = ..., message_id: _Optional[str] = ..., replayed: bool = ...) -> None: ...

class SendMessageStreamRequest(_message.Message):
    __slots__ = ("message",)
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    message: SendMessageRequest
    def __init__(self, message: _Optional[_Union[SendMessageRequest, _Mapping]] = ...) -> None: ...

class SendSummary(_message.Message):
    __slots__ = ("message_id", "total", "succeeded", "failed", "replayed")
    MESSAGE_ID_FIELD_NUMBER: _ClassVar[int]
    TOTAL_FIELD_NUMBER: _ClassVar[int]
    SUCCEEDED_FIELD_NUMBER: _ClassVar[int]
    FAILED_FIELD_NUMBER: _ClassVar[int]
    REPLAYED_FIELD_NUMBER: _ClassVar[int]
    message_id: str
    total: int
    succeeded: int
    failed: int
    replayed: bool
    def __init__(self, message_id: _Optional[str] = ..., total: _Optional[int] = ..., succeeded: _Optional[int] = ..., failed: _Optional[int] = ..., replayed: bool = ...) -> None: ...

class SendMessageStreamResponse(_message.Message):
    __slots__ = ("result", "summary")
    RESULT_FIELD_NUMBER: _ClassVar[int]
    SUMMARY_FIELD_NUMBER: _ClassVar[int]
    result: _common_pb2.ChannelResult
    summary: SendSummary
    def __init__(self, result: _Optional[_Union[_common_pb2.ChannelResult, _Mapping]] = ..., summary: _Optional[_Union[SendSummary, _Mapping]] = ...) -> None: ...

class SendNotificationRequest(_message.Message):
    __slots__ = ("channels", "to", "subject", "body", "body_html", "request_id", "recipients", "clusters", "message_title", "message_content", "template_id", "data", "email_attachments", "attachments")
    CHANNELS_FIELD_NUMBER: _ClassVar[int]
    TO_FIELD_NUMBER: _ClassVar[int]
    SUBJECT_FIELD_NUMBER: _ClassVar[int]
    BODY_FIELD_NUMBER: _ClassVar[int]
    BODY_HTML_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    RECIPIENTS_FIELD_NUMBER: _ClassVar[int]
    CLUSTERS_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_TITLE_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_CONTENT_FIELD_NUMBER: _ClassVar[int]
    TEMPLATE_ID_FIELD_NUMBER: _ClassVar[int]
    DATA_FIELD_NUMBER: _ClassVar[int]
    EMAIL_ATTACHMENTS_FIELD_NUMBER: _ClassVar[int]
    ATTACHMENTS_FIELD_NUMBER: _ClassVar[int]
    channels: _containers.RepeatedScalarFieldContainer[_common_pb2.Channel]
    to: _containers.RepeatedScalarFieldContainer[str]
    subject: str
    body: str
    body_html: str
    request_id: str
    recipients: _containers.RepeatedScalarFieldContainer[str]
    clusters: _containers.RepeatedScalarFieldContainer[str]
    message_title: str
    message_content: str
    template_id: str
    data: _struct_pb2.Struct
    email_attachments: _containers.RepeatedScalarFieldContainer[str]
    attachments: _containers.RepeatedCompositeFieldContainer[_common_pb2.Attachment]
    def __init__(self, channels: _Optional[_Iterable[_Union[_common_pb2.Channel, str]]] = ..., to: _Optional[_Iterable[str]] = ..., subject: _Optional[str] = ..., body: _Optional[str] = ..., body_html: _Optional[str] = ..., request_id: _Optional[str] = ..., recipients: _Optional[_Iterable[str]] = ..., clusters: _Optional[_Iterable[str]] = ..., message_title: _Optional[str] = ..., message_content: _Optional[str] = ..., template_id: _Optional[str] = ..., data: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., email_attachments: _Optional[_Iterable[str]] = ..., attachments: _Optional[_Iterable[_Union[_common_pb2.Attachment, _Mapping]]] = ...) -> None: ...

class ChannelRecipients(_message.Message):
    __slots__ = ("channel", "recipients")
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    RECIPIENTS_FIELD_NUMBER: _ClassVar[int]
    channel: _common_pb2.Channel
    recipients: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, channel: _Optional[_Union[_common_pb2.Channel, str]] = ..., recipients: _Optional[_Iterable[str]] = ...) -> None: ...

class RejectedRecipient(_message.Message):
    __slots__ = ("recipient", "reason")
    RECIPIENT_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    recipient: str
    reason: RejectionReason
    def __init__(self, recipient: _Optional[str] = ..., reason: _Optional[_Union[RejectionReason, str]] = ...) -> None: ...

class ChannelRejections(_message.Message):
    __slots__ = ("channel", "rejected")
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    REJECTED_FIELD_NUMBER: _ClassVar[int]
    channel: _common_pb2.Channel
    rejected: _containers.RepeatedCompositeFieldContainer[RejectedRecipient]
    def __init__(self, channel: _Optional[_Union[_common_pb2.Channel, str]] = ..., rejected: _Optional[_Iterable[_Union[RejectedRecipient, _Mapping]]] = ...) -> None: ...

class RecipientFailure(_message.Message):
    __slots__ = ("user_id", "channel", "error")
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    user_id: str
    channel: _common_pb2.Channel
    error: str
    def __init__(self, user_id: _Optional[str] = ..., channel: _Optional[_Union[_common_pb2.Channel, str]] = ..., error: _Optional[str] = ...) -> None: ...

class SendNotificationResponse(_message.Message):
    __slots__ = ("notification_id", "name", "queued_at", "channels", "accepted_recipients", "rejected_recipients", "failures", "replayed")
    NOTIFICATION_ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    QUEUED_AT_FIELD_NUMBER: _ClassVar[int]
    CHANNELS_FIELD_NUMBER: _ClassVar[int]
    ACCEPTED_RECIPIENTS_FIELD_NUMBER: _ClassVar[int]
    REJECTED_RECIPIENTS_FIELD_NUMBER: _ClassVar[int]
    FAILURES_FIELD_NUMBER: _ClassVar[int]
    REPLAYED_FIELD_NUMBER: _ClassVar[int]
    notification_id: str
    name: str
    queued_at: _timestamp_pb2.Timestamp
    channels: _containers.RepeatedScalarFieldContainer[_common_pb2.Channel]
    accepted_recipients: _containers.RepeatedCompositeFieldContainer[ChannelRecipients]
    rejected_recipients: _containers.RepeatedCompositeFieldContainer[ChannelRejections]
    failures: _containers.RepeatedCompositeFieldContainer[RecipientFailure]
    replayed: bool
    def __init__(self, notification_id: _Optional[str] = ..., name: _Optional[str] = ..., queued_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., channels: _Optional[_Iterable[_Union[_common_pb2.Channel, str]]] = ..., accepted_recipients: _Optional[_Iterable[_Union[ChannelRecipients, _Mapping]]] = ..., rejected_recipients: _Optional[_Iterable[_Union[ChannelRejections, _Mapping]]] = ..., failures: _Optional[_Iterable[_Union[RecipientFailure, _Mapping]]] = ..., replayed: bool = ...) -> None: ...

class Notification(_message.Message):
    __slots__ = ("name", "notification_id", "state", "subject", "channels", "queued_at", "completed_at", "total", "delivered", "failed", "deliveries")
    NAME_FIELD_NUMBER: _ClassVar[int]
    NOTIFICATION_ID_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    SUBJECT_FIELD_NUMBER: _ClassVar[int]
    CHANNELS_FIELD_NUMBER: _ClassVar[int]
    QUEUED_AT_FIELD_NUMBER: _ClassVar[int]
    COMPLETED_AT_FIELD_NUMBER: _ClassVar[int]
    TOTAL_FIELD_NUMBER: _ClassVar[int]
    DELIVERED_FIELD_NUMBER: _ClassVar[int]
    FAILED_FIELD_NUMBER: _ClassVar[int]
    DELIVERIES_FIELD_NUMBER: _ClassVar[int]
    name: str
    notification_id: str
    state: NotificationState
    subject: str
    channels: _containers.RepeatedScalarFieldContainer[_common_pb2.Channel]
    queued_at: _timestamp_pb2.Timestamp
    completed_at: _timestamp_pb2.Timestamp
    total: int
    delivered: int
    failed: int
    deliveries: _containers.RepeatedCompositeFieldContainer[_common_pb2.Delivery]
    def __init__(self, name: _Optional[str] = ..., notification_id: _Optional[str] = ..., state: _Optional[_Union[NotificationState, str]] = ..., subject: _Optional[str] = ..., channels: _Optional[_Iterable[_Union[_common_pb2.Channel, str]]] = ..., queued_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., completed_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., total: _Optional[int] = ..., delivered: _Optional[int] = ..., failed: _Optional[int] = ..., deliveries: _Optional[_Iterable[_Union[_common_pb2.Delivery, _Mapping]]] = ...) -> None: ...

class GetNotificationRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class GetNotificationResponse(_message.Message):
    __slots__ = ("notification",)
    NOTIFICATION_FIELD_NUMBER: _ClassVar[int]
    notification: Notification
    def __init__(self, notification: _Optional[_Union[Notification, _Mapping]] = ...) -> None: ...

class WatchNotificationRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class WatchNotificationResponse(_message.Message):
    __slots__ = ("snapshot", "delivery", "total", "delivered", "failed", "state")
    SNAPSHOT_FIELD_NUMBER: _ClassVar[int]
    DELIVERY_FIELD_NUMBER: _ClassVar[int]
    TOTAL_FIELD_NUMBER: _ClassVar[int]
    DELIVERED_FIELD_NUMBER: _ClassVar[int]
    FAILED_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    snapshot: Notification
    delivery: _common_pb2.Delivery
    total: int
    delivered: int
    failed: int
    state: NotificationState
    def __init__(self, snapshot: _Optional[_Union[Notification, _Mapping]] = ..., delivery: _Optional[_Union[_common_pb2.Delivery, _Mapping]] = ..., total: _Optional[int] = ..., delivered: _Optional[int] = ..., failed: _Optional[int] = ..., state: _Optional[_Union[NotificationState, str]] = ...) -> None: ...
