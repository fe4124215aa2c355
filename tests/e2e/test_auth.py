"""Authentication and authorization against a real server: every RPC of the
contract, walked from the descriptor pool, refuses a call without credentials,
with a bad signature, with an expired token (UNAUTHENTICATED) and with a valid
token that lacks the method's `(herald.v1.required_scope)` (PERMISSION_DENIED),
and lets through a token with exactly that scope. Health and reflection stay open.
API keys: created with `herald apikey`, accepted, scoped, revoked."""

from __future__ import annotations

import time
from typing import Any

import grpc
import pytest
from google.protobuf import message_factory
from google.protobuf.descriptor import MethodDescriptor
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc
from herald.auth.scopes import HERALD_SERVICES, declared_scopes, required_scope
from herald.v1 import delivery_pb2, delivery_pb2_grpc, directory_pb2, directory_pb2_grpc

from tests.support.auth import authenticated_channel, bearer, token
from tests.support.server import ServerProcess
from tests.support.status import rich_error

pytestmark = pytest.mark.backends("sqlite", "postgres")

METHODS = [(service, method) for service in HERALD_SERVICES for method in service.methods]
WRONG_SECRET = "not-the-server-secret-not-the-server-secret-0000"


def _path(method: MethodDescriptor) -> str:
    return f"/{method.containing_service.full_name}/{method.name}"


async def _call(
    channel: grpc.aio.Channel, method: MethodDescriptor, metadata: Any
) -> grpc.StatusCode:
    """Call `method` with an empty request; the status code (OK for a stream
    that answered with a message)."""
    request = message_factory.GetMessageClass(method.input_type)()
    response = message_factory.GetMessageClass(method.output_type)
    try:
        if method.server_streaming:
            stream = channel.unary_stream(
                _path(method),
                request_serializer=lambda m: m.SerializeToString(),
                response_deserializer=response.FromString,
            )(request, metadata=metadata, timeout=10)
            async for _ in stream:
                stream.cancel()
                break
        else:
            await channel.unary_unary(
                _path(method),
                request_serializer=lambda m: m.SerializeToString(),
                response_deserializer=response.FromString,
            )(request, metadata=metadata, timeout=10)
    except grpc.aio.AioRpcError as error:
        if error.code() in (grpc.StatusCode.UNAUTHENTICATED, grpc.StatusCode.PERMISSION_DENIED):
            info = rich_error(error)
            assert info.domain == "herald", (_path(method), info)
            assert info.reason, _path(method)
        return error.code()
    return grpc.StatusCode.OK


def test_every_rpc_declares_a_scope() -> None:
    missing = [_path(m) for _, m in METHODS if not required_scope(_path(m))]
    assert missing == []
    assert "send_notifications" in declared_scopes()


@pytest.mark.parametrize(("service", "method"), METHODS, ids=lambda v: getattr(v, "name", ""))
async def test_rpc_needs_a_valid_token_with_its_scope(
    server: ServerProcess, service: Any, method: MethodDescriptor
) -> None:
    scope = required_scope(_path(method))
    others = sorted(declared_scopes() - {scope})
    async with grpc.aio.insecure_channel(server.target) as channel:
        assert await _call(channel, method, None) == grpc.StatusCode.UNAUTHENTICATED
        forged = token(scopes=[scope], roles=(), secret=WRONG_SECRET)
        assert await _call(channel, method, bearer(forged)) == grpc.StatusCode.UNAUTHENTICATED
        expired = token(scopes=[scope], roles=(), now=time.time() - 7200, ttl=60)
        assert await _call(channel, method, bearer(expired)) == grpc.StatusCode.UNAUTHENTICATED
        assert (
            await _call(channel, method, (("authorization", "Basic dXNlcjpwYXNz"),))
            == grpc.StatusCode.UNAUTHENTICATED
        )
        without = token(scopes=others, roles=())
        assert await _call(channel, method, bearer(without)) == grpc.StatusCode.PERMISSION_DENIED
        right = token(scopes=[scope], roles=())
        assert await _call(channel, method, bearer(right)) not in (
            grpc.StatusCode.UNAUTHENTICATED,
            grpc.StatusCode.PERMISSION_DENIED,
        )


async def test_refusals_carry_error_info(server: ServerProcess) -> None:
    async with grpc.aio.insecure_channel(server.target) as channel:
        stub = directory_pb2_grpc.DirectoryServiceStub(channel)
        request = directory_pb2.ListUsersRequest()
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await stub.ListUsers(request, timeout=10)
        error = rich_error(caught.value)
        assert (error.code, error.reason, error.domain) == (
            grpc.StatusCode.UNAUTHENTICATED,
            "CREDENTIALS_MISSING",
            "herald",
        )
        expired = token(now=time.time() - 7200, ttl=60)
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await stub.ListUsers(request, metadata=bearer(expired), timeout=10)
        assert rich_error(caught.value).reason == "TOKEN_EXPIRED"
        forged = token(secret=WRONG_SECRET)
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await stub.ListUsers(request, metadata=bearer(forged), timeout=10)
        assert rich_error(caught.value).reason == "TOKEN_INVALID"
        creator = token(roles=["creator"])
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await stub.CreateUser(
                directory_pb2.CreateUserRequest(user=directory_pb2.User(id="u")),
                metadata=bearer(creator),
                timeout=10,
            )
        error = rich_error(caught.value)
        assert (error.code, error.reason) == (grpc.StatusCode.PERMISSION_DENIED, "SCOPE_MISSING")


async def test_roles_grant_their_scopes(server: ServerProcess) -> None:
    """Seed 003: send_notifications for admin, manager and creator; seed 000's
    SendMessage is admin-only."""
    request = delivery_pb2.SendNotificationRequest(to=["nobody"], subject="s", body="b")
    async with grpc.aio.insecure_channel(server.target) as channel:
        stub = delivery_pb2_grpc.DeliveryServiceStub(channel)
        for role in ("admin", "manager", "creator"):
            with pytest.raises(grpc.aio.AioRpcError) as caught:
                await stub.SendNotification(
                    request, metadata=bearer(token(roles=[role])), timeout=10
                )
            # Past authorization: nobody valid to send to.
            assert caught.value.code() == grpc.StatusCode.FAILED_PRECONDITION, role
        message = delivery_pb2.SendMessageRequest()
        for role in ("manager", "creator", "nobody"):
            with pytest.raises(grpc.aio.AioRpcError) as caught:
                await stub.SendMessage(message, metadata=bearer(token(roles=[role])), timeout=10)
            assert caught.value.code() == grpc.StatusCode.PERMISSION_DENIED, role


async def test_health_and_reflection_need_no_credentials(server: ServerProcess) -> None:
    async with grpc.aio.insecure_channel(server.target) as channel:
        reply = await health_pb2_grpc.HealthStub(channel).Check(
            health_pb2.HealthCheckRequest(service="herald.v1.DeliveryService"), timeout=10
        )
        assert reply.status == health_pb2.HealthCheckResponse.SERVING
        stream = reflection_pb2_grpc.ServerReflectionStub(channel).ServerReflectionInfo(
            iter([reflection_pb2.ServerReflectionRequest(list_services="")]), timeout=10
        )
        async for answer in stream:
            names = {s.name for s in answer.list_services_response.service}
            assert "herald.v1.DeliveryService" in names
            break


async def test_api_keys(server: ServerProcess) -> None:
    reader = server.cli("apikey", "create", "--name", "reader", "--scope", "read_directory")
    key = reader.stdout.strip()
    assert key.startswith("hk_") and key not in reader.stderr
    key_id = key.split("_")[1]
    listing = server.cli("apikey", "list").stdout
    assert key_id in listing and key.split("_", 2)[2] not in listing
    async with authenticated_channel(server.target, key) as channel:
        stub = directory_pb2_grpc.DirectoryServiceStub(channel)
        await stub.ListUsers(directory_pb2.ListUsersRequest(), timeout=10)
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await stub.CreateUser(
                directory_pb2.CreateUserRequest(user=directory_pb2.User(id="u")), timeout=10
            )
        assert rich_error(caught.value).reason == "SCOPE_MISSING"
        # The same key as `ApiKey <key>`.
        await stub.ListUsers(
            directory_pb2.ListUsersRequest(),
            metadata=(("authorization", f"ApiKey {key}"),),
            timeout=10,
        )
        # A guessed secret for a real id.
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await stub.ListUsers(
                directory_pb2.ListUsersRequest(),
                metadata=bearer(key[:-4] + ("AAAA" if not key.endswith("AAAA") else "BBBB")),
                timeout=10,
            )
        assert rich_error(caught.value).reason == "API_KEY_INVALID"

    # A revoked key (never used, so no server has it cached) is refused.
    revoked = server.cli("apikey", "create", "--role", "admin").stdout.strip()
    server.cli("apikey", "revoke", revoked.split("_")[1])
    async with authenticated_channel(server.target, revoked) as channel:
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await directory_pb2_grpc.DirectoryServiceStub(channel).ListUsers(
                directory_pb2.ListUsersRequest(), timeout=10
            )
        error = rich_error(caught.value)
        assert (error.code, error.reason) == (grpc.StatusCode.UNAUTHENTICATED, "API_KEY_REVOKED")


def test_herald_token_mints_what_the_server_accepts(server: ServerProcess) -> None:
    minted = server.cli("token", "--role", "creator", "--sub", "cli").stdout.strip()
    with grpc.insecure_channel(server.target) as channel:
        stub = directory_pb2_grpc.DirectoryServiceStub(channel)
        stub.ListUsers(directory_pb2.ListUsersRequest(), metadata=bearer(minted), timeout=10)
        with pytest.raises(grpc.RpcError) as caught:
            stub.CreateUser(
                directory_pb2.CreateUserRequest(user=directory_pb2.User(id="u")),
                metadata=bearer(minted),
                timeout=10,
            )
        assert caught.value.code() == grpc.StatusCode.PERMISSION_DENIED


def test_no_credential_reaches_the_log(server: ServerProcess) -> None:
    logs = server.logs()
    assert "eyJ" not in logs  # no JWT (their header starts so)
    assert "hk_" not in logs
    assert "test-jwt-secret" not in logs
