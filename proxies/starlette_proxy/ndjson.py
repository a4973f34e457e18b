"""Ollama's NDJSON stream: incremental line splitting and line meaning (pure).

Ollama writes ``json.Marshal(v) + "\\n"`` per line, but the network cuts those bytes
anywhere: inside a JSON string, inside a multi-byte UTF-8 character, several lines in
one read. So lines are split on the *byte* 0x0A (which never occurs inside a UTF-8
multi-byte sequence) and each complete line is decoded whole.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Protocol


class Splitter(Protocol):
    """Bytes in as they arrive, complete lines out (without the newline)."""

    def feed(self, data: bytes) -> list[bytes]: ...

    def end(self) -> bytes:
        """What is left after the last newline once the stream is over."""
        ...


class LineSplitter:
    """Carries a partial line over to the next read; scans each byte once."""

    def __init__(self) -> None:
        self._pending = bytearray()

    def feed(self, data: bytes) -> list[bytes]:
        lines: list[bytes] = []
        start = 0
        while (newline := data.find(b"\n", start)) != -1:
            self._pending += data[start:newline]
            lines.append(bytes(self._pending))
            self._pending.clear()
            start = newline + 1
        self._pending += data[start:]
        return lines

    def end(self) -> bytes:
        rest = bytes(self._pending)
        self._pending.clear()
        return rest


# What one upstream line means to the proxy.
@dataclass(frozen=True, slots=True)
class Token:
    text: str


@dataclass(frozen=True, slots=True)
class Done:
    pass


@dataclass(frozen=True, slots=True)
class UpstreamError:
    text: str


@dataclass(frozen=True, slots=True)
class Malformed:
    reason: str


Meaning = Token | Done | UpstreamError | Malformed


def interpret(line: bytes) -> tuple[Meaning, ...]:
    """The meanings of one complete line, in order (blank lines mean nothing).

    A line may carry both content and ``done: true``; ``{"error": ...}`` is Ollama's
    mid-stream failure (Ollama's server/routes.go).
    """
    if not line.strip():
        return ()
    try:
        value = json.loads(line)
    except ValueError as exc:  # includes UnicodeDecodeError
        return (Malformed(f"upstream sent a line that is not JSON ({exc})"),)
    if not isinstance(value, dict):
        return (Malformed("upstream sent a JSON line that is not an object"),)
    if "error" in value:
        error = value["error"]
        return (UpstreamError(error if isinstance(error, str) else json.dumps(error)),)
    meanings: list[Meaning] = []
    message = value.get("message")
    content = message.get("content") if isinstance(message, dict) else None
    if isinstance(content, str) and content:
        meanings.append(Token(content))
    if value.get("done") is True:
        meanings.append(Done())
    return tuple(meanings)
