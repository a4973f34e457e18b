"""The ASGI shell: reads the request, asks ``ollama.routes`` for the answer, plays it.

``create_app(config)`` returns a Starlette app whose only handler is the raw ASGI
``MockOllama``: every answer, streamed or not, is played from a Schedule by
``replay.writer.play`` so that headers, chunk boundaries and timing are exact and
logged in ``app.state.exchange_log``. ``/_mock/*`` goes to ``server.control``; big or
deeply nested bodies are routed in a worker process (``server.offload``).
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING, Any

from starlette.applications import Starlette

from mock_ollama.ollama import modes
from mock_ollama.ollama.config import MockConfig
from mock_ollama.ollama.routes import body_too_large, now, route
from mock_ollama.ollama.steps import answer
from mock_ollama.replay.exchange_log import ExchangeLog
from mock_ollama.replay.writer import play
from mock_ollama.server.control import control
from mock_ollama.server.offload import Offloader
from mock_ollama.server.request_body import read_body

if TYPE_CHECKING:
    from mock_ollama.replay.asgi import Receive, Send

log = logging.getLogger("mock_ollama")


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
            routed = answer(body_too_large(path), now())
        elif self.offloader.wants(body):  # parsed in a worker process
            routed = await self.offloader.route(method, path, body)
        else:
            routed = route(self.config, method, path, body)
        if self.upstream_mode != "ollama":  # what-if modes (mock_ollama.ollama.modes)
            accept = dict(scope["headers"]).get(b"accept", b"").decode("latin-1")
            routed = modes.apply(
                self.upstream_mode, method, path, accept or None, routed, now()
            )
        ex.scenario, ex.req = routed.scenario, routed.req
        try:
            await play(routed.schedule, receive, send, ex, head_only=method == "HEAD")
        except Exception as exc:  # a bug, never bad input: one line, no traceback
            log.error("mock-ollama: internal error on %s %s: %r", method, path, exc)


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
