"""What the harness client saw: the pure record every check judges.

An :class:`Observation` is built by :mod:`harness.client.loop` (the only client I/O) and
never changes afterwards. Times are ``time.perf_counter_ns()`` values (CLOCK_MONOTONIC),
so they compare with the mock's write stamps taken in another process on this machine.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


class End(enum.Enum):
    """How the exchange ended, from the client's side."""

    #: the response ended as HTTP framed it (chunked terminator, length, END_STREAM)
    COMPLETE = "complete"
    #: the connection closed before the response was complete (or close-delimited end)
    CLOSED = "closed"
    #: the harness gave up waiting (idle or total timeout)
    TIMEOUT = "timeout"
    #: the harness aborted on purpose (cancellation probes)
    ABORTED = "aborted"
    #: no connection could be made
    CONNECT_FAILED = "connect-failed"
    #: the peer broke HTTP itself (unparseable head, bad chunk framing, ...)
    PROTOCOL_ERROR = "protocol-error"


@dataclass(frozen=True, slots=True)
class Request:
    method: str
    url: str
    headers: tuple[tuple[str, str], ...]
    body: bytes


@dataclass(frozen=True, slots=True)
class Chunk:
    """Body bytes delivered by one socket read, after transfer and content decoding."""

    t_ns: int
    data: bytes


@dataclass(frozen=True, slots=True)
class Observation:
    request: Request
    sent_ns: int
    http_version: str
    status: int | None
    #: response header fields as received: lower-case names, duplicates kept, in order
    headers: tuple[tuple[str, str], ...]
    head_ns: int | None
    chunks: tuple[Chunk, ...]
    end: End
    end_ns: int
    error: str = ""
    #: the content coding the client undid ("" when none); "!br" etc. when it could not
    content_coding: str = ""
    #: bytes of body as they came off the wire before content decoding
    wire_body_size: int = 0
    extra: dict[str, str] = field(default_factory=dict)

    def header(self, name: str) -> list[str]:
        """All values of header ``name`` (case-insensitive), in order."""
        wanted = name.lower()
        return [value for key, value in self.headers if key == wanted]

    def first_header(self, name: str) -> str | None:
        values = self.header(name)
        return values[0] if values else None

    @property
    def body(self) -> bytes:
        return b"".join(chunk.data for chunk in self.chunks)

    @property
    def media_type(self) -> str:
        """The Content-Type essence, lower-cased ("" when absent)."""
        value = self.first_header("content-type") or ""
        return value.split(";", 1)[0].strip().lower()

    def summary(self) -> str:
        """One line for failure details: status, type, size, how it ended."""
        status = self.status if self.status is not None else "no response"
        kind = self.first_header("content-type") or "no Content-Type"
        return (
            f"HTTP/{self.http_version} {status}, {kind}, {len(self.body)} body bytes "
            f"in {len(self.chunks)} reads, ended {self.end.value}"
            + (f" ({self.error})" if self.error else "")
        )
