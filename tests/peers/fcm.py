"""An HTTP server on 127.0.0.1 speaking FCM HTTP v1 plus the OAuth2 token endpoint.

- ``POST /token``: the service account's ``token_uri``. Verifies the JWT-bearer
  assertion (RS256, signed with the service account's key, ``aud`` = token_uri,
  ``iss`` = client_email, a scope that allows FCM) and issues an access token.
- ``POST /v1/projects/{project}/messages:send``: needs ``Authorization: Bearer`` with an
  issued token (else 401 UNAUTHENTICATED). Answers ``{"name": ...}``, or FCM's errors
  by token prefix: ``unregistered-`` 404 NOT_FOUND/UNREGISTERED, ``quota-`` 429
  RESOURCE_EXHAUSTED/QUOTA_EXCEEDED with Retry-After, ``unavailable-`` 503 UNAVAILABLE,
  ``invalid-`` 400 INVALID_ARGUMENT, ``stall-`` no answer for ``stall_seconds``.

google-auth refreshes tokens synchronously, so this server must never share the event
loop that waits on it: ``FcmPeer.start()`` runs it in its own thread with its own loop.

As a process: ``python -m tests.peers.fcm --port N --service-account PATH`` writes a
service-account JSON (fresh RSA key, token_uri at this peer) to PATH, then prints
``READY <port>``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jwt
from aiohttp import web
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

HOST = "127.0.0.1"
FCM_SCOPES = {
    "https://www.googleapis.com/auth/firebase.messaging",
    "https://www.googleapis.com/auth/cloud-platform",
}
FCM_ERROR_TYPE = "type.googleapis.com/google.firebase.fcm.v1.FcmError"
# google-auth always addresses the assertion to Google's token endpoint, whatever the
# token_uri it posts it to; Google's own endpoint accepts exactly that audience.
GOOGLE_TOKEN_AUDIENCE = "https://oauth2.googleapis.com/token"


@dataclass(frozen=True)
class ServiceAccount:
    path: Path
    info: dict[str, str]
    public_key_pem: bytes


def write_service_account(
    path: Path, token_uri: str, project_id: str = "herald-test"
) -> ServiceAccount:
    """A service-account JSON with a freshly generated RSA key, token_uri at the peer."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    public_pem = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    info = {
        "type": "service_account",
        "project_id": project_id,
        "private_key_id": secrets.token_hex(20),
        "private_key": private_pem,
        "client_email": f"herald@{project_id}.iam.gserviceaccount.com",
        "client_id": str(secrets.randbelow(10**20)),
        "auth_uri": "https://accounts.google.com/o/oauth2/auth",
        "token_uri": token_uri,
    }
    path.write_text(json.dumps(info))
    path.chmod(0o600)
    return ServiceAccount(path, info, public_pem)


@dataclass
class FcmPeer:
    token_lifetime: int = 3600
    token_delay: float = 0.0  # seconds the token endpoint takes to answer
    retry_after: str = "11"
    stall_seconds: float = 30.0
    record: bool = True
    sends: list[dict[str, Any]] = field(default_factory=list)
    token_requests: int = 0
    token_rejections: int = 0
    count: int = 0
    port: int = 0
    _keys: dict[str, bytes] = field(default_factory=dict)  # client_email -> public key PEM
    _tokens: set[str] = field(default_factory=set)
    _loop: asyncio.AbstractEventLoop | None = None
    _thread: threading.Thread | None = None
    _runner: web.AppRunner | None = None

    @property
    def base_url(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def token_uri(self) -> str:
        return f"{self.base_url}/token"

    def trust(self, account: ServiceAccount) -> None:
        self._keys[account.info["client_email"]] = account.public_key_pem

    def revoke_tokens(self) -> None:
        """Forget every issued access token (the next send gets a 401)."""
        self._tokens.clear()

    async def _token(self, request: web.Request) -> web.Response:
        self.token_requests += 1
        if self.token_delay:
            await asyncio.sleep(self.token_delay)
        form = await request.post()

        def refuse(description: str) -> web.Response:
            self.token_rejections += 1
            return web.json_response(
                {"error": "invalid_grant", "error_description": description}, status=400
            )

        if form.get("grant_type") != "urn:ietf:params:oauth:grant-type:jwt-bearer":
            return refuse("unsupported grant_type")
        assertion = str(form.get("assertion", ""))
        try:
            claims = jwt.decode(assertion, options={"verify_signature": False})
            key = self._keys[claims["iss"]]
            claims = jwt.decode(
                assertion,
                key,
                algorithms=["RS256"],
                audience=[self.token_uri, GOOGLE_TOKEN_AUDIENCE],
                leeway=60,
            )
        except (jwt.PyJWTError, KeyError) as exc:
            return refuse(f"Invalid JWT: {type(exc).__name__}")
        if not FCM_SCOPES & set(str(claims.get("scope", "")).split()):
            return refuse("no scope that allows FCM")
        token = "ya29.test-" + secrets.token_urlsafe(24)
        self._tokens.add(token)
        return web.json_response(
            {"access_token": token, "expires_in": self.token_lifetime, "token_type": "Bearer"}
        )

    @staticmethod
    def _error(
        status: int, code: str, message: str, fcm_code: str | None = None, **headers: str
    ) -> web.Response:
        error: dict[str, Any] = {"code": status, "message": message, "status": code}
        if fcm_code:
            error["details"] = [{"@type": FCM_ERROR_TYPE, "errorCode": fcm_code}]
        return web.json_response({"error": error}, status=status, headers=headers)

    async def _send(self, request: web.Request) -> web.Response:
        header = request.headers.get("Authorization", "")
        if not header.startswith("Bearer ") or header[7:] not in self._tokens:
            return self._error(
                401, "UNAUTHENTICATED", "Request had invalid authentication credentials."
            )
        body = await request.json()
        message = body.get("message", {})
        if self.record:
            self.sends.append(
                {
                    "project": request.match_info["project"],
                    "body": body,
                    "headers": dict(request.headers),
                }
            )
        token = str(message.get("token", ""))
        if token.startswith("stall-"):
            await asyncio.sleep(self.stall_seconds)
        if token.startswith("unregistered-"):
            return self._error(404, "NOT_FOUND", "Requested entity was not found.", "UNREGISTERED")
        if token.startswith("quota-"):
            return self._error(
                429,
                "RESOURCE_EXHAUSTED",
                "Quota exceeded.",
                "QUOTA_EXCEEDED",
                **{"Retry-After": self.retry_after},
            )
        if token.startswith("unavailable-"):
            return self._error(503, "UNAVAILABLE", "The service is unavailable.", "UNAVAILABLE")
        if token.startswith("invalid-") or not token:
            return self._error(
                400,
                "INVALID_ARGUMENT",
                "The registration token is not a valid FCM token",
                "INVALID_ARGUMENT",
            )
        self.count += 1
        project = request.match_info["project"]
        return web.json_response(
            {"name": f"projects/{project}/messages/0:{time.time_ns()}%{secrets.token_hex(4)}"}
        )

    async def _serve(self, port: int, ready: threading.Event) -> None:
        app = web.Application()
        app.router.add_post("/token", self._token)
        app.router.add_post("/v1/projects/{project}/messages:send", self._send)
        self._runner = web.AppRunner(app, access_log=None, handler_cancellation=True)
        await self._runner.setup()
        site = web.TCPSite(self._runner, HOST, port)
        await site.start()
        server = site._server
        assert server is not None
        self.port = server.sockets[0].getsockname()[1]  # type: ignore[attr-defined]
        ready.set()

    def start(self, port: int = 0) -> FcmPeer:
        """Serve from a thread with its own event loop; returns once listening."""
        ready = threading.Event()
        loop = asyncio.new_event_loop()
        self._loop = loop

        def run() -> None:
            asyncio.set_event_loop(loop)
            serving = loop.create_task(self._serve(port, ready))
            loop.run_forever()
            serving.cancel()
            loop.close()

        self._thread = threading.Thread(target=run, name="fcm-peer", daemon=True)
        self._thread.start()
        if not ready.wait(10):
            raise RuntimeError("FCM peer did not start")
        return self

    def stop(self) -> None:
        loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return

        async def shutdown() -> None:
            if self._runner is not None:
                await self._runner.cleanup()

        with contextlib.suppress(Exception):
            asyncio.run_coroutine_threadsafe(shutdown(), loop).result(5)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(5)
        self._loop = self._thread = None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--service-account", type=Path, required=True)
    parser.add_argument("--project", default="herald-bench")
    args = parser.parse_args()
    peer = FcmPeer(record=False).start(args.port)
    account = write_service_account(args.service_account, peer.token_uri, args.project)
    peer.trust(account)
    print(f"READY {peer.port}", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        threading.Event().wait()
    peer.stop()


if __name__ == "__main__":
    main()
