"""The ASGI app: Ollama's routes (gin's 404/405 included) and the control endpoint.

``create_app(config)`` returns a Starlette app whose only handler is the raw ASGI
``MockOllama``: every answer, streamed or not, is played from a Schedule by
``replay.play`` so that headers, chunk boundaries and timing are exact and logged in
``app.state.exchange_log``.

Routes as in ``server/routes.go`` ``GenerateRoutes``.
gin answers an unknown path with 404 ``404 page not found`` and a known path with the
wrong method with 405 and ``Allow`` listing the methods registered for it, in the order
gin's method trees were created (HEAD, GET, POST, DELETE).
"""

from __future__ import annotations

import email.utils
import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from starlette.applications import Starlette

from mock_ollama import (
    models,
    native_endpoints,
    openai,
    openai_endpoints,
    upstream_modes,
)
from mock_ollama.config import MockConfig
from mock_ollama.control import control
from mock_ollama.endpoints import Now, Outcome, Reject, answer
from mock_ollama.error_answers import (
    PAGE_NOT_FOUND,
    body_too_large,
    method_not_allowed,
    not_found_model,
)
from mock_ollama.exchange_log import ExchangeLog
from mock_ollama.godecode import decode
from mock_ollama.offload import Offloader
from mock_ollama.replay import play
from mock_ollama.request_body import read_body
from mock_ollama.responses import Answer

if TYPE_CHECKING:
    from mock_ollama.replay import Receive, Send

log = logging.getLogger("mock_ollama")
Handler = Callable[[MockConfig, str, bytes, Now], Outcome]
_TREES = ("HEAD", "GET", "POST", "DELETE")


def _fixed(make: Callable[[MockConfig, Now], Answer]) -> Handler:
    return lambda cfg, path, body, now: answer(make(cfg, now), now)


def _unavailable(cfg: MockConfig, path: str, body: bytes, now: Now) -> Outcome:
    """Routes Ollama has that the mock does not model: the model is never found."""
    obj, _problem = decode(body, "api.Request", {})
    return answer(not_found_model(str(obj.get("model") or obj.get("name") or "")), now)


_ROOT = _fixed(
    lambda cfg, now: Answer(200, "text/plain; charset=utf-8", b"Ollama is running")
)
_VERSION = _fixed(lambda cfg, now: models.version(cfg.version))
_TAGS = _fixed(lambda cfg, now: models.tags(cfg.known_models()))
_PS = _fixed(lambda cfg, now: models.ps(cfg.known_models(), _expires(now)))
_MODELS = _fixed(lambda cfg, now: openai.models(cfg.known_models(), 1753868703))

ROUTES: dict[str, dict[str, Handler]] = {
    "/": {"HEAD": _ROOT, "GET": _ROOT},
    "/api/version": {"HEAD": _VERSION, "GET": _VERSION},
    "/api/tags": {"HEAD": _TAGS, "GET": _TAGS},
    "/api/ps": {"GET": _PS},
    "/api/show": {"POST": native_endpoints.show},
    "/api/chat": {"POST": native_endpoints.native_stream},
    "/api/generate": {"POST": native_endpoints.native_stream},
    "/api/embed": {"POST": native_endpoints.embed},
    "/api/embeddings": {"POST": native_endpoints.embed},
    "/api/pull": {"POST": native_endpoints.pull},
    "/api/push": {"POST": _unavailable},
    "/api/create": {"POST": _unavailable},
    "/api/copy": {"POST": _unavailable},
    "/api/delete": {"DELETE": _unavailable},
    "/v1/chat/completions": {"POST": openai_endpoints.openai_stream},
    "/v1/completions": {"POST": openai_endpoints.openai_stream},
    "/v1/models": {"GET": _MODELS},
}


def _expires(now: Now) -> str:
    return (
        datetime.fromtimestamp(now.unix + 300, UTC).isoformat().replace("+00:00", "Z")
    )


def _model_route(path: str) -> Handler | None:
    name = path.removeprefix("/v1/models/")
    if not path.startswith("/v1/models/") or not name:
        return None

    def handler(cfg: MockConfig, path: str, body: bytes, now: Now) -> Outcome:
        if name not in cfg.known_models() and not cfg.any_model:
            return answer(openai.error(404, f"model '{name}' not found"), now)
        return answer(openai.model(name, 1753868703), now)

    return handler


def now() -> Now:
    """The wall clock, rendered for Date headers and created_at."""
    t = time.time()
    stamp = datetime.fromtimestamp(t, UTC).isoformat(timespec="microseconds")
    return Now(
        email.utils.formatdate(t, usegmt=True), stamp.replace("+00:00", "Z"), int(t)
    )


class MockOllama:
    """The raw ASGI application behind ``create_app``."""

    def __init__(
        self,
        config: MockConfig,
        exchange_log: ExchangeLog,
        upstream_mode: str = "ollama",
    ) -> None:
        self.config = config
        self.log = exchange_log
        self.upstream_mode = upstream_mode
        self.offloader = Offloader(config)

    async def __call__(
        self, scope: dict[str, Any], receive: Receive, send: Send
    ) -> None:
        if scope["type"] != "http":
            return
        received = time.perf_counter_ns()
        path, method = scope["path"], scope["method"]
        if path.startswith("/_mock/"):
            await control(scope, receive, send, self.log)
            return
        body = await read_body(scope, receive, self.config.max_body)
        ex = self.log.start(method, path, received)
        if body is None:
            outcome = answer(body_too_large(path), now())
        elif self.offloader.wants(body):  # parsed in a worker process
            outcome = await self.offloader.route(method, path, body)
        else:
            outcome = self.route(method, path, body)
        if self.upstream_mode != "ollama":  # what-if modes (mock_ollama.upstream_modes)
            accept = dict(scope["headers"]).get(b"accept", b"").decode("latin-1")
            outcome = upstream_modes.apply(
                self.upstream_mode, method, path, accept or None, outcome, now()
            )
        ex.scenario, ex.req = outcome.scenario, outcome.req
        try:
            await play(outcome.schedule, receive, send, ex, head_only=method == "HEAD")
        except Exception as exc:  # a bug, never bad input: one line, no traceback
            log.error("mock-ollama: internal error on %s %s: %r", method, path, exc)

    def route(self, method: str, path: str, body: bytes) -> Outcome:
        """Pick the handler like gin: 404 page not found, 405 with Allow."""
        return route(self.config, method, path, body)


def route(config: MockConfig, method: str, path: str, body: bytes) -> Outcome:
    """The answer to one request under ``config`` (no I/O; also run by ``offload``)."""
    t = now()
    methods = ROUTES.get(path)
    if methods is None:
        handler = _model_route(path)
        methods = {"GET": handler} if handler else None
    if methods is None:
        return answer(PAGE_NOT_FOUND, t)
    handler = methods.get(method)
    if handler is None:
        allowed = [m for m in _TREES if m in methods]
        return answer(method_not_allowed(allowed), t)
    try:
        return handler(config, path, body, t)
    except Reject as reject:
        return answer(reject.answer, t)


class MockApp(Starlette):
    """Starlette for ``app.state`` and lifespan; HTTP goes straight to MockOllama.

    Skipping Starlette's middleware saves two wrapper coroutines per write, which
    matters at hundreds of concurrent streams.
    """

    def __init__(self, mock: MockOllama) -> None:
        super().__init__()
        self.mock = mock
        self.router.routes = []
        self.router.default = mock  # type: ignore[assignment]

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            await self.mock(scope, receive, send)
        else:
            await super().__call__(scope, receive, send)


def create_app(
    config: MockConfig | None = None, upstream_mode: str = "ollama"
) -> Starlette:
    """The mock as an ASGI app; ``app.state.exchange_log`` is its ExchangeLog."""
    config = config or MockConfig()
    exchange_log = ExchangeLog(config.exchange_log_size)
    app = MockApp(MockOllama(config, exchange_log, upstream_mode))
    app.state.exchange_log = exchange_log
    app.state.config = config
    return app
