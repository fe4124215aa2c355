"""The ceiling: a bare grpc.aio server answering SendMessage (and SendMessageStream) at
once with a canned response (same messages on the wire as Herald, none of the work)."""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import AsyncIterator
from typing import Any

import grpc
from herald.v1 import common_pb2, delivery_pb2, delivery_pb2_grpc

REPLY = delivery_pb2.SendMessageResponse(
    message_id="0" * 32,
    results=[
        common_pb2.ChannelResult(channel=common_pb2.CHANNEL_IN_APP, success=True, attempts=1),
        common_pb2.ChannelResult(channel=common_pb2.CHANNEL_WEBHOOK, success=True, attempts=1),
    ],
)


STREAM = [
    *(delivery_pb2.SendMessageStreamResponse(result=result) for result in REPLY.results),
    delivery_pb2.SendMessageStreamResponse(
        summary=delivery_pb2.SendSummary(message_id=REPLY.message_id, total=2, succeeded=2)
    ),
]


class Echo(delivery_pb2_grpc.DeliveryServiceServicer):
    async def SendMessage(self, request: Any, context: Any) -> delivery_pb2.SendMessageResponse:
        return REPLY

    async def SendMessageStream(
        self, request: Any, context: Any
    ) -> AsyncIterator[delivery_pb2.SendMessageStreamResponse]:
        # Herald's stream: one result per channel, then the summary.
        for reply in STREAM:
            yield reply


async def serve(servicer: delivery_pb2_grpc.DeliveryServiceServicer, port: int) -> None:
    """Serve `servicer` on 127.0.0.1:port until terminated (also bench/partial_server.py's)."""
    server = grpc.aio.server()
    delivery_pb2_grpc.add_DeliveryServiceServicer_to_server(servicer, server)
    server.add_insecure_port(f"127.0.0.1:{port}")
    await server.start()
    print("ready", flush=True)
    await server.wait_for_termination()


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    await serve(Echo(), args.port)


if __name__ == "__main__":
    asyncio.run(main())
