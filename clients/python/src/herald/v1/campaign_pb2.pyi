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

class CampaignSendStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CAMPAIGN_SEND_STATUS_UNSPECIFIED: _ClassVar[CampaignSendStatus]
    CAMPAIGN_SEND_STATUS_QUEUED: _ClassVar[CampaignSendStatus]
    CAMPAIGN_SEND_STATUS_SENDING: _ClassVar[CampaignSendStatus]
    CAMPAIGN_SEND_STATUS_COMPLETED: _ClassVar[CampaignSendStatus]
    CAMPAIGN_SEND_STATUS_CANCELLED: _ClassVar[CampaignSendStatus]
CAMPAIGN_SEND_STATUS_UNSPECIFIED: CampaignSendStatus
CAMPAIGN_SEND_STATUS_QUEUED: CampaignSendStatus
CAMPAIGN_SEND_STATUS_SENDING: CampaignSendStatus
CAMPAIGN_SEND_STATUS_COMPLETED: CampaignSendStatus
CAMPAIGN_SEND_STATUS_CANCELLED: CampaignSendStatus

class Campaign(_message.Message):
    __slots__ = ("id", "brand_id", "display_name", "channels", "template_id", "subject", "body", "body_html", "data", "created_by", "created_at")
    ID_FIELD_NUMBER: _ClassVar[int]
    BRAND_ID_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    CHANNELS_FIELD_NUMBER: _ClassVar[int]
    TEMPLATE_ID_FIELD_NUMBER: _ClassVar[int]
    SUBJECT_FIELD_NUMBER: _ClassVar[int]
    BODY_FIELD_NUMBER: _ClassVar[int]
    BODY_HTML_FIELD_NUMBER: _ClassVar[int]
    DATA_FIELD_NUMBER: _ClassVar[int]
    CREATED_BY_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    id: str
    brand_id: str
    display_name: str
    channels: _containers.RepeatedScalarFieldContainer[_common_pb2.Channel]
    template_id: str
    subject: str
    body: str
    body_html: str
    data: _struct_pb2.Struct
    created_by: str
    created_at: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[str] = ..., brand_id: _Optional[str] = ..., display_name: _Optional[str] = ..., channels: _Optional[_Iterable[_Union[_common_pb2.Channel, str]]] = ..., template_id: _Optional[str] = ..., subject: _Optional[str] = ..., body: _Optional[str] = ..., body_html: _Optional[str] = ..., data: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., created_by: _Optional[str] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class CreateCampaignRequest(_message.Message):
    __slots__ = ("campaign",)
    CAMPAIGN_FIELD_NUMBER: _ClassVar[int]
    campaign: Campaign
    def __init__(self, campaign: _Optional[_Union[Campaign, _Mapping]] = ...) -> None: ...

class CreateCampaignResponse(_message.Message):
    __slots__ = ("campaign",)
    CAMPAIGN_FIELD_NUMBER: _ClassVar[int]
    campaign: Campaign
    def __init__(self, campaign: _Optional[_Union[Campaign, _Mapping]] = ...) -> None: ...

class GetCampaignRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class GetCampaignResponse(_message.Message):
    __slots__ = ("campaign",)
    CAMPAIGN_FIELD_NUMBER: _ClassVar[int]
    campaign: Campaign
    def __init__(self, campaign: _Optional[_Union[Campaign, _Mapping]] = ...) -> None: ...

class ListCampaignsRequest(_message.Message):
    __slots__ = ("page_size", "page_token")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListCampaignsResponse(_message.Message):
    __slots__ = ("campaigns", "next_page_token")
    CAMPAIGNS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    campaigns: _containers.RepeatedCompositeFieldContainer[Campaign]
    next_page_token: str
    def __init__(self, campaigns: _Optional[_Iterable[_Union[Campaign, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class CampaignRecipient(_message.Message):
    __slots__ = ("person_id", "recipient")
    PERSON_ID_FIELD_NUMBER: _ClassVar[int]
    RECIPIENT_FIELD_NUMBER: _ClassVar[int]
    person_id: str
    recipient: str
    def __init__(self, person_id: _Optional[str] = ..., recipient: _Optional[str] = ...) -> None: ...

class CampaignSend(_message.Message):
    __slots__ = ("id", "campaign_id", "brand_id", "status", "total_recipients", "sent", "failed", "started_at", "completed_at", "created_by", "created_at", "cancelled")
    ID_FIELD_NUMBER: _ClassVar[int]
    CAMPAIGN_ID_FIELD_NUMBER: _ClassVar[int]
    BRAND_ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    TOTAL_RECIPIENTS_FIELD_NUMBER: _ClassVar[int]
    SENT_FIELD_NUMBER: _ClassVar[int]
    FAILED_FIELD_NUMBER: _ClassVar[int]
    STARTED_AT_FIELD_NUMBER: _ClassVar[int]
    COMPLETED_AT_FIELD_NUMBER: _ClassVar[int]
    CREATED_BY_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    CANCELLED_FIELD_NUMBER: _ClassVar[int]
    id: str
    campaign_id: str
    brand_id: str
    status: CampaignSendStatus
    total_recipients: int
    sent: int
    failed: int
    started_at: _timestamp_pb2.Timestamp
    completed_at: _timestamp_pb2.Timestamp
    created_by: str
    created_at: _timestamp_pb2.Timestamp
    cancelled: int
    def __init__(self, id: _Optional[str] = ..., campaign_id: _Optional[str] = ..., brand_id: _Optional[str] = ..., status: _Optional[_Union[CampaignSendStatus, str]] = ..., total_recipients: _Optional[int] = ..., sent: _Optional[int] = ..., failed: _Optional[int] = ..., started_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., completed_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., created_by: _Optional[str] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., cancelled: _Optional[int] = ...) -> None: ...

class SendCampaignRequest(_message.Message):
    __slots__ = ("id", "recipients", "request_id")
    ID_FIELD_NUMBER: _ClassVar[int]
    RECIPIENTS_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    recipients: _containers.RepeatedCompositeFieldContainer[CampaignRecipient]
    request_id: str
    def __init__(self, id: _Optional[str] = ..., recipients: _Optional[_Iterable[_Union[CampaignRecipient, _Mapping]]] = ..., request_id: _Optional[str] = ...) -> None: ...

class SendCampaignResponse(_message.Message):
    __slots__ = ("send",)
    SEND_FIELD_NUMBER: _ClassVar[int]
    send: CampaignSend
    def __init__(self, send: _Optional[_Union[CampaignSend, _Mapping]] = ...) -> None: ...

class GetCampaignSendRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class GetCampaignSendResponse(_message.Message):
    __slots__ = ("send",)
    SEND_FIELD_NUMBER: _ClassVar[int]
    send: CampaignSend
    def __init__(self, send: _Optional[_Union[CampaignSend, _Mapping]] = ...) -> None: ...

class WatchCampaignSendRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class WatchCampaignSendResponse(_message.Message):
    __slots__ = ("send",)
    SEND_FIELD_NUMBER: _ClassVar[int]
    send: CampaignSend
    def __init__(self, send: _Optional[_Union[CampaignSend, _Mapping]] = ...) -> None: ...

class CancelCampaignSendRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class CancelCampaignSendResponse(_message.Message):
    __slots__ = ("send",)
    SEND_FIELD_NUMBER: _ClassVar[int]
    send: CampaignSend
    def __init__(self, send: _Optional[_Union[CampaignSend, _Mapping]] = ...) -> None: ...
