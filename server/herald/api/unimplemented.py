"""Servicers for the services whose RPCs are not built yet: every method
answers UNIMPLEMENTED with an ErrorInfo, for unary and streaming alike."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import grpc
from google.protobuf import message_factory, symbol_database
from google.protobuf.descriptor import ServiceDescriptor

from herald.api.errors import status_for


def unimplemented_handler(service: ServiceDescriptor) -> grpc.GenericRpcHandler:
    handlers: dict[str, grpc.RpcMethodHandler] = {}
    for method in service.methods:
        status = status_for(
            grpc.StatusCode.UNIMPLEMENTED,
            f"{service.full_name}.{method.name} is not available yet",
            "NOT_IMPLEMENTED",
        )

        async def unary(
            _request: Any, context: grpc.aio.ServicerContext[Any, Any], status: grpc.Status = status
        ) -> Any:
            await context.abort_with_status(status)

        async def stream(
            _request: Any, context: grpc.aio.ServicerContext[Any, Any], status: grpc.Status = status
        ) -> AsyncIterator[Any]:
            await context.abort_with_status(status)
            yield  # pragma: no cover  (makes this an async generator)

        request_cls = _message_class(method.input_type.full_name)
        response_cls = _message_class(method.output_type.full_name)
        if method.server_streaming:
            handlers[method.name] = grpc.unary_stream_rpc_method_handler(
                stream,
                request_deserializer=request_cls.FromString,
                response_serializer=response_cls.SerializeToString,
            )
        else:
            handlers[method.name] = grpc.unary_unary_rpc_method_handler(
                unary,
                request_deserializer=request_cls.FromString,
                response_serializer=response_cls.SerializeToString,
            )
    return grpc.method_handlers_generic_handler(service.full_name, handlers)


def _message_class(full_name: str) -> Any:
    descriptor = symbol_database.Default().pool.FindMessageTypeByName(full_name)  # type: ignore[attr-defined]
    return message_factory.GetMessageClass(descriptor)
