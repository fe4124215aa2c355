import datetime

from google.api import annotations_pb2 as _annotations_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from herald.v1 import options_pb2 as _options_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class InboxMessageState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    INBOX_MESSAGE_STATE_UNSPECIFIED: _ClassVar[InboxMessageState]
    INBOX_MESSAGE_STATE_UNREAD: _ClassVar[InboxMessageState]
    INBOX_MESSAGE_STATE_READ: _ClassVar[InboxMessageState]
    INBOX_MESSAGE_STATE_ARCHIVED: _ClassVar[InboxMessageState]
INBOX_MESSAGE_STATE_UNSPECIFIED: InboxMessageState
INBOX_MESSAGE_STATE_UNREAD: InboxMessageState
INBOX_MESSAGE_STATE_READ: InboxMessageState
INBOX_MESSAGE_STATE_ARCHIVED: InboxMessageState

class InboxMessage(_message.Message):
    __slots__ = ("id", "user_id", "title", "body", "state", "delivery_id", "data", "created_at", "read_at")
    class DataEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    BODY_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    DELIVERY_ID_FIELD_NUMBER: _ClassVar[int]
    DATA_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    READ_AT_FIELD_NUMBER: _ClassVar[int]
    id: str
    user_id: str
    title: str
    body: str
    state: InboxMessageState
    delivery_id: str
    data: _containers.ScalarMap[str, str]
    created_at: _timestamp_pb2.Timestamp
    read_at: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[str] = ..., user_id: _Optional[str] = ..., title: _Optional[str] = ..., body: _Optional[str] = ..., state: _Optional[_Union[InboxMessageState, str]] = ..., delivery_id: _Optional[str] = ..., data: _Optional[_Mapping[str, str]] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., read_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ListInboxMessagesRequest(_message.Message):
    __slots__ = ("user_id", "page_size", "page_token", "unread_only", "include_archived")
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    UNREAD_ONLY_FIELD_NUMBER: _ClassVar[int]
    INCLUDE_ARCHIVED_FIELD_NUMBER: _ClassVar[int]
    user_id: str
    page_size: int
    page_token: str
    unread_only: bool
    include_archived: bool
    def __init__(self, user_id: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., unread_only: bool = ..., include_archived: bool = ...) -> None: ...

class ListInboxMessagesResponse(_message.Message):
    __slots__ = ("messages", "next_page_token", "unread_count")
    MESSAGES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    UNREAD_COUNT_FIELD_NUMBER: _ClassVar[int]
    messages: _containers.RepeatedCompositeFieldContainer[InboxMessage]
    next_page_token: str
    unread_count: int
    def __init__(self, messages: _Optional[_Iterable[_Union[InboxMessage, _Mapping]]] = ..., next_page_token: _Optional[str] = ..., unread_count: _Optional[int] = ...) -> None: ...

class MarkInboxMessagesRequest(_message.Message):
    __slots__ = ("user_id", "message_ids", "state")
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_IDS_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    user_id: str
    message_ids: _containers.RepeatedScalarFieldContainer[str]
    state: InboxMessageState
    def __init__(self, user_id: _Optional[str] = ..., message_ids: _Optional[_Iterable[str]] = ..., state: _Optional[_Union[InboxMessageState, str]] = ...) -> None: ...

class MarkInboxMessagesResponse(_message.Message):
    __slots__ = ("updated_count", "unread_count")
    UPDATED_COUNT_FIELD_NUMBER: _ClassVar[int]
    UNREAD_COUNT_FIELD_NUMBER: _ClassVar[int]
    updated_count: int
    unread_count: int
    def __init__(self, updated_count: _Optional[int] = ..., unread_count: _Optional[int] = ...) -> None: ...

class GetUnreadCountRequest(_message.Message):
    __slots__ = ("user_id",)
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    user_id: str
    def __init__(self, user_id: _Optional[str] = ...) -> None: ...

class GetUnreadCountResponse(_message.Message):
    __slots__ = ("unread_count",)
    UNREAD_COUNT_FIELD_NUMBER: _ClassVar[int]
    unread_count: int
    def __init__(self, unread_count: _Optional[int] = ...) -> None: ...

class WatchInboxRequest(_message.Message):
    __slots__ = ("user_id",)
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    user_id: str
    def __init__(self, user_id: _Optional[str] = ...) -> None: ...

class WatchInboxResponse(_message.Message):
    __slots__ = ("message_added", "message_updated", "unread_count")
    MESSAGE_ADDED_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_UPDATED_FIELD_NUMBER: _ClassVar[int]
    UNREAD_COUNT_FIELD_NUMBER: _ClassVar[int]
    message_added: InboxMessage
    message_updated: InboxMessage
    unread_count: int
    def __init__(self, message_added: _Optional[_Union[InboxMessage, _Mapping]] = ..., message_updated: _Optional[_Union[InboxMessage, _Mapping]] = ..., unread_count: _Optional[int] = ...) -> None: ...
