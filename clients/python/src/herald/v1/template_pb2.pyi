import datetime

from google.api import annotations_pb2 as _annotations_pb2
from google.protobuf import field_mask_pb2 as _field_mask_pb2
from google.protobuf import struct_pb2 as _struct_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from herald.v1 import common_pb2 as _common_pb2
from herald.v1 import options_pb2 as _options_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class TemplateContent(_message.Message):
    __slots__ = ("email_subject", "email_text", "email_html", "sms_text", "push_title", "push_body", "in_app_title", "in_app_body")
    EMAIL_SUBJECT_FIELD_NUMBER: _ClassVar[int]
    EMAIL_TEXT_FIELD_NUMBER: _ClassVar[int]
    EMAIL_HTML_FIELD_NUMBER: _ClassVar[int]
    SMS_TEXT_FIELD_NUMBER: _ClassVar[int]
    PUSH_TITLE_FIELD_NUMBER: _ClassVar[int]
    PUSH_BODY_FIELD_NUMBER: _ClassVar[int]
    IN_APP_TITLE_FIELD_NUMBER: _ClassVar[int]
    IN_APP_BODY_FIELD_NUMBER: _ClassVar[int]
    email_subject: str
    email_text: str
    email_html: str
    sms_text: str
    push_title: str
    push_body: str
    in_app_title: str
    in_app_body: str
    def __init__(self, email_subject: _Optional[str] = ..., email_text: _Optional[str] = ..., email_html: _Optional[str] = ..., sms_text: _Optional[str] = ..., push_title: _Optional[str] = ..., push_body: _Optional[str] = ..., in_app_title: _Optional[str] = ..., in_app_body: _Optional[str] = ...) -> None: ...

class TemplateVariant(_message.Message):
    __slots__ = ("locale", "content")
    LOCALE_FIELD_NUMBER: _ClassVar[int]
    CONTENT_FIELD_NUMBER: _ClassVar[int]
    locale: str
    content: TemplateContent
    def __init__(self, locale: _Optional[str] = ..., content: _Optional[_Union[TemplateContent, _Mapping]] = ...) -> None: ...

class Template(_message.Message):
    __slots__ = ("id", "brand_id", "display_name", "message_type", "content", "variants", "attachments", "created_at", "updated_at")
    ID_FIELD_NUMBER: _ClassVar[int]
    BRAND_ID_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_TYPE_FIELD_NUMBER: _ClassVar[int]
    CONTENT_FIELD_NUMBER: _ClassVar[int]
    VARIANTS_FIELD_NUMBER: _ClassVar[int]
    ATTACHMENTS_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_FIELD_NUMBER: _ClassVar[int]
    id: str
    brand_id: str
    display_name: str
    message_type: _common_pb2.MessageType
    content: TemplateContent
    variants: _containers.RepeatedCompositeFieldContainer[TemplateVariant]
    attachments: _containers.RepeatedCompositeFieldContainer[_common_pb2.Attachment]
    created_at: _timestamp_pb2.Timestamp
    updated_at: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[str] = ..., brand_id: _Optional[str] = ..., display_name: _Optional[str] = ..., message_type: _Optional[_Union[_common_pb2.MessageType, str]] = ..., content: _Optional[_Union[TemplateContent, _Mapping]] = ..., variants: _Optional[_Iterable[_Union[TemplateVariant, _Mapping]]] = ..., attachments: _Optional[_Iterable[_Union[_common_pb2.Attachment, _Mapping]]] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., updated_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class CreateTemplateRequest(_message.Message):
    __slots__ = ("template",)
    TEMPLATE_FIELD_NUMBER: _ClassVar[int]
    template: Template
    def __init__(self, template: _Optional[_Union[Template, _Mapping]] = ...) -> None: ...

class CreateTemplateResponse(_message.Message):
    __slots__ = ("template",)
    TEMPLATE_FIELD_NUMBER: _ClassVar[int]
    template: Template
    def __init__(self, template: _Optional[_Union[Template, _Mapping]] = ...) -> None: ...

class GetTemplateRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class GetTemplateResponse(_message.Message):
    __slots__ = ("template",)
    TEMPLATE_FIELD_NUMBER: _ClassVar[int]
    template: Template
    def __init__(self, template: _Optional[_Union[Template, _Mapping]] = ...) -> None: ...

class UpdateTemplateRequest(_message.Message):
    __slots__ = ("template", "update_mask")
    TEMPLATE_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    template: Template
    update_mask: _field_mask_pb2.FieldMask
    def __init__(self, template: _Optional[_Union[Template, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ...) -> None: ...

class UpdateTemplateResponse(_message.Message):
    __slots__ = ("template",)
    TEMPLATE_FIELD_NUMBER: _ClassVar[int]
    template: Template
    def __init__(self, template: _Optional[_Union[Template, _Mapping]] = ...) -> None: ...

class DeleteTemplateRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class DeleteTemplateResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListTemplatesRequest(_message.Message):
    __slots__ = ("page_size", "page_token")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListTemplatesResponse(_message.Message):
    __slots__ = ("templates", "next_page_token")
    TEMPLATES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    templates: _containers.RepeatedCompositeFieldContainer[Template]
    next_page_token: str
    def __init__(self, templates: _Optional[_Iterable[_Union[Template, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class RenderTemplateRequest(_message.Message):
    __slots__ = ("id", "data", "locale")
    ID_FIELD_NUMBER: _ClassVar[int]
    DATA_FIELD_NUMBER: _ClassVar[int]
    LOCALE_FIELD_NUMBER: _ClassVar[int]
    id: str
    data: _struct_pb2.Struct
    locale: str
    def __init__(self, id: _Optional[str] = ..., data: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., locale: _Optional[str] = ...) -> None: ...

class RenderTemplateResponse(_message.Message):
    __slots__ = ("content", "locale")
    CONTENT_FIELD_NUMBER: _ClassVar[int]
    LOCALE_FIELD_NUMBER: _ClassVar[int]
    content: TemplateContent
    locale: str
    def __init__(self, content: _Optional[_Union[TemplateContent, _Mapping]] = ..., locale: _Optional[str] = ...) -> None: ...
