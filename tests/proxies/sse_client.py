"""A strict little SSE reader over httpx, for the proxies' own tests.

WHATWG HTML 9.2.6 in miniature: lines end with CRLF, LF or CR; ``:`` starts a
comment; a blank line dispatches the event; a trailing unterminated event is
discarded (and reported as ``tail``, since the proxies must never leave one).
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Iterator

    import httpx

LINE_END = re.compile(rb"\r\n|\r|\n")
URL_PATH = "/api/v1/complete"


@dataclass(frozen=True, slots=True)
class Event:
    type: str
    data: str
    at: float

    def json(self) -> Any:
        return json.loads(self.data)


@dataclass
class Stream:
    """What a client saw on one response."""

    status: int
    headers: httpx.Headers
    events: list[Event] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)
    raw: bytes = b""
    tail: bytes = b""
    headers_at: float = 0.0

    @property
    def tokens(self) -> list[str]:
        return [
            e.json()["token"]
            for e in self.events
            if e.type == "message" and "token" in e.json()
        ]

    @property
    def text(self) -> str:
        return "".join(self.tokens)

    @property
    def finished(self) -> bool:
        return any(
            e.type == "message" and e.json().get("finished") is True
            for e in self.events
        )

    @property
    def errors(self) -> list[str]:
        return [e.json()["error"] for e in self.events if e.type == "error"]


class SseParser:
    def __init__(self, stream: Stream) -> None:
        self._stream = stream
        self._buffer = b""
        self._type = ""
        self._data: list[str] = []

    def feed(self, chunk: bytes, at: float) -> list[Event]:
        self._buffer += chunk
        new: list[Event] = []
        while (match := LINE_END.search(self._buffer)) is not None:
            if match.group() == b"\r" and match.end() == len(self._buffer):
                break  # might be the first half of CRLF
            line = self._buffer[: match.start()].decode("utf-8")
            self._buffer = self._buffer[match.end() :]
            event = self._line(line, at)
            if event is not None:
                new.append(event)
        self._stream.events += new
        self._stream.tail = self._buffer
        return new

    def _line(self, line: str, at: float) -> Event | None:
        if not line:
            if not self._data:
                self._type = ""
                return None
            event = Event(self._type or "message", "\n".join(self._data), at)
            self._type, self._data = "", []
            return event
        if line.startswith(":"):
            self._stream.comments.append(line[1:].strip())
            return None
        name, _, value = line.partition(":")
        value = value.removeprefix(" ")
        if name == "data":
            self._data.append(value)
        elif name == "event":
            self._type = value
        return None


def post(
    client: httpx.Client,
    base: str,
    body: bytes | None = None,
    *,
    prompt: str | None = None,
    headers: dict[str, str] | None = None,
    method: str = "POST",
) -> httpx.Response:
    """A non-streaming request (for the rejection tests)."""
    if prompt is not None:
        body = json.dumps({"prompt": prompt}).encode()
    return client.request(method, base + URL_PATH, content=body, headers=headers)


def stream_events(response: httpx.Response, stream: Stream) -> Iterator[Event]:
    """Yield events as they arrive (every read of the raw body is fed at once)."""
    parser = SseParser(stream)
    for chunk in response.iter_raw():
        stream.raw += chunk
        yield from parser.feed(chunk, time.monotonic())


def collect(
    client: httpx.Client,
    base: str,
    prompt: str,
    *,
    headers: dict[str, str] | None = None,
) -> Stream:
    """POST the prompt, read the whole response."""
    request_headers = {"Content-Type": "application/json"} | (headers or {})
    body = json.dumps({"prompt": prompt}).encode()
    with client.stream(
        "POST", base + URL_PATH, content=body, headers=request_headers
    ) as response:
        stream = Stream(
            response.status_code, response.headers, headers_at=time.monotonic()
        )
        for _ in stream_events(response, stream):
            pass
    return stream
