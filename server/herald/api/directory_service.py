"""herald.v1.DirectoryService: users with contact points, and clusters of them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeAlias

from herald.api.convert import timestamp
from herald.api.errors import unary
from herald.api.pagination import bad_token, decode_key, encode_token, page_size
from herald.auth.caller import current
from herald.core import directory
from herald.store.directory import Directory, cluster_not_found, user_not_found
from herald.v1 import directory_pb2, directory_pb2_grpc

# grpc.aio.ServicerContext; grpc ships no type information.
Context: TypeAlias = Any

USERS, CLUSTERS, MEMBERS = "users", "clusters", "cluster_members"


def user_from_proto(user: directory_pb2.User) -> directory.User:
    return directory.User(
        id=user.id,
        display_name=user.display_name,
        email=user.email,
        phone_number=user.phone_number,
        push_tokens=tuple(user.push_tokens),
        webhook_url=user.webhook_url,
        locale=user.locale,
        time_zone=user.time_zone,
    )


def user_to_proto(user: directory.User) -> directory_pb2.User:
    return directory_pb2.User(
        id=user.id,
        brand_id=user.brand_id,
        display_name=user.display_name,
        email=user.email,
        phone_number=user.phone_number,
        push_tokens=user.push_tokens,
        webhook_url=user.webhook_url,
        locale=user.locale,
        time_zone=user.time_zone,
        created_at=timestamp(user.created_at),
        updated_at=timestamp(user.updated_at),
    )


def cluster_to_proto(cluster: directory.Cluster) -> directory_pb2.Cluster:
    return directory_pb2.Cluster(
        id=cluster.id,
        brand_id=cluster.brand_id,
        display_name=cluster.display_name,
        member_count=cluster.member_count,
        created_at=timestamp(cluster.created_at),
    )


def _after(listing: str, token: str, scope: str | None = None) -> str | None:
    """The last id a page token carries; `scope` (a cluster id) must match the
    one the token was issued for."""
    key = decode_key(listing, token, (str,) if scope is None else (str, str))
    if key is None:
        return None
    if scope is not None and key[0] != scope:
        raise bad_token()
    return str(key[-1])


def _next_token(listing: str, last_id: str | None, scope: str | None = None) -> str:
    if last_id is None:
        return ""
    return encode_token(listing, [last_id] if scope is None else [scope, last_id])


def _known_id(value: str, not_found: Any) -> str:
    """Ids that cannot exist are simply not found (the RPCs that take one answer
    only OK or NOT_FOUND)."""
    if directory.id_problem(value):
        raise not_found(value)
    return value


class DirectoryService(directory_pb2_grpc.DirectoryServiceServicer):
    def __init__(self, store: Directory) -> None:
        self.store = store

    # -- users ------------------------------------------------------------------

    @unary
    async def CreateUser(
        self, request: directory_pb2.CreateUserRequest, context: Context
    ) -> directory_pb2.CreateUserResponse:
        user = user_from_proto(request.user)
        directory.validate_new_user(user)
        created = await self.store.create_user(current().brand_id, user)
        return directory_pb2.CreateUserResponse(user=user_to_proto(created))

    @unary
    async def GetUser(
        self, request: directory_pb2.GetUserRequest, context: Context
    ) -> directory_pb2.GetUserResponse:
        user = await self.store.get_user(current().brand_id, _known_id(request.id, user_not_found))
        return directory_pb2.GetUserResponse(user=user_to_proto(user))

    @unary
    async def UpdateUser(
        self, request: directory_pb2.UpdateUserRequest, context: Context
    ) -> directory_pb2.UpdateUserResponse:
        patch = directory.user_patch(user_from_proto(request.user), list(request.update_mask.paths))
        _known_id(patch.user.id, user_not_found)
        updated = await self.store.update_user(current().brand_id, patch)
        return directory_pb2.UpdateUserResponse(user=user_to_proto(updated))

    @unary
    async def DeleteUser(
        self, request: directory_pb2.DeleteUserRequest, context: Context
    ) -> directory_pb2.DeleteUserResponse:
        await self.store.delete_user(current().brand_id, _known_id(request.id, user_not_found))
        return directory_pb2.DeleteUserResponse()

    @unary
    async def ListUsers(
        self, request: directory_pb2.ListUsersRequest, context: Context
    ) -> directory_pb2.ListUsersResponse:
        size = page_size(request.page_size)
        page, last = await self.store.list_users(
            current().brand_id, size, _after(USERS, request.page_token)
        )
        return directory_pb2.ListUsersResponse(
            users=[user_to_proto(u) for u in page], next_page_token=_next_token(USERS, last)
        )

    # -- clusters ---------------------------------------------------------------

    async def _known_users(self, cluster_id: str, user_ids: Sequence[str]) -> None:
        """An id no user can have is NOT_FOUND (after the cluster's own check)."""
        impossible = [u for u in user_ids if directory.id_problem(u)]
        if impossible:
            await self.store.get_cluster(current().brand_id, cluster_id)
            raise user_not_found(impossible[0])

    @unary
    async def CreateCluster(
        self, request: directory_pb2.CreateClusterRequest, context: Context
    ) -> directory_pb2.CreateClusterResponse:
        cluster = directory.Cluster(
            id=request.cluster.id, display_name=request.cluster.display_name
        )
        directory.validate_new_cluster(cluster)
        created = await self.store.create_cluster(current().brand_id, cluster)
        return directory_pb2.CreateClusterResponse(cluster=cluster_to_proto(created))

    @unary
    async def GetCluster(
        self, request: directory_pb2.GetClusterRequest, context: Context
    ) -> directory_pb2.GetClusterResponse:
        cluster = await self.store.get_cluster(
            current().brand_id, _known_id(request.id, cluster_not_found)
        )
        return directory_pb2.GetClusterResponse(cluster=cluster_to_proto(cluster))

    @unary
    async def DeleteCluster(
        self, request: directory_pb2.DeleteClusterRequest, context: Context
    ) -> directory_pb2.DeleteClusterResponse:
        await self.store.delete_cluster(
            current().brand_id, _known_id(request.id, cluster_not_found)
        )
        return directory_pb2.DeleteClusterResponse()

    @unary
    async def ListClusters(
        self, request: directory_pb2.ListClustersRequest, context: Context
    ) -> directory_pb2.ListClustersResponse:
        size = page_size(request.page_size)
        page, last = await self.store.list_clusters(
            current().brand_id, size, _after(CLUSTERS, request.page_token)
        )
        return directory_pb2.ListClustersResponse(
            clusters=[cluster_to_proto(c) for c in page],
            next_page_token=_next_token(CLUSTERS, last),
        )

    @unary
    async def AddClusterMembers(
        self, request: directory_pb2.AddClusterMembersRequest, context: Context
    ) -> directory_pb2.AddClusterMembersResponse:
        cluster_id = _known_id(request.cluster_id, cluster_not_found)
        await self._known_users(cluster_id, request.user_ids)
        cluster = await self.store.add_members(
            current().brand_id, cluster_id, list(request.user_ids)
        )
        return directory_pb2.AddClusterMembersResponse(cluster=cluster_to_proto(cluster))

    @unary
    async def RemoveClusterMembers(
        self, request: directory_pb2.RemoveClusterMembersRequest, context: Context
    ) -> directory_pb2.RemoveClusterMembersResponse:
        cluster_id = _known_id(request.cluster_id, cluster_not_found)
        await self._known_users(cluster_id, request.user_ids)
        cluster = await self.store.remove_members(
            current().brand_id, cluster_id, list(request.user_ids)
        )
        return directory_pb2.RemoveClusterMembersResponse(cluster=cluster_to_proto(cluster))

    @unary
    async def ListClusterMembers(
        self, request: directory_pb2.ListClusterMembersRequest, context: Context
    ) -> directory_pb2.ListClusterMembersResponse:
        size = page_size(request.page_size)
        cluster_id = _known_id(request.cluster_id, cluster_not_found)
        after = _after(MEMBERS, request.page_token, scope=cluster_id)
        page, last = await self.store.list_members(current().brand_id, cluster_id, size, after)
        return directory_pb2.ListClusterMembersResponse(
            users=[user_to_proto(u) for u in page],
            next_page_token=_next_token(MEMBERS, last, scope=cluster_id),
        )
