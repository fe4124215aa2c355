"""A webhook receiver for benchmarks: answers 204 to every POST and counts them."""

from __future__ import annotations

import argparse

from aiohttp import web

received = 0


async def handle(request: web.Request) -> web.Response:
    global received  # noqa: PLW0603 - one counter for the whole process
    await request.read()
    received += 1
    return web.Response(status=204)


async def count(request: web.Request) -> web.Response:
    return web.json_response({"received": received})


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    app = web.Application()
    app.router.add_get("/count", count)
    app.router.add_post("/{tail:.*}", handle)
    print("ready", flush=True)
    web.run_app(app, host="127.0.0.1", port=args.port, print=None, access_log=None)


if __name__ == "__main__":
    main()
