"""Health, reflection and the RPCs that are not built yet, against a real process."""

from __future__ import annotations

import grpc
import pytest
from google.protobuf import descriptor_pb2
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc

SERVICES = {
    "herald.v1.DeliveryService",
    "herald.v1.CampaignService",
    "herald.v1.TemplateService",
    "herald.v1.DirectoryService",
    "herald.v1.InboxService",
}


@pytest.mark.parametrize("service", ["", *sorted(SERVICES)])
async def test_health_reports_serving_overall_and_per_service(
    channel: grpc.aio.Channel, service: str
) -> None:
    stub = health_pb2_grpc.HealthStub(channel)
    reply = await stub.Check(health_pb2.HealthCheckRequest(service=service), timeout=5)
    assert reply.status == health_pb2.HealthCheckResponse.SERVING


async def test_health_of_unknown_service_is_not_found(channel: grpc.aio.Channel) -> None:
    stub = health_pb2_grpc.HealthStub(channel)
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await stub.Check(health_pb2.HealthCheckRequest(service="nope.Service"), timeout=5)
    assert caught.value.code() == grpc.StatusCode.NOT_FOUND


async def test_reflection_lists_every_service(channel: grpc.aio.Channel) -> None:
    stub = reflection_pb2_grpc.ServerReflectionStub(channel)

    async def requests():  # type: ignore[no-untyped-def]
        yield reflection_pb2.ServerReflectionRequest(list_services="")

    names: set[str] = set()
    async for reply in stub.ServerReflectionInfo(requests(), timeout=5):
        names.update(s.name for s in reply.list_services_response.service)
    assert names >= SERVICES | {"grpc.health.v1.Health", "grpc.reflection.v1alpha.ServerReflection"}


async def test_reflection_describes_the_send_message_method(channel: grpc.aio.Channel) -> None:
    stub = reflection_pb2_grpc.ServerReflectionStub(channel)

    async def requests():  # type: ignore[no-untyped-def]
        yield reflection_pb2.ServerReflectionRequest(
            file_containing_symbol="herald.v1.DeliveryService"
        )

    replies = [r async for r in stub.ServerReflectionInfo(requests(), timeout=5)]
    protos = replies[0].file_descriptor_response.file_descriptor_proto
    assert protos, replies[0]
    files = [descriptor_pb2.FileDescriptorProto.FromString(p) for p in protos]
    delivery = next(f for f in files if f.name == "herald/v1/delivery.proto")
    methods = {m.name for m in delivery.service[0].method}
    assert {"SendMessage", "SendMessageStream", "SendNotification"} <= methods
