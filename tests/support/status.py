"""Read google.rpc.Status details out of a failed call."""

from __future__ import annotations

from dataclasses import dataclass, field

import grpc
from google.rpc import error_details_pb2, status_pb2


@dataclass
class RichError:
    code: grpc.StatusCode
    reason: str
    domain: str
    violations: dict[str, str]  # field -> description
    resource: error_details_pb2.ResourceInfo | None
    preconditions: list[tuple[str, str]] = field(default_factory=list)  # (type, subject)
    retry_delay: float | None = None  # RetryInfo's, in seconds
    # Every field violation in order, a field named twice included (`violations` keeps one).
    all_violations: list[tuple[str, str]] = field(default_factory=list)
    precondition_descriptions: list[str] = field(default_factory=list)


def rich_error(error: grpc.aio.AioRpcError) -> RichError:
    status = status_pb2.Status()
    for key, value in error.trailing_metadata() or ():
        if key == "grpc-status-details-bin":
            status.ParseFromString(value)
    assert status.code == error.code().value[0], (
        "grpc-status-details-bin must agree with the status code"
    )
    reason = domain = ""
    violations: dict[str, str] = {}
    resource = None
    preconditions: list[tuple[str, str]] = []
    all_violations: list[tuple[str, str]] = []
    descriptions: list[str] = []
    retry_delay = None
    for detail in status.details:
        if detail.Is(error_details_pb2.ErrorInfo.DESCRIPTOR):
            info = error_details_pb2.ErrorInfo()
            detail.Unpack(info)
            reason, domain = info.reason, info.domain
        elif detail.Is(error_details_pb2.BadRequest.DESCRIPTOR):
            bad = error_details_pb2.BadRequest()
            detail.Unpack(bad)
            all_violations = [(v.field, v.description) for v in bad.field_violations]
            violations = dict(all_violations)
        elif detail.Is(error_details_pb2.ResourceInfo.DESCRIPTOR):
            resource = error_details_pb2.ResourceInfo()
            detail.Unpack(resource)
        elif detail.Is(error_details_pb2.PreconditionFailure.DESCRIPTOR):
            failure = error_details_pb2.PreconditionFailure()
            detail.Unpack(failure)
            preconditions = [(v.type, v.subject) for v in failure.violations]
            descriptions = [v.description for v in failure.violations]
        elif detail.Is(error_details_pb2.RetryInfo.DESCRIPTOR):
            retry = error_details_pb2.RetryInfo()
            detail.Unpack(retry)
            retry_delay = retry.retry_delay.ToTimedelta().total_seconds()
    return RichError(
        error.code(),
        reason,
        domain,
        violations,
        resource,
        preconditions,
        retry_delay,
        all_violations,
        descriptions,
    )
