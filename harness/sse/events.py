"""What the SSE parser produces: events, comments and lint findings.

Pure (standard library only). Re-exported by ``harness.sse``; import from there.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import NamedTuple

# Event and Comment are named tuples, not the frozen slotted dataclasses the style
# guide prefers: the documented exception for the parser's hot path. Measured on the
# benchmark stream (200,000 events, harness.bench.parser): a dataclass costs 320-700 ns
# per event to build (six slot stores each) and capped the parser at 29 MB/s; a tuple
# subclass is built in one C call, ``tuple.__new__(Event, row)`` (see ``new_event``),
# at about 100 ns. They stay immutable, keep attribute access, keyword construction
# and ``isinstance``; unlike dataclasses they also compare equal to plain tuples.


class Event(NamedTuple):
    """A dispatched event (WHATWG HTML §9.2.6 "dispatch the event"). Don't subclass."""

    type: str  # the event type buffer, or "message"
    data: str  # the data buffer without its one trailing LF
    last_event_id: str  # the last event ID string in force at dispatch
    retry: int | None  # the reconnection time in force at dispatch (None: never set)
    start: int  # stream offset where the event's first line began
    end: int  # stream offset just past the byte that dispatched it


class Comment(NamedTuple):
    """A comment line: ``text`` is everything after the ':' (not space-stripped)."""

    text: str
    offset: int


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


# Fast constructors: ``Event(...)`` runs the named tuple's ``__new__`` in Python;
# ``tuple.__new__`` builds the same object in C (the fast path maps it over rows).
new_tuple = tuple.__new__


def new_event(
    type: str, data: str, last_event_id: str, retry: int | None, start: int, end: int
) -> Event:
    """Exactly ``Event(type, data, last_event_id, retry, start, end)``, faster."""
    return new_tuple(Event, (type, data, last_event_id, retry, start, end))


def new_comment(text: str, offset: int) -> Comment:
    """Exactly ``Comment(text, offset)``, faster."""
    return new_tuple(Comment, (text, offset))
