"""The Starlette application: admission of ``/api/v1/complete``, then the SSE stream."""

from __future__ import annotations

from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from proxies.starlette_proxy.defects import behaviour_for
from proxies.starlette_proxy.events import error_body
from proxies.starlette_proxy.stream import SseResponse, StreamSettings
from proxies.starlette_proxy.translate import chat_request_body
from proxies.starlette_proxy.upstream import make_client
from proxies.starlette_proxy.validate import (
    MAX_BODY_BYTES,
    Completion,
    Rejection,
    check_accept,
    check_content_type,
    check_method,
    from_query,
    parse_body,
)

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from starlette.types import Receive, Scope, Send

    from proxies.starlette_proxy.config import Settings
    from proxies.starlette_proxy.defects import Behaviour

ROUTE = "/api/v1/complete"


def json_error(rejection: Rejection) -> Response:
    return Response(
        error_body(rejection.message),
        status_code=rejection.status,
        headers=dict(rejection.headers),
        media_type="application/json",
    )


async def read_body(request: Request, limit: int = MAX_BODY_BYTES) -> bytes:
    """The request body, cut short once it is longer than ``limit`` (a 413 then)."""
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            break
    return bytes(body)


async def admit(request: Request, behaviour: Behaviour) -> Completion | Rejection:
    """Method, then Content-Type, then Accept, then the body: nothing goes upstream
    unless all pass. A GET carries its prompt in the query (``from_query``)."""
    if request.method == "GET":
        found = from_query(dict(request.query_params))
        if isinstance(found, Rejection):
            return found
        return check_accept(request.headers.get("accept")) or found
    content_type = request.headers.get("content-type")
    rejections = (
        check_method(request.method),
        check_content_type(content_type) if behaviour.check_content_type else None,
        check_accept(request.headers.get("accept")),
    )
    for rejection in rejections:
        if rejection is not None:
            return rejection
    return parse_body(await read_body(request))


def accepts_gzip(request: Request) -> bool:
    return "gzip" in request.headers.get("accept-encoding", "").lower()


class CompleteEndpoint:
    """ASGI endpoint for every method on the route, so a GET gets our JSON 405."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._behaviour = behaviour_for(settings.defect)
        self._stream_settings = StreamSettings(
            base_url=settings.upstream,
            heartbeat_seconds=settings.heartbeat_seconds,
            slow_client_seconds=settings.slow_client_seconds,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        verdict = await admit(request, self._behaviour)
        if isinstance(verdict, Rejection):
            await json_error(verdict)(scope, receive, send)
            return
        response = SseResponse(
            request.app.state.client,
            chat_request_body(verdict.prompt, verdict.model or self._settings.model),
            self._behaviour,
            self._stream_settings,
            gzip=self._behaviour.gzip_when_accepted and accepts_gzip(request),
        )
        await response(scope, receive, send)


async def not_found(request: Request, exc: Exception) -> Response:
    return json_error(Rejection(404, f"no route {request.url.path}; POST {ROUTE}"))


async def server_error(request: Request, exc: Exception) -> Response:
    return json_error(Rejection(500, f"internal error: {type(exc).__name__}"))


def create_app(settings: Settings) -> Starlette:
    """The proxy as an ASGI app (one shared upstream client, opened by the lifespan)."""

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with make_client() as client:
            app.state.client = client
            yield

    return Starlette(
        routes=[Route(ROUTE, CompleteEndpoint(settings))],
        exception_handlers={404: not_found, 500: server_error},
        lifespan=lifespan,
    )
