"""An SMTP sink for benchmarks: tests/peers/smtp.py's aiosmtpd peer (plain SMTP, no TLS,
no AUTH, messages counted, not kept) plus an HTTP ``GET /count`` on a second port that
answers ``{"received": N}``, so a benchmark counts deliveries at the receiver.

    .venv/bin/python -m bench.smtp_sink --port N --count-port M   (prints "READY N M")
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib

from aiohttp import web

from tests.peers.smtp import SmtpPeer


async def serve(port: int, count_port: int) -> None:
    peer = await SmtpPeer(record=False).start(port)

    async def count(request: web.Request) -> web.Response:
        return web.json_response({"received": peer.count})

    app = web.Application()
    app.router.add_get("/count", count)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", count_port).start()
    print(f"READY {peer.port} {count_port}", flush=True)
    try:
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()
        await peer.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--count-port", type=int, required=True)
    args = parser.parse_args()
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(args.port, args.count_port))


if __name__ == "__main__":
    main()
