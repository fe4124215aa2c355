"""OpenTelemetry tracing, off unless HERALD_OTEL is true: one span per RPC (a
server span, its parent taken from the call's `traceparent` metadata) and one
per delivery attempt (a child of the RPC that started it, or a root span when a
worker claimed it from the queue).

The SDK reads the standard variables: OTEL_SERVICE_NAME and
OTEL_RESOURCE_ATTRIBUTES (resource), OTEL_TRACES_SAMPLER(_ARG) (sampling),
OTEL_TRACES_EXPORTER (`otlp`, the default, needs the opentelemetry-exporter-otlp
package; `console`; `none`) and OTEL_EXPORTER_OTLP_* (the exporter itself).

Off, `TRACER` is None and the hot paths test only that.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Sequence
from typing import Any

from opentelemetry import propagate, trace
from opentelemetry.trace import Span, SpanKind, Status, StatusCode

from herald.config import ConfigError, Settings

TRACER: trace.Tracer | None = None
_provider: Any = None  # the SDK TracerProvider this module made, shut down by shutdown()

_OTLP = {
    "grpc": "opentelemetry.exporter.otlp.proto.grpc.trace_exporter",
    "http/protobuf": "opentelemetry.exporter.otlp.proto.http.trace_exporter",
}


def _exporters() -> list[Any]:
    from opentelemetry.sdk.trace.export import ConsoleSpanExporter  # noqa: PLC0415

    names = os.environ.get("OTEL_TRACES_EXPORTER", "otlp").strip().lower() or "otlp"
    found: list[Any] = []
    for name in (n.strip() for n in names.split(",")):
        if name == "none":
            continue
        if name == "console":
            found.append(ConsoleSpanExporter())
        elif name == "otlp":
            protocol = (
                os.environ.get("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL")
                or os.environ.get("OTEL_EXPORTER_OTLP_PROTOCOL")
                or "http/protobuf"
            ).strip()
            module = _OTLP.get(protocol)
            if module is None:
                raise ConfigError(f"OTEL_EXPORTER_OTLP_PROTOCOL: {protocol!r} is not supported")
            try:
                found.append(importlib.import_module(module).OTLPSpanExporter())
            except ImportError as exc:
                raise ConfigError(
                    "HERALD_OTEL: the otlp exporter needs the opentelemetry-exporter-otlp "
                    "package (pip install opentelemetry-exporter-otlp), or set "
                    "OTEL_TRACES_EXPORTER=console"
                ) from exc
        else:
            raise ConfigError(f"OTEL_TRACES_EXPORTER: {name!r} is not otlp, console or none")
    return found


def configure(settings: Settings) -> None:
    """Build the SDK's TracerProvider from the OTEL_* variables when HERALD_OTEL is on."""
    if not settings.otel:
        return
    from opentelemetry.sdk.resources import Resource  # noqa: PLC0415
    from opentelemetry.sdk.trace import TracerProvider  # noqa: PLC0415
    from opentelemetry.sdk.trace.export import BatchSpanProcessor  # noqa: PLC0415

    provider = TracerProvider(resource=Resource.create({"service.name": "herald"}))
    for exporter in _exporters():
        provider.add_span_processor(BatchSpanProcessor(exporter))
    install(provider)


def install(provider: Any) -> None:
    """Trace with `provider` (an SDK TracerProvider); tests install one with an
    in-memory exporter. None turns tracing off."""
    global TRACER, _provider  # noqa: PLW0603 - the process's one tracer
    _provider = provider
    TRACER = None if provider is None else provider.get_tracer("herald")


def shutdown() -> None:
    """Flush and stop the exporters."""
    if _provider is not None:
        _provider.shutdown()
    install(None)


def start_rpc_span(tracer: trace.Tracer, method: str, metadata: Sequence[Any] | None) -> Span:
    """A server span for `method` (`/herald.v1.DeliveryService/SendMessage`), the
    child of the caller's span when the metadata carries `traceparent`."""
    carrier = {k: v for k, v in metadata or () if isinstance(v, str)}
    service, _, name = method.lstrip("/").partition("/")
    return tracer.start_span(
        method.lstrip("/"),
        context=propagate.extract(carrier),
        kind=SpanKind.SERVER,
        attributes={"rpc.system": "grpc", "rpc.service": service, "rpc.method": name},
    )


def end_rpc_span(span: Span, code: str, code_value: int) -> None:
    span.set_attribute("rpc.grpc.status_code", code_value)
    if code != "OK":
        span.set_status(Status(StatusCode.ERROR, code))
    span.end()


__all__ = [
    "TRACER",
    "Span",
    "SpanKind",
    "Status",
    "StatusCode",
    "configure",
    "install",
    "shutdown",
    "trace",
]
