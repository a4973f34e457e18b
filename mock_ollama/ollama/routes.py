"""Ollama's routes, picked like gin: the answer to one request, without I/O.

Routes as in ``server/routes.go`` ``GenerateRoutes``.
gin answers an unknown path with 404 ``404 page not found`` and a known path with the
wrong method with 405 and ``Allow`` listing the methods registered for it, in the order
gin's method trees were created (HEAD, GET, POST, DELETE).

Pure: standard library only; ``now()`` reads the wall clock and nothing else. Run by
the ASGI shell (``server.app``) in place and by ``server.offload`` in a worker process.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime

from mock_ollama.go.decode import decode
from mock_ollama.ollama import models, native, openai, openai_routes
from mock_ollama.ollama.answers import (
    PAGE_NOT_FOUND,
    Answer,
    error_answer,
    method_not_allowed,
    not_found_model,
)
from mock_ollama.ollama.config import MockConfig
from mock_ollama.ollama.steps import Now, Reject, Routed, answer

Handler = Callable[[MockConfig, str, bytes, Now], Routed]
_TREES = ("HEAD", "GET", "POST", "DELETE")


def _fixed(make: Callable[[MockConfig, Now], Answer]) -> Handler:
    return lambda cfg, path, body, now: answer(make(cfg, now), now)


def _unavailable(cfg: MockConfig, path: str, body: bytes, now: Now) -> Routed:
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
    "/api/show": {"POST": native.show},
    "/api/chat": {"POST": native.native_stream},
    "/api/generate": {"POST": native.native_stream},
    "/api/embed": {"POST": native.embed},
    "/api/embeddings": {"POST": native.embed},
    "/api/pull": {"POST": native.pull},
    "/api/push": {"POST": _unavailable},
    "/api/create": {"POST": _unavailable},
    "/api/copy": {"POST": _unavailable},
    "/api/delete": {"DELETE": _unavailable},
    "/v1/chat/completions": {"POST": openai_routes.openai_stream},
    "/v1/completions": {"POST": openai_routes.openai_stream},
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

    def handler(cfg: MockConfig, path: str, body: bytes, now: Now) -> Routed:
        if name not in cfg.known_models() and not cfg.any_model:
            return answer(openai.error(404, f"model '{name}' not found"), now)
        return answer(openai.model(name, 1753868703), now)

    return handler


_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = (
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "May",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Oct",
    "Nov",
    "Dec",
)


def http_date(t: float) -> str:
    """RFC 9110 5.6.7 IMF-fixdate, as net/http writes Date:
    ``day-name "," SP date1 SP time-of-day SP GMT`` (``Sun, 06 Nov 1994 08:49:37 GMT``).
    """
    g = time.gmtime(t)
    return (
        f"{_DAYS[g.tm_wday]}, {g.tm_mday:02d} {_MONTHS[g.tm_mon - 1]} {g.tm_year:04d} "
        f"{g.tm_hour:02d}:{g.tm_min:02d}:{g.tm_sec:02d} GMT"
    )


def now() -> Now:
    """The wall clock, rendered for Date headers and created_at."""
    t = time.time()
    stamp = datetime.fromtimestamp(t, UTC).isoformat(timespec="microseconds")
    return Now(http_date(t), stamp.replace("+00:00", "Z"), int(t))


def route(config: MockConfig, method: str, path: str, body: bytes) -> Routed:
    """The answer to one request under ``config``: 404 page not found, 405 with Allow."""
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


#: net/http's MaxBytesError text, as ShouldBindJSON hands it to Ollama's handlers
BODY_TOO_LARGE = "http: request body too large"


def body_too_large(path: str) -> Answer:
    """400 ``http: request body too large`` (OpenAI's error shape on /v1), closing."""
    closing = (("Connection", "close"),)
    if path.startswith("/v1/"):
        return replace(openai.error(400, BODY_TOO_LARGE), extra_headers=closing)
    return replace(error_answer(400, BODY_TOO_LARGE), extra_headers=closing)
