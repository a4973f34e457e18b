"""What the SSE parser produces: events, comments and lint findings.

Pure (standard library only). Re-exported by ``harness.sse``; import from there.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Event:
    """A dispatched event (WHATWG HTML §9.2.6 "dispatch the event"). Don't subclass."""

    type: str  # the event type buffer, or "message"
    data: str  # the data buffer without its one trailing LF
    last_event_id: str  # the last event ID string in force at dispatch
    retry: int | None  # the reconnection time in force at dispatch (None: never set)
    start: int  # stream offset where the event's first line began
    end: int  # stream offset just past the byte that dispatched it


@dataclass(frozen=True, slots=True)
class Comment:
    """A comment line: ``text`` is everything after the ':' (not space-stripped)."""

    text: str
    offset: int


@dataclass(frozen=True, slots=True)
class Finding:
    """A lint finding: a ``LINT_*`` code, a stream byte offset, one line of detail."""

    code: str
    offset: int
    detail: str


# Lint: what a strict reader notices but the spec forgives (the FRM-* checks judge).

#: A CR not followed by LF ended a line (legal; FRM-LF-ONLY prefers LF).
LINT_BARE_CR = "bare-cr"
#: The stream starts with a UTF-8 BOM (stripped), or a line starts with U+FEFF (kept).
LINT_BOM = "bom"
#: A field other than data/event/id/retry (the spec ignores it).
LINT_UNKNOWN_FIELD = "unknown-field"
#: A known field name in the wrong case, such as ``Data`` (ignored: no case folding).
LINT_FIELD_CASE = "field-case"
#: A retry value that is not only ASCII digits (ignored).
LINT_INVALID_RETRY = "invalid-retry"
#: An id value containing U+0000 (ignored; the previous id stays in force).
LINT_ID_NUL = "id-nul"
#: Bytes that are not UTF-8 (decoded as U+FFFD).
LINT_INVALID_UTF8 = "invalid-utf8"
#: The stream ended inside an event: no blank line after its last line (discarded).
LINT_UNTERMINATED = "unterminated"

LINT_CODES = (
    LINT_BARE_CR,
    LINT_BOM,
    LINT_UNKNOWN_FIELD,
    LINT_FIELD_CASE,
    LINT_INVALID_RETRY,
    LINT_ID_NUL,
    LINT_INVALID_UTF8,
    LINT_UNTERMINATED,
)
