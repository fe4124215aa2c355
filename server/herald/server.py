"""The grpc.aio server: wiring, health, reflection and graceful shutdown."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from dataclasses import dataclass
from functools import partial
from typing import Any, NoReturn

import grpc
import structlog
from google.protobuf.descriptor import ServiceDescriptor
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection

from herald import gc_tuning, tracing
from herald.api.campaign_service import CampaignService
from herald.api.delivery_service import DeliveryService
from herald.api.directory_service import DirectoryService
from herald.api.inbox_service import InboxService
from herald.api.interceptors import RequestContextInterceptor
from herald.api.limits import LimitsInterceptor, caller_limits
from herald.api.reflection_pool import MethodAwarePool
from herald.api.template_service import TemplateService
from herald.api.unimplemented import unimplemented_handler
from herald.auth import client_cert
from herald.auth.api_keys import ApiKeyVerifier
from herald.auth.interceptor import Authenticator, AuthInterceptor, default_peer_identity
from herald.auth.roles import RoleMap, RoleScopesError, parse_role_scopes, unknown_role
from herald.auth.tokens import JwtVerifier
from herald.channels.base import ChannelAdapter
from herald.config import ConfigError, Settings
from herald.core.channel import Channel, Lane
from herald.core.notification import AllowEveryone
from herald.delivery_pool import DeliveryPool
from herald.dispatch.assembly import new_dispatcher, start_adapters
from herald.dispatch.campaigns import Campaigns
from herald.dispatch.dispatcher import Dispatcher
from herald.dispatch.inbox import Inbox
from herald.dispatch.inbox_hub import InboxFeedHub, InboxHub
from herald.dispatch.notifications import Notifications
from herald.dispatch.people import People
from herald.dispatch.remote import RemoteProgress
from herald.dispatch.sender import Sender
from herald.metrics import MetricsServer, QueueSampler, queue_collector
from herald.store.allow_list import AllowListSource
from herald.store.api_keys import ApiKeyStore
from herald.store.attachment_dir import AttachmentDirectory
from herald.store.campaigns import CampaignStore
from herald.store.database import Database
from herald.store.directory import Directory
from herald.store.inbox import InboxStore
from herald.store.pg_listen import PgListener
from herald.store.queue import Queue
from herald.store.queue_stats import queue_depth
from herald.store.startup import open_database, prepare
from herald.store.templates import TemplateStore
from herald.store.writer import GroupCommitWriter
from herald.transport import Transport, build_transport, is_loopback
from herald.v1 import (
    campaign_pb2,
    campaign_pb2_grpc,
    delivery_pb2,
    delivery_pb2_grpc,
    directory_pb2,
    directory_pb2_grpc,
    inbox_pb2,
    inbox_pb2_grpc,
    template_pb2,
    template_pb2_grpc,
)

log = structlog.get_logger("herald.server")

SERVICES = [
    delivery_pb2.DESCRIPTOR.services_by_name["DeliveryService"],
    campaign_pb2.DESCRIPTOR.services_by_name["CampaignService"],
    template_pb2.DESCRIPTOR.services_by_name["TemplateService"],
    directory_pb2.DESCRIPTOR.services_by_name["DirectoryService"],
    inbox_pb2.DESCRIPTOR.services_by_name["InboxService"],
]
# A second SIGTERM/SIGINT during shutdown: how long to spend handing leases back before
# the process exits (force_stop).
FORCED_STOP_SECONDS = 1.0
# Services whose RPCs all answer UNIMPLEMENTED until they are built (one per line).
NOT_BUILT_YET: list[ServiceDescriptor] = []


@dataclass
class Herald:
    settings: Settings
    db: Database
    writer: GroupCommitWriter
    # A campaign's recipient batches: on PostgreSQL a second writer on its own
    # connection, so a transactional send's commit never waits behind hundreds of
    # rows; on SQLite (one write lock) the writer itself.
    bulk_writer: GroupCommitWriter
    dispatcher: Dispatcher
    adapters: dict[Channel, ChannelAdapter]
    server: grpc.aio.Server
    health: health.aio.HealthServicer
    port: int
    inbox: Inbox | None = None
    # PostgreSQL only: LISTEN/NOTIFY with the other replicas (store/pg_listen.py).
    listener: PgListener | None = None
    remote: RemoteProgress | None = None
    # HERALD_METRICS_LISTEN only: the Prometheus listener and its queue sampler.
    metrics: MetricsServer | None = None
    sampler: QueueSampler | None = None
    # HERALD_DELIVERY_PROCESSES only: the `herald deliver` processes beside this one.
    pool: DeliveryPool | None = None


@dataclass
class _Health:
    """SERVING once started, except while the store is out of reach (on PostgreSQL the
    listener's connection attempts tell); NOT_SERVING for good from shutdown on
    (enter_graceful_shutdown: later changes are ignored)."""

    servicer: health.aio.HealthServicer
    started: bool = False
    store_reachable: bool = True

    async def serve(self) -> None:
        self.started = True
        await self._publish()

    async def store(self, reachable: bool) -> None:
        self.store_reachable = reachable
        if reachable:
            log.info("store_reachable", health="SERVING")
        else:
            log.warning("store_unreachable", health="NOT_SERVING")
        if self.started:
            await self._publish()

    async def _publish(self) -> None:
        serving = health_pb2.HealthCheckResponse.SERVING
        status = serving if self.store_reachable else health_pb2.HealthCheckResponse.NOT_SERVING
        for name in ["", *(s.full_name for s in SERVICES)]:
            await self.servicer.set(name, status)


def _warn_if_exposed(listen: str, transport: Transport) -> None:
    if not transport.tls and not is_loopback(listen):
        log.warning(
            "plaintext_listener_not_loopback",
            listen=listen,
            message="Herald is serving WITHOUT TLS on a non-loopback address: anyone on the "
            "network can read and forge calls; set HERALD_TLS_CERT and HERALD_TLS_KEY",
        )


def _bind(server: grpc.aio.Server, listen: str, transport: Transport) -> int:
    """The port HERALD_LISTEN names, bound now (served from server.start())."""
    try:
        if transport.credentials is not None:
            return int(server.add_secure_port(listen, transport.credentials))
        return int(server.add_insecure_port(listen))
    except RuntimeError as exc:  # grpc says no more than "Failed to bind to address"
        raise ConfigError(
            f"HERALD_LISTEN {listen}: cannot listen there (in use, or not a local host:port)"
        ) from exc


async def start(settings: Settings) -> Herald:
    transport = build_transport(settings)  # files read and checked before anything starts
    client_cert.configure(settings.tls_identities)
    if settings.attachment_dir is not None and not settings.attachment_dir.is_dir():
        raise ConfigError(
            f"HERALD_ATTACHMENT_DIR: no such directory {str(settings.attachment_dir)!r}"
        )
    try:
        role_scopes = parse_role_scopes(settings.role_scopes)
    except RoleScopesError as exc:
        raise ConfigError(str(exc)) from exc
    for identity in settings.tls_identities.values():
        if problem := unknown_role(identity.identity, identity.roles, role_scopes):
            raise ConfigError(f"HERALD_TLS_IDENTITIES: {problem}")
    jwt_verifier = JwtVerifier.from_settings(settings)
    tracing.configure(settings)  # HERALD_OTEL; a bad OTEL_TRACES_EXPORTER is a ConfigError
    db = open_database(settings)
    authenticator = Authenticator(
        jwt_verifier,
        ApiKeyVerifier(ApiKeyStore(db)),
        RoleMap(role_scopes),
        default_peer_identity(),
    )
    server = grpc.aio.server(
        # Order matters: the request id first, then the caller, then its limits.
        interceptors=[
            RequestContextInterceptor(),
            AuthInterceptor(authenticator),
            LimitsInterceptor(caller_limits(settings)),
        ],
        options=[
            ("grpc.max_receive_message_length", settings.max_message_bytes),
            ("grpc.max_send_message_length", settings.max_message_bytes),
            ("grpc.so_reuseport", 0),
        ],
    )
    # The listeners before the store: a process that cannot bind them has claimed
    # nothing (no leases left to expire) and changed nothing.
    _warn_if_exposed(settings.listen, transport)
    port = _bind(server, settings.listen, transport)
    metrics = None
    if settings.metrics_listen:
        try:
            metrics = MetricsServer(settings.metrics_listen)
        except OSError as exc:
            raise ConfigError(f"HERALD_METRICS_LISTEN {settings.metrics_listen}: {exc}") from exc
    await prepare(db, migrate=settings.migrate_on_start)
    writer = GroupCommitWriter(db.engine, sqlite_path=db.sqlite_path)
    await writer.start()
    bulk_writer = writer
    if db.is_postgres:
        bulk_writer = GroupCommitWriter(db.engine, notify_origin=writer.notify_origin)
        await bulk_writer.start()
    queue = Queue(db, writer)
    directory = Directory(db)
    templates = TemplateStore(db)
    adapters = await start_adapters(settings, queue, directory)
    inbox = Inbox(InboxStore(db), InboxHub())
    processes = 1 + settings.delivery_processes
    dispatcher = new_dispatcher(settings, queue, adapters, InboxFeedHub(inbox.hub), processes)
    await dispatcher.start()
    health_status = _Health(health.aio.HealthServicer())
    listener = remote = None
    if db.is_postgres:
        remote = RemoteProgress(dispatcher.hub, queue)
        listener = PgListener(
            db.engine, writer.notify_origin, dispatcher.wake, remote.changed, health_status.store
        )
        await listener.start()
    sender = Sender(
        queue,
        dispatcher,
        settings.delivery_deadline_seconds,
        settings.send_wait_seconds,
        settings.max_attachment_bytes,
        people=People(directory, templates),
    )
    notifications = Notifications(
        queue,
        dispatcher,
        AllowListSource(db, settings.allow_list, settings.allow_list_admins)
        if settings.allow_list
        else AllowEveryone(),
        settings.max_recipients,
        settings.max_attachment_bytes,
        settings.delivery_deadline_seconds,
        directory,
        templates,
        AttachmentDirectory(settings.attachment_dir, settings.max_attachment_bytes),
        active_channels=frozenset(adapters),
    )
    campaigns = Campaigns(
        CampaignStore(db, bulk_writer), dispatcher, templates, settings.delivery_deadline_seconds
    )
    delivery_pb2_grpc.add_DeliveryServiceServicer_to_server(
        DeliveryService(sender, notifications), server
    )
    inbox_pb2_grpc.add_InboxServiceServicer_to_server(InboxService(inbox), server)
    campaign_pb2_grpc.add_CampaignServiceServicer_to_server(CampaignService(campaigns), server)
    directory_pb2_grpc.add_DirectoryServiceServicer_to_server(DirectoryService(directory), server)
    template_pb2_grpc.add_TemplateServiceServicer_to_server(
        TemplateService(templates, settings.max_attachment_bytes), server
    )
    server.add_generic_rpc_handlers([unimplemented_handler(s) for s in NOT_BUILT_YET])
    health_servicer = health_status.servicer
    health_pb2_grpc.add_HealthServicer_to_server(health_servicer, server)
    names = [s.full_name for s in SERVICES] + [
        health_pb2.DESCRIPTOR.services_by_name["Health"].full_name,
        reflection.SERVICE_NAME,
    ]
    reflection.enable_server_reflection(names, server, pool=MethodAwarePool())
    sampler = None
    if metrics is not None:
        sampler = QueueSampler(partial(queue_depth, db), queue_collector())
        await sampler.start()
    await server.start()
    pool = None
    if settings.delivery_processes:
        pool = DeliveryPool(settings.delivery_processes)
        await pool.start()
        dispatcher.also_wake(pool.wake)
        # Campaigns (the bulk lane) are theirs while one of them is delivering and the API
        # is in use: this event loop stays free for it, so SendMessage answers as quickly
        # during a campaign. With no transactional send for a while, this process helps.
        dispatcher.leave_to_others(
            Lane.BULK, lambda: pool.delivering() and not dispatcher.api_idle()
        )
        dispatcher.on_transactional(pool.transactional)
    gc_tuning.settle_after_start()
    await health_status.serve()
    log.info(
        "serving",
        listen=settings.listen,
        port=port,
        store=db.url.get_backend_name(),
        channels=sorted(c.value for c in adapters),
        tls=transport.tls,
        client_auth=transport.client_auth,
        delivery_processes=pool.pids if pool is not None else [],
    )
    return Herald(
        settings,
        db,
        writer,
        bulk_writer,
        dispatcher,
        adapters,
        server,
        health_servicer,
        port,
        inbox=inbox,
        listener=listener,
        remote=remote,
        metrics=metrics,
        sampler=sampler,
        pool=pool,
    )


async def stop(herald: Herald) -> None:
    """Health NOT_SERVING (kept for the drain period so load balancers notice),
    then finish in-flight calls and deliveries within the grace period, hand
    back leases, close the store."""
    grace = herald.settings.shutdown_grace
    await herald.health.enter_graceful_shutdown()
    log.info("shutting_down", grace_seconds=grace, drain_seconds=herald.settings.shutdown_drain)
    await asyncio.sleep(herald.settings.shutdown_drain)
    if herald.inbox is not None:
        herald.inbox.close()  # inbox watch streams end rather than hold up the grace period
    loop = asyncio.get_running_loop()
    deadline = loop.time() + grace

    async def api_then_dispatcher() -> None:
        # The calls in flight may still store a send and start its deliveries
        # (Dispatcher.run): the dispatcher hands leases back only once none can, so
        # it waits for the server's stop (the calls done, or cancelled at the end of
        # the grace period), then for its attempts until the same deadline.
        herald.dispatcher.stop_claiming()
        await herald.server.stop(grace)
        await herald.dispatcher.stop(max(0.0, deadline - loop.time()))

    await asyncio.gather(
        api_then_dispatcher(),
        *([herald.pool.stop(grace)] if herald.pool is not None else []),
    )
    if herald.listener is not None:
        await herald.listener.close()
    if herald.remote is not None:
        await herald.remote.close()
    for adapter in herald.adapters.values():
        await adapter.close()
    if herald.sampler is not None:
        await herald.sampler.close()
    if herald.metrics is not None:
        herald.metrics.close()
    if herald.bulk_writer is not herald.writer:
        await herald.bulk_writer.close()
    await herald.writer.close()
    await herald.db.close()
    if herald.settings.otel:
        tracing.shutdown()  # flushes the exporters
    log.info("stopped")


async def force_stop(herald: Herald, graceful: asyncio.Task[None], signum: int) -> NoReturn:
    """A second SIGTERM/SIGINT during `stop`: cut the grace short. Within
    FORCED_STOP_SECONDS, cancel the attempts running here and hand their leases back
    (`Dispatcher.stop` with no grace left) and kill the delivery processes (their
    leases expire); then exit at once, 128 + the signal's number as a shell reports it.
    Nothing accepted is lost: what was not handed back is claimed when its lease expires."""
    code = 128 + signum
    log.warning(
        "stop_forced",
        signal=signal.Signals(signum).name,
        exit_code=code,
        detail="not waiting for in-flight attempts: their leases are handed back or expire, "
        "and the next process delivers them",
    )
    graceful.cancel()

    async def hand_back() -> None:
        await asyncio.gather(graceful, return_exceptions=True)
        if herald.pool is not None:
            herald.pool.kill()
        try:
            await herald.dispatcher.stop(0)
        except Exception:  # e.g. the graceful stop had closed the store already
            log.exception("stop_forced_hand_back_failed")

    # asyncio.wait, not wait_for: past the bound, nothing waits for hand_back to give up.
    done, _ = await asyncio.wait({asyncio.ensure_future(hand_back())}, timeout=FORCED_STOP_SECONDS)
    if not done:
        log.warning("stop_forced_hand_back_unfinished", seconds=FORCED_STOP_SECONDS)
    if herald.pool is not None:
        herald.pool.kill()
    sys.stderr.flush()
    sys.stdout.flush()
    os._exit(code)


async def serve(settings: Settings) -> None:
    herald = await start(settings)
    loop = asyncio.get_running_loop()
    stopping = asyncio.Event()
    # The second signal's number: it ends the graceful stop (force_stop).
    forced: asyncio.Future[int] = loop.create_future()

    def on_signal(signum: int) -> None:
        if not stopping.is_set():
            stopping.set()
        elif not forced.done():
            forced.set_result(signum)

    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, on_signal, signum)
    await stopping.wait()
    graceful = asyncio.create_task(stop(herald), name="graceful-stop")
    either: set[asyncio.Future[Any]] = {graceful, forced}
    await asyncio.wait(either, return_when=asyncio.FIRST_COMPLETED)
    if not graceful.done():
        await force_stop(herald, graceful, forced.result())
    await graceful
