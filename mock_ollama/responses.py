"""A whole HTTP answer (status, content type, body) and gin's ``c.JSON``.

Pure: standard library only. Bodies are Go-encoded (gojson.dumps) in struct order
(Ollama's api/types.go and server/routes.go). The answers themselves: ``error_answers`` (Ollama's
and gin's errors), ``models`` (the model catalogue), ``aggregation`` (stream: false).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mock_ollama.gojson import dumps

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
