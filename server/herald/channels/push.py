"""Push channel: Firebase Cloud Messaging HTTP v1 through firebase-admin's send_each_async.

Configuration: HERALD_FCM_CREDENTIALS (path to a service-account JSON file; its
``token_uri`` is where OAuth2 tokens come from), HERALD_FCM_BASE_URL (default
https://fcm.googleapis.com) and HERALD_FCM_TIMEOUT.

The FCM message: ``token`` = recipient, ``notification.title`` = subject,
``notification.body`` = text, ``data`` = message.data (string values).

How Herald drives firebase-admin (7.x), which offers no option for any of this:
- the endpoint: ``_MessagingService.FCM_URL`` is a hard-coded https://fcm.googleapis.com
  URL; when HERALD_FCM_BASE_URL is set the app's messaging service gets its ``_fcm_url``
  rebuilt on that base (checked at start(), so a firebase-admin upgrade that renames it
  fails loudly instead of silently sending elsewhere);
- the HTTP client: the service's httpx client is replaced by one without firebase-admin's
  own retries on 500/503 (the dispatcher retries) and with Herald's timeout;
- the OAuth2 token: google-auth refreshes synchronously (a blocking HTTP call, with a
  120 s default timeout). Herald refreshes it in its own worker thread, one refresh at a
  time (concurrent sends wait for the same one), before it expires and on a 401, so the
  event loop never blocks on the token endpoint; each token request is bounded by
  HERALD_FCM_TIMEOUT, and so is the first refresh in start().

Failure codes:
- INVALID_TOKEN (permanent): the recipient is not a plausible registration token; nothing sent.
- UNREGISTERED_TOKEN (permanent): FCM says the token is no longer registered (UNREGISTERED);
  the caller should delete this token.
- SENDER_ID_MISMATCH (permanent): the token belongs to another Firebase project;
  the caller should delete this token too.
- INVALID_ARGUMENT (permanent): FCM rejected the message (bad token format, bad data keys...).
- INVALID_CREDENTIALS (permanent): the service account was refused (token endpoint,
  UNAUTHENTICATED/PERMISSION_DENIED, or APNs/Web Push third-party auth errors).
- RATE_LIMITED (transient): QUOTA_EXCEEDED / RESOURCE_EXHAUSTED, with the Retry-After given.
- PROVIDER_UNAVAILABLE (transient): UNAVAILABLE or INTERNAL (5xx), Retry-After honoured.
- TIMEOUT (transient): no answer (from FCM or the token endpoint) within HERALD_FCM_TIMEOUT.
- CONNECTION_FAILED (transient): FCM or the token endpoint could not be reached.
- PROVIDER_REJECTED (permanent): another 4xx answer.
- PROVIDER_ERROR (transient): anything else unexpected.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import itertools
import json
import warnings
from collections.abc import AsyncGenerator, Generator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import firebase_admin
import google.auth.exceptions
import google.auth.transport.requests
import httpx
import requests
from firebase_admin import _http_client, credentials, exceptions, messaging
from firebase_admin._retry import HttpxRetry

from herald.channels.base import DeliveryResult, OutboundMessage
from herald.channels.retry_after import parse_retry_after
from herald.config import ConfigError, Settings
from herald.core.addresses import push_token_problem
from herald.core.channel import Channel

DEFAULT_BASE_URL = "https://fcm.googleapis.com"
_app_numbers = itertools.count(1)


def retry_after_seconds(response: Any) -> float | None:
    headers = getattr(response, "headers", None)
    if headers is None:
        return None
    return parse_retry_after(headers.get("Retry-After"))


class TokenKeeper:
    """Keeps the service account's OAuth2 token fresh, refreshing it in a thread.

    At most one refresh runs at a time, in the keeper's own single worker thread: a
    caller that finds one under way waits for it (shielded, so a caller that gives up
    leaves it running for the others) rather than starting another. Each token request
    gives up after ``timeout`` seconds (google-auth's default is 120 s).
    """

    def __init__(self, credential: Any, timeout: float) -> None:
        self.credential = credential
        self._request = functools.partial(google.auth.transport.requests.Request(), timeout=timeout)
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="herald-fcm-token")
        self._started = 0  # refreshes started so far
        self._refreshing: tuple[int, asyncio.Future[None]] | None = None

    def _fresh(self, stale_token: str | None) -> bool:
        return bool(self.credential.valid) and (
            stale_token is None or self.credential.token != stale_token
        )

    def _start_refresh(self) -> tuple[int, asyncio.Future[None]]:
        future = asyncio.get_running_loop().run_in_executor(
            self._executor, self.credential.refresh, self._request
        )
        self._started += 1
        refreshing = self._refreshing = (self._started, future)

        def finished(done: asyncio.Future[None]) -> None:
            if self._refreshing is refreshing:
                self._refreshing = None
            if not done.cancelled():
                done.exception()  # retrieved: whoever waited has seen it, or nobody did

        future.add_done_callback(finished)
        return refreshing

    async def ensure(self, stale_token: str | None = None) -> None:
        """Refresh when the token is missing or near expiry, or equals ``stale_token``
        (one the server refused), unless another task already replaced it.

        A refresh that was already under way when this call began only counts if it
        succeeds (then the token is checked again); otherwise this call waits for (or
        starts) a refresh begun after it, and that one's outcome is final."""
        entered = self._started
        while not self._fresh(stale_token):
            number, future = self._refreshing or self._start_refresh()
            try:
                await asyncio.shield(future)
            except Exception:
                if number > entered:
                    raise
                continue
            if number > entered:
                return

    def close(self) -> None:
        """Stop the worker thread (a refresh under way finishes within its timeout)."""
        self._executor.shutdown(wait=False, cancel_futures=True)


class _ThreadRefreshAuth(httpx.Auth):
    """httpx auth that never refreshes on the event loop (google-auth's refresh blocks)."""

    def __init__(self, keeper: TokenKeeper) -> None:
        self.keeper = keeper

    def sync_auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response]:
        raise RuntimeError("Herald's FCM client is async only")
        yield request  # pragma: no cover

    async def async_auth_flow(
        self, request: httpx.Request
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        await self.keeper.ensure()
        token = self.keeper.credential.token
        self.keeper.credential.apply(request.headers)
        response = yield request
        if response.status_code == 401:
            await self.keeper.ensure(stale_token=token)
            self.keeper.credential.apply(request.headers)
            yield request


def classify(exc: BaseException) -> DeliveryResult:
    if isinstance(exc, exceptions.FirebaseError):
        cause = exc.cause
        if (
            isinstance(exc, exceptions.UnknownError)
            and isinstance(cause, BaseException)
            and not isinstance(cause, exceptions.FirebaseError | httpx.HTTPError)
        ):
            return classify(cause)
        retry_after = retry_after_seconds(exc.http_response)
        text = f"FCM {exc.code}: {exc}".replace("\n", " ")
        if isinstance(exc, messaging.UnregisteredError):
            return DeliveryResult.permanent_failure(
                "UNREGISTERED_TOKEN",
                f"FCM: the registration token is no longer valid (UNREGISTERED); delete it. {exc}",
            )
        if isinstance(exc, messaging.SenderIdMismatchError):
            return DeliveryResult.permanent_failure("SENDER_ID_MISMATCH", text)
        if isinstance(exc, messaging.ThirdPartyAuthError):
            return DeliveryResult.permanent_failure("INVALID_CREDENTIALS", text)
        if isinstance(exc, messaging.QuotaExceededError | exceptions.ResourceExhaustedError):
            return DeliveryResult.transient_failure("RATE_LIMITED", text, retry_after)
        if isinstance(exc, exceptions.DeadlineExceededError):
            return DeliveryResult.transient_failure("TIMEOUT", "FCM did not answer in time")
        if isinstance(cause, httpx.TransportError) and exc.http_response is None:
            return DeliveryResult.transient_failure(
                "CONNECTION_FAILED", f"could not reach FCM: {type(cause).__name__}"
            )
        if isinstance(exc, exceptions.InvalidArgumentError | exceptions.FailedPreconditionError):
            return DeliveryResult.permanent_failure("INVALID_ARGUMENT", text)
        if isinstance(exc, exceptions.UnauthenticatedError | exceptions.PermissionDeniedError):
            return DeliveryResult.permanent_failure("INVALID_CREDENTIALS", text)
        if isinstance(
            exc,
            exceptions.UnavailableError | exceptions.InternalError | exceptions.UnknownError,
        ):
            if exc.http_response is None and not isinstance(exc, exceptions.UnavailableError):
                return DeliveryResult.transient_failure("PROVIDER_ERROR", text, retry_after)
            return DeliveryResult.transient_failure("PROVIDER_UNAVAILABLE", text, retry_after)
        status = getattr(exc.http_response, "status_code", 0) or 0
        if 400 <= status < 500:
            return DeliveryResult.permanent_failure("PROVIDER_REJECTED", text)
        return DeliveryResult.transient_failure("PROVIDER_ERROR", text, retry_after)
    if isinstance(exc, google.auth.exceptions.RefreshError):
        if getattr(exc, "retryable", False):
            return DeliveryResult.transient_failure(
                "PROVIDER_UNAVAILABLE", "FCM token endpoint failed (retryable)"
            )
        return DeliveryResult.permanent_failure(
            "INVALID_CREDENTIALS", f"the service account was refused a token: {_first_line(exc)}"
        )
    if isinstance(exc, google.auth.exceptions.TransportError):
        if isinstance(exc.__cause__, requests.exceptions.Timeout):
            return DeliveryResult.transient_failure(
                "TIMEOUT", "the OAuth2 token endpoint did not answer in time"
            )
        return DeliveryResult.transient_failure(
            "CONNECTION_FAILED", "could not reach the OAuth2 token endpoint"
        )
    if isinstance(exc, TimeoutError):
        return DeliveryResult.transient_failure("TIMEOUT", "FCM did not answer in time")
    if isinstance(exc, httpx.TransportError | OSError):
        return DeliveryResult.transient_failure(
            "CONNECTION_FAILED", f"could not reach FCM: {type(exc).__name__}"
        )
    if isinstance(exc, ValueError):
        return DeliveryResult.permanent_failure("INVALID_ARGUMENT", f"invalid push message: {exc}")
    return DeliveryResult.transient_failure("PROVIDER_ERROR", type(exc).__name__)


def _first_line(exc: BaseException) -> str:
    args = getattr(exc, "args", ())
    text = str(args[0]) if args else type(exc).__name__
    return text.splitlines()[0][:200]


def build_message(message: OutboundMessage) -> messaging.Message:
    notification = None
    if message.subject or message.text:
        notification = messaging.Notification(
            title=message.subject or None, body=message.text or None
        )
    # FCM HTTP v1 addresses a registration token as "token"; firebase-admin 7.7 marks the
    # argument deprecated in favour of "fid" (a different wire field), so keep "token".
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Message.token is deprecated", DeprecationWarning)
        return messaging.Message(
            token=message.recipient,
            notification=notification,
            data=dict(message.data) or None,
        )


class PushChannel:
    channel = Channel.PUSH

    def __init__(self, credentials_path: str, base_url: str = "", timeout: float = 10.0) -> None:
        self.credentials_path = credentials_path
        self.base_url = (base_url or DEFAULT_BASE_URL).rstrip("/")
        self.timeout = timeout
        self._app: firebase_admin.App | None = None
        self._client: _http_client.HttpxAsyncClient | None = None
        self.keeper: TokenKeeper | None = None

    async def start(self) -> None:
        if self._app is not None:
            return
        path = Path(self.credentials_path)
        try:
            info = json.loads(await asyncio.to_thread(path.read_text))
            certificate = credentials.Certificate(info)
        except (OSError, ValueError) as exc:  # JSON and Certificate's errors are ValueErrors
            raise ConfigError(
                f"HERALD_FCM_CREDENTIALS {self.credentials_path!r} is not a Firebase "
                f"service-account JSON file: {exc}"
            ) from exc
        app = firebase_admin.initialize_app(
            certificate,
            options={"httpTimeout": self.timeout},
            name=f"herald-push-{next(_app_numbers)}",
        )
        service = messaging._get_messaging_service(app)
        for attribute in ("_fcm_url", "_async_client", "_credential"):
            if not hasattr(service, attribute):
                raise RuntimeError(
                    f"firebase-admin {firebase_admin.__version__} has no messaging "
                    f"service {attribute}; Herald's push adapter needs updating"
                )
        keeper = TokenKeeper(service._credential, self.timeout)
        client = _http_client.HttpxAsyncClient(
            credential=None,
            retry_config=HttpxRetry(max_retries=0, status_forcelist=[]),
            timeout=self.timeout,
        )
        client.async_client.auth = _ThreadRefreshAuth(keeper)
        original: _http_client.HttpxAsyncClient = service._async_client
        service._async_client = client
        await original.aclose()
        if self.base_url != DEFAULT_BASE_URL:
            service._fcm_url = f"{self.base_url}/v1/projects/{app.project_id}/messages:send"
        self._app, self._client, self.keeper = app, client, keeper
        # A first token now, but never holding up the server's start beyond the timeout:
        # failures surface on send, which refreshes again.
        with contextlib.suppress(Exception):
            async with asyncio.timeout(self.timeout):
                await keeper.ensure()

    async def send(self, message: OutboundMessage) -> DeliveryResult:
        problem = push_token_problem(message.recipient)
        if problem:
            return DeliveryResult.permanent_failure("INVALID_TOKEN", f"push token {problem}")
        if self._app is None:
            await self.start()
        assert self.keeper is not None
        try:
            async with asyncio.timeout(self.timeout):
                await self.keeper.ensure()
                batch = await messaging.send_each_async([build_message(message)], app=self._app)
        except Exception as exc:
            return classify(exc)
        response = batch.responses[0]
        if response.success:
            return DeliveryResult.delivered(provider_message_id=response.message_id or "")
        return classify(response.exception)

    async def close(self) -> None:
        app, client, keeper = self._app, self._client, self.keeper
        self._app = self._client = self.keeper = None
        if keeper is not None:
            keeper.close()
        if client is not None:
            await client.aclose()
        if app is not None:
            # delete_app closes services with asyncio.run(): only safe off the loop.
            await asyncio.to_thread(firebase_admin.delete_app, app)


def from_settings(settings: Settings) -> PushChannel | None:
    """The push adapter, or None when HERALD_FCM_CREDENTIALS is not set (channel off)."""
    if not settings.fcm_credentials:
        return None
    return PushChannel(
        settings.fcm_credentials, base_url=settings.fcm_base_url, timeout=settings.fcm_timeout
    )
