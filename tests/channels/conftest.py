from __future__ import annotations

import socket
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from herald.channels.base import OutboundMessage
from herald.core.channel import Channel

from tests.peers.fcm import FcmPeer, ServiceAccount, write_service_account
from tests.peers.smtp import SmtpPeer
from tests.peers.tls import PeerCertificate, make_certificate
from tests.peers.twilio import TwilioPeer


def outbound(channel: Channel, recipient: str, **fields: object) -> OutboundMessage:
    values: dict[str, object] = {
        "delivery_id": "0190f1c2d3e4a5b6c7d8e9f0a1b2c3d4",
        "message_id": "msg-1",
        "channel": channel,
        "recipient": recipient,
        "user_id": "user-1",
        "subject": "Hello",
        "text": "Body text",
    }
    values.update(fields)
    return OutboundMessage(**values)  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> PeerCertificate:
    return make_certificate(tmp_path_factory.mktemp("tls"))


@pytest.fixture
def refused_port() -> Iterator[int]:
    """A loopback port bound but not listening: connecting is refused."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    yield sock.getsockname()[1]
    sock.close()


@pytest.fixture
async def smtp_peer() -> AsyncIterator[SmtpPeer]:
    peer = await SmtpPeer().start()
    yield peer
    await peer.close()


@pytest.fixture
async def twilio_peer() -> AsyncIterator[TwilioPeer]:
    peer = await TwilioPeer(stall_seconds=5).start()
    yield peer
    await peer.close()


@pytest.fixture(scope="module")
def fcm_peer() -> Iterator[FcmPeer]:
    peer = FcmPeer(stall_seconds=5).start()
    yield peer
    peer.stop()


@pytest.fixture(scope="module")
def service_account(fcm_peer: FcmPeer, tmp_path_factory: pytest.TempPathFactory) -> ServiceAccount:
    path = Path(tmp_path_factory.mktemp("fcm")) / "service-account.json"
    account = write_service_account(path, fcm_peer.token_uri)
    fcm_peer.trust(account)
    return account
