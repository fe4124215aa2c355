"""The `herald deliver` processes `herald serve` runs beside itself
(HERALD_DELIVERY_PROCESSES), and keeps running.

One Python process delivers only as fast as one core runs its event loop; each
delivery process brings its own. They share the store's queue with the server's
own workers (see delivery_process.py). The server writes to a process's stdin
when work is queued, so an idle one claims it at once rather than at its next
poll, and while SendMessage calls deliver, so its bulk work gives way to them as
the server's own would. A process that exits on its own is started again after a pause that
doubles up to a minute (its leases expire and are claimed again: nothing is
lost); stopping the server stops them with the same grace period.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
import time

import structlog

log = structlog.get_logger("herald.delivery_pool")

RESTART_FIRST_SECONDS = 1.0
RESTART_MAX_SECONDS = 60.0
HEALTHY_SECONDS = 60.0  # a process up this long starts again without the accumulated pause
KILL_AFTER_GRACE_SECONDS = 5.0
TRANSACTIONAL_EVERY = 0.1  # seconds between two "transactional send" signals
# What the server writes to a process's stdin (delivery_process.py reads it).
WAKE = b"w"  # work was queued: claim now
TRANSACTIONAL = b"t"  # a SendMessage is delivering in the server: bulk work gives way
READY_SECONDS = 60.0  # how long start() waits for a process to say it is delivering


class _ReadyPipe(asyncio.Protocol):
    """The pipe a starting process writes one byte to once it is delivering."""

    def __init__(self, ready: asyncio.Future[bool]) -> None:
        self._ready = ready

    def data_received(self, data: bytes) -> None:
        if not self._ready.done():
            self._ready.set_result(True)

    def connection_lost(self, exc: Exception | None) -> None:
        if not self._ready.done():
            self._ready.set_result(False)  # it exited (or closed the pipe) first


class DeliveryPool:
    def __init__(self, count: int) -> None:
        self.count = count
        self._processes: dict[int, asyncio.subprocess.Process] = {}
        self._supervisors: list[asyncio.Task[None]] = []
        self._stopping = False
        self._wake_pending = False
        self._transactional_sent = -1e9
        self._ready: set[int] = set()  # indexes of processes that said they were delivering

    @property
    def pids(self) -> list[int]:
        """The delivering processes: running, and said so."""
        running = (self._processes[i] for i in sorted(self._ready))
        return [p.pid for p in running if p.returncode is None]

    def delivering(self) -> bool:
        """Whether a delivery process is running that said it was delivering."""
        return any(self._processes[i].returncode is None for i in self._ready)

    async def start(self) -> None:
        """Start every process and wait (up to READY_SECONDS) until each is delivering."""
        indexes = range(1, self.count + 1)
        await asyncio.gather(*(self._spawn(index) for index in indexes))
        for index in indexes:
            self._supervisors.append(
                asyncio.create_task(self._supervise(index), name=f"deliver-{index}")
            )

    async def _spawn(self, index: int) -> None:
        loop = asyncio.get_running_loop()
        read_fd, write_fd = os.pipe()
        try:
            # Inherits the environment the server's settings came from, and its stdout and
            # stderr: its JSON log lines (with "process": "deliver-N") join the server's.
            process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "herald",
                "deliver",
                "--supervised",
                "--processes",
                str(self.count + 1),
                "--index",
                str(index),
                "--ready-fd",
                str(write_fd),
                stdin=asyncio.subprocess.PIPE,
                env=dict(os.environ),
                pass_fds=(write_fd,),
            )
        except BaseException:
            os.close(read_fd)
            raise
        finally:
            os.close(write_fd)
        self._processes[index] = process
        self._ready.discard(index)
        ready: asyncio.Future[bool] = loop.create_future()
        transport, _ = await loop.connect_read_pipe(
            lambda: _ReadyPipe(ready), os.fdopen(read_fd, "rb", buffering=0)
        )
        try:
            delivering = await asyncio.wait_for(ready, READY_SECONDS)
        except TimeoutError:
            delivering = False
        finally:
            transport.close()
        if delivering:
            self._ready.add(index)
            log.info("delivery_process_started", index=index, pid=process.pid)
        else:  # the supervisor starts it again if it exited
            log.error("delivery_process_not_ready", index=index, pid=process.pid)

    async def _supervise(self, index: int) -> None:
        loop = asyncio.get_running_loop()
        pause = RESTART_FIRST_SECONDS
        while True:
            started = loop.time()
            process = self._processes[index]
            code = await process.wait()
            if self._stopping:
                return
            log.error("delivery_process_exited", index=index, pid=process.pid, code=code)
            if loop.time() - started >= HEALTHY_SECONDS:
                pause = RESTART_FIRST_SECONDS
            await asyncio.sleep(pause)
            pause = min(pause * 2, RESTART_MAX_SECONDS)
            if self._stopping:
                return
            try:
                await self._spawn(index)
            except OSError:
                log.exception("delivery_process_start_failed", index=index)

    def transactional(self) -> None:
        """A SendMessage is delivering here: tell the processes (at most every
        TRANSACTIONAL_EVERY seconds), so their bulk work gives way as it does here."""
        now = time.monotonic()
        if now - self._transactional_sent < TRANSACTIONAL_EVERY:
            return
        self._transactional_sent = now
        self._write(TRANSACTIONAL)

    def wake(self) -> None:
        """Work was queued: wake every delivery process (once per turn of the loop)."""
        if self._wake_pending or not self._processes:
            return
        self._wake_pending = True
        asyncio.get_running_loop().call_soon(self._send_wake)

    def _send_wake(self) -> None:
        self._wake_pending = False
        self._write(WAKE)

    def _write(self, signal: bytes) -> None:
        for process in self._processes.values():
            if process.returncode is None and process.stdin is not None:
                with contextlib.suppress(ConnectionError, RuntimeError):
                    process.stdin.write(signal)

    def kill(self) -> None:
        """SIGKILL every process now (the server's forced stop): their in-flight
        deliveries are claimed again when the leases expire."""
        self._stopping = True
        for process in self._processes.values():
            if process.returncode is None:
                with contextlib.suppress(ProcessLookupError):
                    process.kill()

    async def stop(self, grace: float) -> None:
        """SIGTERM each process (it finishes its deliveries within `grace` and hands
        back the rest), then wait for it; one still running after that is killed."""
        self._stopping = True
        running = [p for p in self._processes.values() if p.returncode is None]
        for process in running:
            with contextlib.suppress(ProcessLookupError):
                process.terminate()
        for process in running:
            try:
                await asyncio.wait_for(process.wait(), grace + KILL_AFTER_GRACE_SECONDS)
            except TimeoutError:
                log.error("delivery_process_killed", pid=process.pid)
                with contextlib.suppress(ProcessLookupError):
                    process.kill()
                await process.wait()
        for task in self._supervisors:
            task.cancel()
        await asyncio.gather(*self._supervisors, return_exceptions=True)
