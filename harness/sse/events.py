"""What the SSE parser produces: events, comments and lint findings.

Pure (standard library only). Re-exported by ``harness.sse``; import from there.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import ClassVar, Final, final

#: what ``harness.sse`` re-exports from here
__all__ = [
    "LINT_BARE_CR",
    "LINT_BOM",
    "LINT_CODES",
    "LINT_EVENT_TOO_LARGE",
    "LINT_ID_NUL",
    "LINT_INVALID_RETRY",
    "LINT_INVALID_UTF8",
    "LINT_UNKNOWN_FIELD",
    "LINT_UNTERMINATED",
    "Comment",
    "Event",
    "Finding",
]

# Event and Comment are plain classes with Final slots, not the frozen dataclasses the
# style guide prefers: the documented exception for the parser's hot path. mypyc
# (.ci/build_sse.py) compiles them to native classes: built in one C call, their Final
# fields read-only at run time too. A frozen dataclass it builds through a Python call
# (an argument tuple and dict per event); a NamedTuple stays a Python tuple subclass
# (two allocations per event). Measured (callgrind, harness.bench.parser's stream):
# 2,501 instructions per event compiled, 4,277 with the named tuples (httpx-sse:
# 13,923). Loaded from the source they are ordinary slotted classes (mypy keeps them
# immutable) built by a Python __init__: that fallback ran at 2.6-3.0x httpx-sse in
# two benchmark runs, the named tuples at 3.3x.


@final
class Event:
    """A dispatched event (WHATWG HTML §9.2.6 "dispatch the event"). Immutable."""

    __slots__ = ("data", "end", "last_event_id", "retry", "start", "type")
    __match_args__: ClassVar = (
        "type",
        "data",
        "last_event_id",
        "retry",
        "start",
        "end",
    )

    def __init__(
        self,
        type: str,
        data: str,
        last_event_id: str,
        retry: int | None,
        start: int,
        end: int,
    ) -> None:
        self.type: Final = type  # the event type buffer, or "message"
        self.data: Final = data  # the data buffer without its one trailing LF
        self.last_event_id: Final = last_event_id  # the last event ID string
        self.retry: Final = retry  # the reconnection time (None: never set)
        self.start: Final = start  # stream offset where its first line began
        self.end: Final = end  # stream offset just past the byte that dispatched it

    def _key(self) -> tuple[str, str, str, int | None, int, int]:
        return (
            self.type,
            self.data,
            self.last_event_id,
            self.retry,
            self.start,
            self.end,
        )

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Event):
            return self._key() == other._key()
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._key())

    def __reduce__(
        self,
    ) -> tuple[type[Event], tuple[str, str, str, int | None, int, int]]:
        return Event, self._key()  # copy and pickle: a compiled class has no __dict__

    def __repr__(self) -> str:
        return (
            f"Event(type={self.type!r}, data={self.data!r}, "
            f"last_event_id={self.last_event_id!r}, retry={self.retry!r}, "
            f"start={self.start!r}, end={self.end!r})"
        )


@final
class Comment:
    """A comment line: ``text`` is everything after the ':' (not space-stripped)."""

    __slots__ = ("offset", "text")
    __match_args__: ClassVar = ("text", "offset")

    def __init__(self, text: str, offset: int) -> None:
        self.text: Final = text
        self.offset: Final = offset

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Comment):
            return self.text == other.text and self.offset == other.offset
        return NotImplemented

    def __hash__(self) -> int:
        return hash((self.text, self.offset))

    def __reduce__(self) -> tuple[type[Comment], tuple[str, int]]:
        return Comment, (self.text, self.offset)

    def __repr__(self) -> str:
        return f"Comment(text={self.text!r}, offset={self.offset!r})"


@dataclass(frozen=True, slots=True)
class Finding:
    """A lint finding: a ``LINT_*`` code, a stream byte offset, one line of detail."""

    code: str
    offset: int
    detail: str


class Lint:
    """Where the line splitter and the interpreter report findings, in stream order.

    ``findings`` keeps at most ``max_findings`` per code; ``counts`` counts them all.
    """

    __slots__ = ("counts", "findings", "max_findings")

    def __init__(self, max_findings: int) -> None:
        self.findings: list[Finding] = []
        self.counts: Counter[str] = Counter()
        self.max_findings = max_findings

    def __call__(self, code: str, offset: int, detail: str) -> None:
        self.counts[code] += 1
        if self.counts[code] <= self.max_findings:
            self.findings.append(Finding(code, offset, detail))


# Lint: what a strict reader notices but the spec forgives (the FRM-* checks judge).

#: A CR not followed by LF ended a line (legal; FRM-LF-ONLY prefers LF).
LINT_BARE_CR = "bare-cr"
#: The stream starts with a UTF-8 BOM (stripped), or a line starts with U+FEFF (kept).
LINT_BOM = "bom"
#: A field other than data/event/id/retry (the spec ignores it); the detail tells a
#: wrong-case name such as ``Data`` (no case folding) or a leading U+FEFF or space.
LINT_UNKNOWN_FIELD = "unknown-field"
#: A retry value that is not only ASCII digits (ignored).
LINT_INVALID_RETRY = "invalid-retry"
#: An id value containing U+0000 (ignored; the previous id stays in force).
LINT_ID_NUL = "id-nul"
#: Bytes that are not UTF-8 (decoded as U+FFFD).
LINT_INVALID_UTF8 = "invalid-utf8"
#: The stream ended inside an event: no blank line after its last line (discarded).
LINT_UNTERMINATED = "unterminated"
#: An event grew past the parser's ``max_event_size`` (bytes from its first line to
#: its blank line): it is not dispatched and its data is not kept (memory stays
#: bounded); its other fields still apply. Not a spec rule: a reader's limit.
LINT_EVENT_TOO_LARGE = "event-too-large"

LINT_CODES = (
    LINT_BARE_CR,
    LINT_BOM,
    LINT_UNKNOWN_FIELD,
    LINT_INVALID_RETRY,
    LINT_ID_NUL,
    LINT_INVALID_UTF8,
    LINT_UNTERMINATED,
    LINT_EVENT_TOO_LARGE,
)
