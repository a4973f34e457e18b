"""The stream every client reads: the bundled ``injection`` then ``multilingual``
scenarios as one recording (pure).

Injection exercises framing (tokens ``\\n\\n``, ``\\r``, ``\\r\\n``, ``data: x``,
``id: 7``, U+2028/9, leading spaces); multilingual exercises multi-byte UTF-8. The
lines are the bundled bytes themselves (never re-serialised) minus injection's done
line; the ``/api/generate`` twin moves each ``message.content`` to ``response``,
Go-encoded like the originals.
"""

from __future__ import annotations

import json

from harness.probe.expected import content_of
from harness.probe.scenarios import scenario_lines
from mock_ollama.go.json import dumps

__all__ = [
    "CHAT_NAME",
    "GENERATE_NAME",
    "chat_lines",
    "expected_text",
    "generate_lines",
]

CHAT_NAME = "clients-chat"
GENERATE_NAME = "clients-generate"
PARTS = ("injection", "multilingual")


def chat_lines() -> tuple[bytes, ...]:
    """The /api/chat recording: every token line of both scenarios, one done line."""
    first, second = (scenario_lines(name) for name in PARTS)
    return tuple(first[:-1]) + tuple(second)


def _to_generate(line: bytes) -> bytes:
    obj = json.loads(line)
    message = obj.pop("message", {})
    out = {"model": obj["model"], "created_at": obj["created_at"]}
    out["response"] = message.get("content", "")
    out.update({k: v for k, v in obj.items() if k not in out})
    return dumps(out) + b"\n"


def generate_lines() -> tuple[bytes, ...]:
    """The same stream as /api/generate answers it (``response`` per line)."""
    return tuple(_to_generate(line) for line in chat_lines())


def expected_text() -> str:
    """What upstream sent, concatenated: the text every client should assemble."""
    return "".join(content_of(line) for line in chat_lines())
