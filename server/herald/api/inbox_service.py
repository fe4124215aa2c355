"""herald.v1.InboxService: a user's In-App inbox."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from typing import Any, TypeAlias

from herald.api import pagination
from herald.api.convert import timestamp
from herald.api.errors import streaming, unary
from herald.auth.caller import current
from herald.core import directory
from herald.core.errors import FieldViolation, InvalidArgumentError, NotFoundError, blank
from herald.dispatch.inbox import Change, Inbox
from herald.store import inbox as store
from herald.store.inbox import InboxRow, UnknownMessagesError
from herald.v1 import inbox_pb2, inbox_pb2_grpc

# grpc.aio.ServicerContext; grpc ships no type information.
Context: TypeAlias = Any

RESOURCE_TYPE = "herald.v1.InboxMessage"
MAX_MARK_IDS = 1000

_STATES = {
    store.UNREAD: inbox_pb2.INBOX_MESSAGE_STATE_UNREAD,
    store.READ: inbox_pb2.INBOX_MESSAGE_STATE_READ,
    store.ARCHIVED: inbox_pb2.INBOX_MESSAGE_STATE_ARCHIVED,
}
_STATE_NAMES = {value: name for name, value in _STATES.items()}


def _user_id(user_id: str) -> str:
    """A user id an inbox can have: what SendMessage and the directory accept."""
    problem = directory.id_problem(user_id)
    if problem:
        raise InvalidArgumentError([FieldViolation("user_id", problem)])
    return user_id


def _listing(request: inbox_pb2.ListInboxMessagesRequest) -> str:
    """Names the listing a page token belongs to: the same user and filters."""
    key = f"{request.user_id}\0{request.unread_only:d}{request.include_archived:d}"
    return "inbox:" + hashlib.sha256(key.encode()).hexdigest()[:16]


def message(row: InboxRow) -> inbox_pb2.InboxMessage:
    return inbox_pb2.InboxMessage(
        id=row.id,
        user_id=row.user_id,
        title=row.title,
        body=row.body,
        state=_STATES.get(row.state, inbox_pb2.INBOX_MESSAGE_STATE_UNSPECIFIED),
        delivery_id=row.delivery_id,
        data=row.data,
        created_at=timestamp(row.created_at),
        read_at=timestamp(row.read_at),
    )


class InboxService(inbox_pb2_grpc.InboxServiceServicer):
    def __init__(self, inbox: Inbox) -> None:
        self.inbox = inbox

    @unary
    async def ListInboxMessages(
        self, request: inbox_pb2.ListInboxMessagesRequest, context: Context
    ) -> inbox_pb2.ListInboxMessagesResponse:
        user_id = _user_id(request.user_id)
        size = pagination.page_size(request.page_size)
        listing = _listing(request)
        last = pagination.decode_key(listing, request.page_token, (str,))
        # One more than the page: whether there is a next page.
        rows, unread = await self.inbox.list_messages(
            user_id,
            size + 1,
            last[0] if last else None,
            request.unread_only,
            request.include_archived,
            current().brand_id,
        )
        page = rows[:size]
        more = len(rows) > size
        return inbox_pb2.ListInboxMessagesResponse(
            messages=[message(r) for r in page],
            next_page_token=pagination.encode_token(listing, [page[-1].id]) if more else "",
            unread_count=unread,
        )

    @unary
    async def MarkInboxMessages(
        self, request: inbox_pb2.MarkInboxMessagesRequest, context: Context
    ) -> inbox_pb2.MarkInboxMessagesResponse:
        violations = []
        problem = directory.id_problem(request.user_id)
        if problem:
            violations.append(FieldViolation("user_id", problem))
        if not request.message_ids:
            violations.append(FieldViolation("message_ids", "at least one is required"))
        elif len(request.message_ids) > MAX_MARK_IDS:
            violations.append(FieldViolation("message_ids", f"at most {MAX_MARK_IDS} at once"))
        violations.extend(
            FieldViolation(f"message_ids[{i}]", "must not be empty")
            for i, value in enumerate(request.message_ids)
            if not value
        )
        violations += blank((f"message_ids[{i}]", v) for i, v in enumerate(request.message_ids))
        state = _STATE_NAMES.get(request.state)
        if state is None:
            violations.append(FieldViolation("state", "must be UNREAD, READ or ARCHIVED"))
        if violations:
            raise InvalidArgumentError(violations)
        assert state is not None
        try:
            marked = await self.inbox.mark(
                request.user_id, list(request.message_ids), state, current().brand_id
            )
        except UnknownMessagesError as error:
            raise NotFoundError(
                RESOURCE_TYPE, f"users/{request.user_id}/inbox/{error.missing[0]}"
            ) from None
        return inbox_pb2.MarkInboxMessagesResponse(
            updated_count=len(marked.updated), unread_count=marked.unread_count
        )

    @unary
    async def GetUnreadCount(
        self, request: inbox_pb2.GetUnreadCountRequest, context: Context
    ) -> inbox_pb2.GetUnreadCountResponse:
        count = await self.inbox.unread_count(_user_id(request.user_id), current().brand_id)
        return inbox_pb2.GetUnreadCountResponse(unread_count=count)

    @streaming
    async def WatchInbox(
        self, request: inbox_pb2.WatchInboxRequest, context: Context
    ) -> AsyncIterator[inbox_pb2.WatchInboxResponse]:
        async for event in self.inbox.watch(_user_id(request.user_id), current().brand_id):
            response = inbox_pb2.WatchInboxResponse(unread_count=event.unread_count)
            if event.message is not None:
                target = (
                    response.message_added
                    if event.change is Change.ADDED
                    else response.message_updated
                )
                target.CopyFrom(message(event.message))
            yield response
