"""The scope each RPC needs, read from the contract: the `(herald.v1.required_scope)`
method option in protos/herald/v1/*.proto. One source of truth."""

from __future__ import annotations

from functools import cache

from google.protobuf import descriptor_pool

from herald.v1 import (
    campaign_pb2,
    delivery_pb2,
    directory_pb2,
    inbox_pb2,
    options_pb2,
    template_pb2,
)

# Answer every caller, with or without credentials (load balancers, grpcurl list).
OPEN_PREFIXES = (
    "/grpc.health.v1.Health/",
    "/grpc.reflection.v1alpha.ServerReflection/",
    "/grpc.reflection.v1.ServerReflection/",
)
HERALD_SERVICES = (
    delivery_pb2.DESCRIPTOR.services_by_name["DeliveryService"],
    campaign_pb2.DESCRIPTOR.services_by_name["CampaignService"],
    template_pb2.DESCRIPTOR.services_by_name["TemplateService"],
    directory_pb2.DESCRIPTOR.services_by_name["DirectoryService"],
    inbox_pb2.DESCRIPTOR.services_by_name["InboxService"],
)


def is_open(method: str) -> bool:
    """`method` is a gRPC path, `/package.Service/Method`."""
    return method.startswith(OPEN_PREFIXES)


@cache
def required_scope(method: str) -> str:
    """The scope the method's option declares, or "" when there is none (or the
    method is not in the descriptor pool): such a method is refused to everyone."""
    service, _, name = method.lstrip("/").partition("/")
    try:
        descriptor = descriptor_pool.Default().FindMethodByName(f"{service}.{name}")
    except KeyError:
        return ""
    option = options_pb2.required_scope
    return str(descriptor.GetOptions().Extensions[option])  # type: ignore[index]


def declared_scopes() -> frozenset[str]:
    """Every scope some Herald RPC requires."""
    return frozenset(
        scope
        for service in HERALD_SERVICES
        for method in service.methods
        if (scope := required_scope(f"/{service.full_name}/{method.name}"))
    )
