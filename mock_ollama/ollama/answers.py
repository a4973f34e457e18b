"""Whole HTTP answers (status, content type, body), gin's ``c.JSON``, and the errors
Ollama and gin answer with: ``{"error": ...}`` bodies, 404 and 405 pages.

Pure: standard library only. Bodies are Go-encoded (``go.json.dumps``) in struct order
(Ollama's api/types.go and server/routes.go); the errors from Ollama's
server/routes.go and docs/api/errors.mdx (the errors table).
"""

from __future__ import annotations

from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

from mock_ollama.go.json import dumps

JSON_TYPE = "application/json; charset=utf-8"
NDJSON_TYPE = "application/x-ndjson"
TEXT_TYPE = "text/plain"


@dataclass(frozen=True, slots=True)
class Answer:
    """A whole HTTP answer: status, content type (None: no header), body."""

    status: int
    content_type: str | None
    body: bytes
    extra_headers: tuple[tuple[str, str], ...] = ()


def json_answer(value: Any, status: int = 200) -> Answer:
    """gin's ``c.JSON``: Go-encoded, ``application/json; charset=utf-8``."""
    return Answer(status, JSON_TYPE, dumps(value))


def error_answer(status: int, message: str) -> Answer:
    """``{"error": message}`` with ``status`` (Ollama's error shape, 1.5)."""
    return json_answer({"error": message}, status)


def not_found_model(model: str) -> Answer:
    """404 ``model 'NAME' not found`` - NAME echoed exactly as sent (server/routes.go)."""
    return error_answer(404, f"model '{model}' not found")


#: gin's own answers (gin.go, default404Body and default405Body): an unknown path is
#: 404 text/plain ``404 page not found``; a wrong method is 405 text/plain
#: ``405 method not allowed`` with an ``Allow`` header.
PAGE_NOT_FOUND = Answer(404, TEXT_TYPE, b"404 page not found")


def method_not_allowed(allowed: list[str]) -> Answer:
    """gin's 405 with ``Allow`` listing the methods the path has (joined by ', ')."""
    return Answer(
        405, TEXT_TYPE, b"405 method not allowed", (("Allow", ", ".join(allowed)),)
    )


def status_answer(code: int, model: str, capability: str = "chat") -> Answer:
    """Ollama's exact answer for a ``status:CODE`` fault (1.5 errors table)."""
    table: dict[int, Answer] = {
        400: error_answer(400, f'"{model}" does not support {capability}'),
        403: Answer(403, None, b""),  # disallowed Host or Origin: empty body
        404: not_found_model(model),
        405: method_not_allowed(["POST"]),
        499: error_answer(499, "request canceled"),
        500: error_answer(500, "llama runner process has terminated: exit status 2"),
        503: error_answer(
            503, "server busy, please try again.  maximum pending requests exceeded"
        ),
    }
    if code in table:
        return table[code]
    try:
        phrase = HTTPStatus(code).phrase.lower()
    except ValueError:
        phrase = f"status {code}"
    return error_answer(code, phrase)
