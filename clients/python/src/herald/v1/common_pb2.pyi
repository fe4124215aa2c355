import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Channel(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CHANNEL_UNSPECIFIED: _ClassVar[Channel]
    CHANNEL_EMAIL: _ClassVar[Channel]
    CHANNEL_SMS: _ClassVar[Channel]
    CHANNEL_PUSH: _ClassVar[Channel]
    CHANNEL_IN_APP: _ClassVar[Channel]
    CHANNEL_WEBHOOK: _ClassVar[Channel]

class DeliveryState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    DELIVERY_STATE_UNSPECIFIED: _ClassVar[DeliveryState]
    DELIVERY_STATE_QUEUED: _ClassVar[DeliveryState]
    DELIVERY_STATE_SENDING: _ClassVar[DeliveryState]
    DELIVERY_STATE_DELIVERED: _ClassVar[DeliveryState]
    DELIVERY_STATE_FAILED: _ClassVar[DeliveryState]
    DELIVERY_STATE_SKIPPED: _ClassVar[DeliveryState]
    DELIVERY_STATE_CANCELLED: _ClassVar[DeliveryState]

class DeliveryMethod(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    DELIVERY_METHOD_UNSPECIFIED: _ClassVar[DeliveryMethod]
    DELIVERY_METHOD_SMS: _ClassVar[DeliveryMethod]
    DELIVERY_METHOD_EMAIL: _ClassVar[DeliveryMethod]
    DELIVERY_METHOD_BOTH: _ClassVar[DeliveryMethod]

class MessageType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    MESSAGE_TYPE_UNSPECIFIED: _ClassVar[MessageType]
    MESSAGE_TYPE_WELCOME: _ClassVar[MessageType]
    MESSAGE_TYPE_LOGININFO: _ClassVar[MessageType]
    MESSAGE_TYPE_FORGOTTENPASSWORD: _ClassVar[MessageType]
CHANNEL_UNSPECIFIED: Channel
CHANNEL_EMAIL: Channel
CHANNEL_SMS: Channel
CHANNEL_PUSH: Channel
CHANNEL_IN_APP: Channel
CHANNEL_WEBHOOK: Channel
DELIVERY_STATE_UNSPECIFIED: DeliveryState
DELIVERY_STATE_QUEUED: DeliveryState
DELIVERY_STATE_SENDING: DeliveryState
DELIVERY_STATE_DELIVERED: DeliveryState
DELIVERY_STATE_FAILED: DeliveryState
DELIVERY_STATE_SKIPPED: DeliveryState
DELIVERY_STATE_CANCELLED: DeliveryState
DELIVERY_METHOD_UNSPECIFIED: DeliveryMethod
DELIVERY_METHOD_SMS: DeliveryMethod
DELIVERY_METHOD_EMAIL: DeliveryMethod
DELIVERY_METHOD_BOTH: DeliveryMethod
MESSAGE_TYPE_UNSPECIFIED: MessageType
MESSAGE_TYPE_WELCOME: MessageType
MESSAGE_TYPE_LOGININFO: MessageType
MESSAGE_TYPE_FORGOTTENPASSWORD: MessageType

class Attachment(_message.Message):
    __slots__ = ("filename", "content_type", "content")
    FILENAME_FIELD_NUMBER: _ClassVar[int]
    CONTENT_TYPE_FIELD_NUMBER: _ClassVar[int]
    CONTENT_FIELD_NUMBER: _ClassVar[int]
    filename: str
    content_type: str
    content: bytes
    def __init__(self, filename: _Optional[str] = ..., content_type: _Optional[str] = ..., content: _Optional[bytes] = ...) -> None: ...

class SmsDetails(_message.Message):
    __slots__ = ("encoding", "segments")
    ENCODING_FIELD_NUMBER: _ClassVar[int]
    SEGMENTS_FIELD_NUMBER: _ClassVar[int]
    encoding: str
    segments: int
    def __init__(self, encoding: _Optional[str] = ..., segments: _Optional[int] = ...) -> None: ...

class ChannelResult(_message.Message):
    __slots__ = ("channel", "success", "error", "error_code", "permanent", "recipient", "user_id", "attempts", "delivery_id", "provider_message_id", "state", "completed_at", "sms")
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    SUCCESS_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    ERROR_CODE_FIELD_NUMBER: _ClassVar[int]
    PERMANENT_FIELD_NUMBER: _ClassVar[int]
    RECIPIENT_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    ATTEMPTS_FIELD_NUMBER: _ClassVar[int]
    DELIVERY_ID_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_MESSAGE_ID_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    COMPLETED_AT_FIELD_NUMBER: _ClassVar[int]
    SMS_FIELD_NUMBER: _ClassVar[int]
    channel: Channel
    success: bool
    error: str
    error_code: str
    permanent: bool
    recipient: str
    user_id: str
    attempts: int
    delivery_id: str
    provider_message_id: str
    state: DeliveryState
    completed_at: _timestamp_pb2.Timestamp
    sms: SmsDetails
    def __init__(self, channel: _Optional[_Union[Channel, str]] = ..., success: bool = ..., error: _Optional[str] = ..., error_code: _Optional[str] = ..., permanent: bool = ..., recipient: _Optional[str] = ..., user_id: _Optional[str] = ..., attempts: _Optional[int] = ..., delivery_id: _Optional[str] = ..., provider_message_id: _Optional[str] = ..., state: _Optional[_Union[DeliveryState, str]] = ..., completed_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., sms: _Optional[_Union[SmsDetails, _Mapping]] = ...) -> None: ...

class Delivery(_message.Message):
    __slots__ = ("id", "channel", "recipient", "user_id", "state", "attempts", "error_code", "error", "permanent", "provider_message_id", "created_at", "updated_at", "next_attempt_at", "completed_at")
    ID_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    RECIPIENT_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    ATTEMPTS_FIELD_NUMBER: _ClassVar[int]
    ERROR_CODE_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    PERMANENT_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_MESSAGE_ID_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_FIELD_NUMBER: _ClassVar[int]
    NEXT_ATTEMPT_AT_FIELD_NUMBER: _ClassVar[int]
    COMPLETED_AT_FIELD_NUMBER: _ClassVar[int]
    id: str
    channel: Channel
    recipient: str
    user_id: str
    state: DeliveryState
    attempts: int
    error_code: str
    error: str
    permanent: bool
    provider_message_id: str
    created_at: _timestamp_pb2.Timestamp
    updated_at: _timestamp_pb2.Timestamp
    next_attempt_at: _timestamp_pb2.Timestamp
    completed_at: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[str] = ..., channel: _Optional[_Union[Channel, str]] = ..., recipient: _Optional[str] = ..., user_id: _Optional[str] = ..., state: _Optional[_Union[DeliveryState, str]] = ..., attempts: _Optional[int] = ..., error_code: _Optional[str] = ..., error: _Optional[str] = ..., permanent: bool = ..., provider_message_id: _Optional[str] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., updated_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., next_attempt_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., completed_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...
