"""Interpreting an event stream line by line (WHATWG HTML §9.2.6), with lint.

Pure (standard library only). ``Interpreter`` holds the spec's buffers and turns
segments of complete lines (see ``harness.sse.lines``) into comments and dispatched
events, appended to ``out``. ``max_event_size`` bounds one event's bytes (from its
first line's first byte to its last line's last byte): the line that passes it and
the rest of the event up to its blank line are dropped uninterpreted, the event is
not dispatched, and it is reported once (``event-too-large``, at its start).
Spec: https://html.spec.whatwg.org/multipage/server-sent-events.html
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from harness.sse.events import (
    LINT_BOM,
    LINT_EVENT_TOO_LARGE,
    LINT_ID_NUL,
    LINT_INVALID_RETRY,
    LINT_INVALID_UTF8,
    LINT_UNKNOWN_FIELD,
    LINT_UNTERMINATED,
    Comment,
    Event,
)

if TYPE_CHECKING:
    from collections.abc import Callable

    from harness.sse.events import Lint

KNOWN_FIELDS = frozenset({"data", "event", "id", "retry"})


class Interpreter:
    """The §9.2.6 state machine over complete lines; no byte handling."""

    def __init__(self, lint: Lint, max_event_size: int | None = None) -> None:
        self.out: list[Event | Comment] = []  # the caller swaps in a fresh list
        self.last_event_id = ""
        self.retry: int | None = None
        self.unterminated: str | None = None
        self.limit = sys.maxsize if max_event_size is None else max_event_size
        self._lint = lint
        # "a data buffer, an event type buffer, and a last event ID buffer [...] must be
        #  initialized to the empty string." (the data buffer is kept as its lines)
        self._data: list[str] = []
        self._type = ""
        self.id_buffer = ""
        self.start: int | None = None  # where the pending event's first line began
        self._raw: list[bytes] = []  # its lines with their ends (``unterminated``)
        self._lines = 0  # how many
        self._comments_only = True  # whether they are all comments
        self._too_large = False  # past ``limit``: lines dropped up to the blank line

    def segment(self, lines: bytes, offset: int, eol: bytes) -> None:
        """Interpret complete ``lines``, each ended by ``eol``, found at ``offset``: a
        segment as ``harness.sse.lines`` hands it on (see there for ``eol`` b"")."""
        if not eol:  # a signal from the splitter (harness.sse.lines)
            if lines and self.start is not None and not self._too_large:
                self._raw.append(lines)  # the LF of a CRLF cut by the chunking
            elif not lines:
                self.start = offset if self.start is None else self.start
                self._oversize()
            return
        size = len(eol)
        if len(lines) == size:  # a blank line alone
            self._dispatch(offset + 1)
            return
        line, at = self.line, offset
        for raw in lines.split(eol)[:-1]:
            line(raw, at, eol)
            at += len(raw) + size
        start = self.start
        if start is not None and not self._too_large:  # kept raw for ``unterminated``
            self._raw.append(lines if start <= offset else lines[start - offset :])

    def line(self, raw: bytes, offset: int, eol: bytes) -> None:
        """Interpret one complete line ``raw`` (without ``eol``) found at ``offset``."""
        # "If the line is empty (a blank line) -> Dispatch the event"
        if not raw:
            self._dispatch(offset + 1)
            return
        if self.start is None:
            self.start = offset
        if self._too_large or offset + len(raw) - self.start > self.limit:
            self._oversize()  # this line and the rest up to the blank line: dropped
            return
        self._lines += 1
        # "The stream must then be decoded using the UTF-8 decode algorithm." CR and LF
        # never occur inside a multi-byte sequence, so a line decodes on its own.
        text = raw.decode("utf-8", "replace")
        if "\ufffd" in text:
            self._check_utf8(raw, offset)
        # "If the line starts with a U+003A COLON character (:) -> Ignore the line."
        if text[0] == ":":
            self.out.append(Comment(text[1:], offset))
            return
        self._comments_only = False
        # "Collect the characters on the line before the first U+003A COLON character
        #  (:), and let field be that string. Collect the characters on the line after
        #  the first U+003A COLON character (:), and let value be that string. If value
        #  starts with a U+0020 SPACE character, remove it from value."
        # "Otherwise, the string is not empty but does not contain a U+003A COLON
        #  character (:) -> [...] using the whole line as the field name, and the empty
        #  string as the field value."
        name, _, value = text.partition(":")
        if value[:1] == " ":
            value = value[1:]
        # "Field names must be compared literally, with no case folding performed."
        # "If the field name is "data" -> Append the field value to the data buffer,
        #  then append a single U+000A LINE FEED (LF) character to the data buffer."
        if name == "data":
            self._data.append(value)
            return
        handler = _FIELDS.get(name)
        if handler is not None:
            handler(self, value, offset)
            return
        # "Otherwise -> The field is ignored."
        if text[0] == "\ufeff":
            self._lint(LINT_BOM, offset, "line starts with U+FEFF (not stripped)")
        self._lint(LINT_UNKNOWN_FIELD, offset, _ignored_field(name))

    def _field_event(self, value: str, offset: int) -> None:
        # "If the field name is "event" -> Set the event type buffer to field value."
        self._type = value

    def _field_id(self, value: str, offset: int) -> None:
        # "If the field name is "id" -> If the field value does not contain U+0000
        #  NULL, then set the last event ID buffer to the field value. Otherwise,
        #  ignore the field."
        if "\0" in value:
            self._lint(LINT_ID_NUL, offset, "id containing U+0000 ignored")
        else:
            self.id_buffer = value

    def _field_retry(self, value: str, offset: int) -> None:
        # "If the field name is "retry" -> If the field value consists of only ASCII
        #  digits, then interpret the field value as an integer in base ten, and set
        #  the event stream's reconnection time to that integer. Otherwise, ignore the
        #  field."
        if value.isascii() and value.isdigit():
            try:
                self.retry = int(value)
                return
            except ValueError:  # more digits than int() accepts (sys.int_info)
                pass
        detail = f"retry value {_clip(value)} ignored: not only ASCII digits"
        self._lint(LINT_INVALID_RETRY, offset, detail)

    def _dispatch(self, end: int) -> None:
        # 1. "Set the last event ID string of the event source to the value of the last
        #    event ID buffer. The buffer does not get reset [...]"
        self.last_event_id = self.id_buffer
        # 2. "If the data buffer is an empty string, set the data buffer and the event
        #    type buffer to the empty string and return."
        if self._data:
            assert self.start is not None
            # 3. "If the data buffer's last character is a U+000A LINE FEED (LF)
            #    character, then remove the last character from the data buffer."
            # 5.-6. type "message" unless "the event type buffer has a value other than
            #    the empty string"; lastEventId is the last event ID string.
            event = Event(
                self._type or "message",
                "\n".join(self._data),
                self.last_event_id,
                self.retry,
                self.start,
                end,
            )
            self.out.append(event)
            # 7. "Set the data buffer and the event type buffer to the empty string."
            self._data = []
        self._type = ""
        self.start = None
        self._raw, self._lines = [], 0
        self._comments_only, self._too_large = True, False

    def close(self, partial: bytes, offset: int) -> None:
        """End of stream, ``partial`` the incomplete last line: set ``unterminated``.

        "Once the end of the file is reached, any pending data must be discarded. (If
        the file ends in the middle of an event, before the final empty line, the
        incomplete event is not dispatched.)"
        """
        if partial or self.start is not None:
            start = offset if self.start is None else self.start
            raw = b"".join(self._raw) + partial
            self.unterminated = raw.decode("utf-8", "replace")
            lines = self._lines + bool(partial)
            comments = self._comments_only and partial[:1] in (b":", b"")
            what = "a comment" if comments else "an event"
            detail = f"stream ended inside {what}: {lines} line(s) after the "
            detail += "last blank line discarded"
            if partial:
                detail += " (the last one incomplete)"
            if self._too_large:  # its lines were dropped as they came
                detail = "stream ended inside an event over max_event_size"
            self._lint(LINT_UNTERMINATED, start, detail)
        self._data, self._type, self.start = [], "", None
        self._raw = []

    def _oversize(self) -> None:
        if self._too_large:
            return
        self._too_large = True
        self._data, self._raw = [], []
        detail = f"event over {self.limit} bytes (max_event_size): not dispatched; "
        detail += "its lines dropped up to the blank line"
        assert self.start is not None
        self._lint(LINT_EVENT_TOO_LARGE, self.start, detail)

    def _check_utf8(self, raw: bytes, offset: int) -> None:
        # U+FFFD came from bad bytes, or the stream sent it honestly as EF BF BD.
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            detail = "bytes that are not UTF-8, decoded as U+FFFD"
            self._lint(LINT_INVALID_UTF8, offset + exc.start, detail)


_FIELDS: dict[str, Callable[[Interpreter, str, int], None]] = {
    "event": Interpreter._field_event,
    "id": Interpreter._field_id,
    "retry": Interpreter._field_retry,
}


def _ignored_field(name: str) -> str:
    """The detail for a field name the spec ignores."""
    shown = _clip(name)
    if name.lower() in KNOWN_FIELDS:
        hint = f"field names are case-sensitive (did you mean {name.lower()!r}?)"
        return f"field {shown} ignored: {hint}"
    if name[:1] == "\ufeff":
        return f"field {shown} ignored: it starts with U+FEFF"
    if name.strip() in KNOWN_FIELDS:
        return f"field {shown} ignored: whitespace in the name"
    return f"unknown field {shown} ignored"


def _clip(text: str, limit: int = 40) -> str:
    if len(text) > limit:
        return f"{text[:limit]!r}... ({len(text)} characters)"
    return repr(text)
