"""herald.v1.CampaignService (seed 004)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import AsyncIterator
from typing import Any, TypeAlias

from google.protobuf import json_format, struct_pb2

from herald.api import convert, pagination
from herald.api.errors import streaming, unary
from herald.auth.caller import current
from herald.core.campaign import CampaignSpec, SendStatus
from herald.core.channel import Channel
from herald.dispatch.campaigns import Campaigns, SendView
from herald.v1 import campaign_pb2, campaign_pb2_grpc

Context: TypeAlias = Any

STATUS_TO_PROTO = {
    SendStatus.QUEUED: campaign_pb2.CAMPAIGN_SEND_STATUS_QUEUED,
    SendStatus.SENDING: campaign_pb2.CAMPAIGN_SEND_STATUS_SENDING,
    SendStatus.COMPLETED: campaign_pb2.CAMPAIGN_SEND_STATUS_COMPLETED,
    SendStatus.CANCELLED: campaign_pb2.CAMPAIGN_SEND_STATUS_CANCELLED,
}


def _spec(campaign: campaign_pb2.Campaign) -> CampaignSpec:
    return CampaignSpec(
        id=campaign.id,
        display_name=campaign.display_name,
        channels=tuple(convert.CHANNEL_FROM_PROTO.get(c) for c in campaign.channels),
        template_id=campaign.template_id,
        subject=campaign.subject,
        body=campaign.body,
        body_html=campaign.body_html,
        data=convert.struct_data(campaign.data, "campaign.data")
        if campaign.HasField("data")
        else {},
    )


def _campaign(row: Any) -> campaign_pb2.Campaign:
    content = json.loads(row.content)
    message = campaign_pb2.Campaign(
        id=row.id,
        brand_id=row.brand_id,
        display_name=row.display_name,
        channels=[convert.CHANNEL_TO_PROTO[Channel(c)] for c in json.loads(row.channels)],  # type: ignore[misc]
        template_id=row.template_id,
        subject=content["subject"],
        body=content["body"],
        body_html=content["body_html"],
        created_by=row.created_by,
        created_at=convert.timestamp(row.created_at),
    )
    if content.get("data"):
        message.data.CopyFrom(json_format.ParseDict(content["data"], struct_pb2.Struct()))
    return message


def _send(view: SendView) -> campaign_pb2.CampaignSend:
    return campaign_pb2.CampaignSend(
        id=view.id,
        campaign_id=view.campaign_id,
        brand_id=view.brand_id,
        status=STATUS_TO_PROTO[view.status],
        total_recipients=view.total_recipients,
        sent=view.sent,
        failed=view.failed,
        cancelled=view.cancelled,
        started_at=convert.timestamp(view.started_at),
        completed_at=convert.timestamp(view.completed_at),
        created_by=view.created_by,
        created_at=convert.timestamp(view.created_at),
    )


class CampaignService(campaign_pb2_grpc.CampaignServiceServicer):
    def __init__(self, campaigns: Campaigns) -> None:
        self.campaigns = campaigns

    @unary
    async def CreateCampaign(
        self, request: campaign_pb2.CreateCampaignRequest, context: Context
    ) -> campaign_pb2.CreateCampaignResponse:
        row = await self.campaigns.create(
            _spec(request.campaign), current().brand_id, current().subject
        )
        return campaign_pb2.CreateCampaignResponse(campaign=_campaign(row))

    @unary
    async def GetCampaign(
        self, request: campaign_pb2.GetCampaignRequest, context: Context
    ) -> campaign_pb2.GetCampaignResponse:
        row = await self.campaigns.get(current().brand_id, request.id)
        return campaign_pb2.GetCampaignResponse(campaign=_campaign(row))

    @unary
    async def ListCampaigns(
        self, request: campaign_pb2.ListCampaignsRequest, context: Context
    ) -> campaign_pb2.ListCampaignsResponse:
        size = pagination.page_size(request.page_size)
        after = pagination.decode_key("campaigns", request.page_token, ((int, float), str))
        rows = await self.campaigns.store.list_campaigns(
            current().brand_id, (float(after[0]), after[1]) if after else None, size + 1
        )
        page, more = rows[:size], len(rows) > size
        # An empty page (a brand with no campaigns) has no next page.
        token = (
            pagination.encode_token("campaigns", [page[-1].created_at, page[-1].id]) if more else ""
        )
        return campaign_pb2.ListCampaignsResponse(
            campaigns=[_campaign(r) for r in page], next_page_token=token
        )

    @unary
    async def SendCampaign(
        self, request: campaign_pb2.SendCampaignRequest, context: Context
    ) -> campaign_pb2.SendCampaignResponse:
        view = await self.campaigns.send(
            current().brand_id,
            request.id,
            request.recipients,
            request.request_id,
            _fingerprint(request),
            current().subject,
        )
        return campaign_pb2.SendCampaignResponse(send=_send(view))

    @unary
    async def GetCampaignSend(
        self, request: campaign_pb2.GetCampaignSendRequest, context: Context
    ) -> campaign_pb2.GetCampaignSendResponse:
        return campaign_pb2.GetCampaignSendResponse(
            send=_send(await self.campaigns.get_send(current().brand_id, request.id))
        )

    @streaming
    async def WatchCampaignSend(
        self, request: campaign_pb2.WatchCampaignSendRequest, context: Context
    ) -> AsyncIterator[campaign_pb2.WatchCampaignSendResponse]:
        async for view in self.campaigns.watch(current().brand_id, request.id):
            yield campaign_pb2.WatchCampaignSendResponse(send=_send(view))

    @unary
    async def CancelCampaignSend(
        self, request: campaign_pb2.CancelCampaignSendRequest, context: Context
    ) -> campaign_pb2.CancelCampaignSendResponse:
        return campaign_pb2.CancelCampaignSendResponse(
            send=_send(await self.campaigns.cancel(current().brand_id, request.id))
        )


def _fingerprint(request: campaign_pb2.SendCampaignRequest) -> str:
    """Always computed: it also tells a retry of an interrupted send (same
    recipients, no request_id) from a second send of the campaign."""
    request_id = request.request_id
    request.ClearField("request_id")  # not copied: a send can carry 100,000 recipients
    try:
        return hashlib.sha256(request.SerializeToString(deterministic=True)).hexdigest()
    finally:
        request.request_id = request_id
