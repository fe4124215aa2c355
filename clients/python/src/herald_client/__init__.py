"""Herald's Python client: an async `HeraldClient` over grpc.aio, and the generated, typed
`herald.v1` messages and stubs (written by `make generate`) for everything else."""

from herald.v1.common_pb2 import Channel, ChannelResult, DeliveryState
from herald.v1.delivery_pb2 import (
    SendMessageRequest,
    SendMessageResponse,
    SendMessageStreamResponse,
    SendSummary,
)
from herald_client._client import DEFAULT_TIMEOUT, HeraldClient, RetryPolicy, service_config

__all__ = [
    "DEFAULT_TIMEOUT",
    "Channel",
    "ChannelResult",
    "DeliveryState",
    "HeraldClient",
    "RetryPolicy",
    "SendMessageRequest",
    "SendMessageResponse",
    "SendMessageStreamResponse",
    "SendSummary",
    "service_config",
]
