"""What the SSE parser produces: events, comments and lint findings.

Pure (standard library only). Re-exported by ``harness.sse``; import from there.
"""

from __future__ import annotations

from dataclasses import dataclass, fields


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

LINT_CODES = (
    LINT_BARE_CR,
    LINT_BOM,
    LINT_UNKNOWN_FIELD,
    LINT_INVALID_RETRY,
    LINT_ID_NUL,
    LINT_INVALID_UTF8,
    LINT_UNTERMINATED,
)


# Fast constructors. A frozen dataclass's ``__init__`` stores each field through
# ``object.__setattr__``; setting the slots directly builds the same object in half
# the time, which matters at hundreds of thousands of events per second. The
# unpacking fails at import if a field is added without updating these.
_new = object.__new__
_E_TYPE, _E_DATA, _E_ID, _E_RETRY, _E_START, _E_END = (
    getattr(Event, f.name).__set__ for f in fields(Event)
)
_C_TEXT, _C_OFFSET = (getattr(Comment, f.name).__set__ for f in fields(Comment))


def new_event(
    type: str, data: str, last_event_id: str, retry: int | None, start: int, end: int
) -> Event:
    """Exactly ``Event(type, data, last_event_id, retry, start, end)``, faster."""
    event: Event = _new(Event)
    _E_TYPE(event, type)
    _E_DATA(event, data)
    _E_ID(event, last_event_id)
    _E_RETRY(event, retry)
    _E_START(event, start)
    _E_END(event, end)
    return event


def new_comment(text: str, offset: int) -> Comment:
    """Exactly ``Comment(text, offset)``, faster."""
    comment: Comment = _new(Comment)
    _C_TEXT(comment, text)
    _C_OFFSET(comment, offset)
    return comment
