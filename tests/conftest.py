from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import grpc
import pytest

from tests.support.server import WEBHOOK_SECRET, ServerProcess
from tests.support.webhook_receiver import WebhookReceiver


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    process = ServerProcess(Path(tmp_path_factory.mktemp("herald")))
    process.start()
    yield process
    process.stop()


@pytest.fixture
async def channel(server: ServerProcess) -> AsyncIterator[grpc.aio.Channel]:
    async with grpc.aio.insecure_channel(server.target) as channel:
        yield channel


@pytest.fixture
async def receiver() -> AsyncIterator[WebhookReceiver]:
    receiver = await WebhookReceiver(WEBHOOK_SECRET).start()
    yield receiver
    await receiver.close()
