"""The request variants a probe can send (pure): the valid one and the REQ-* ones."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from harness.client.observation import Request

if TYPE_CHECKING:
    from collections.abc import Callable

JSON = "application/json"


@dataclass(frozen=True, slots=True)
class Variant:
    method: str
    content_type: str | None
    accept: str
    #: turns the JSON body text into the bytes sent
    body: Callable[[str], bytes]


def _whole(text: str) -> bytes:
    return text.encode()


def _truncated(text: str) -> bytes:
    # Truncated JSON (REQ-400-MALFORMED): cut after the opening brace and key.
    return text[: max(2, len(text) // 2)].encode()


def _nothing(text: str) -> bytes:
    return b""


VARIANTS: dict[str, Variant] = {
    "valid": Variant("POST", JSON, "text/event-stream", _whole),
    "wrong-type": Variant("POST", "text/plain", "text/event-stream", _whole),
    "missing-type": Variant("POST", None, "text/event-stream", _whole),
    "type-params": Variant(
        "POST", "Application/JSON; charset=utf-8", "text/event-stream", _whole
    ),
    "malformed-json": Variant("POST", JSON, "text/event-stream", _truncated),
    "accept-png": Variant("POST", JSON, "image/png", _whole),
    "get": Variant("GET", None, "text/event-stream", _nothing),
}


def build_request(
    variant: str,
    url: str,
    body: dict[str, Any],
    *,
    accept_encoding: str,
    extra_headers: tuple[tuple[str, str], ...] = (),
) -> Request:
    """The request of ``variant`` carrying ``body`` (a dialect's JSON body)."""
    v = VARIANTS[variant]
    headers: list[tuple[str, str]] = [
        ("accept", v.accept),
        ("accept-encoding", accept_encoding),
    ]
    if v.content_type is not None:
        headers.append(("content-type", v.content_type))
    headers += [(k.lower(), val) for k, val in extra_headers]
    text = json.dumps(body, ensure_ascii=False)
    return Request(v.method, url, tuple(headers), v.body(text))
