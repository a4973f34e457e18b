"""Interpreting an event stream line by line (WHATWG HTML §9.2.6), with lint.

Pure (standard library only). ``Interpreter`` holds the spec's buffers and turns one
complete line at a time into fields, comments and dispatched events; ``harness.sse``
builds the public ``SSEParser`` on it by adding the byte-level line splitting.
Spec: https://html.spec.whatwg.org/multipage/server-sent-events.html
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from harness.sse.events import (
    LINT_BOM,
    LINT_ID_NUL,
    LINT_INVALID_RETRY,
    LINT_INVALID_UTF8,
    LINT_UNKNOWN_FIELD,
    Comment,
    Event,
    Finding,
    new_comment,
    new_event,
)

if TYPE_CHECKING:
    from collections.abc import Callable

KNOWN_FIELDS = frozenset({"data", "event", "id", "retry"})


class Interpreter:
    """The §9.2.6 state machine over complete lines (``_line``); no byte handling."""

    def __init__(self, *, max_findings: int = 100) -> None:
        self.findings: list[Finding] = []
        self.finding_counts: Counter[str] = Counter()
        self.max_findings = max_findings
        self.last_event_id = ""
        self.retry: int | None = None
        # "a data buffer, an event type buffer, and a last event ID buffer [...] must be
        #  initialized to the empty string." (the data buffer is kept as its lines)
        self._data: list[str] = []
        self._type = ""
        self._id_buffer = ""
        self._block_start: int | None = None  # where the pending event's lines began
        self._block_raw: list[bytes] = []  # those lines and their ends, raw
        self._out: list[Event | Comment] = []

    def _line(self, raw: bytes, offset: int, eol: bytes) -> None:
        """Interpret one complete line ``raw`` (without ``eol``) found at ``offset``."""
        # "If the line is empty (a blank line) -> Dispatch the event"
        if not raw:
            self._dispatch(offset + 1)
            return
        if self._block_start is None:
            self._block_start = offset
        self._block_raw += (raw, eol)
        # "The stream must then be decoded using the UTF-8 decode algorithm." CR and LF
        # never occur inside a multi-byte sequence, so a line decodes on its own.
        text = raw.decode("utf-8", "replace")
        if "\ufffd" in text:
            self._check_utf8(raw, offset)
        # "If the line starts with a U+003A COLON character (:) -> Ignore the line."
        if text[0] == ":":
            self._out.append(new_comment(text[1:], offset))
            return
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
        if name == "data":  # the common case, ahead of the table
            self._data.append(value)
            return
        handler = _FIELDS.get(name)
        if handler is not None:
            handler(self, value, offset)
            return
        # "Otherwise -> The field is ignored."
        if text[0] == "\ufeff":
            self._lint(LINT_BOM, offset, "line starts with U+FEFF (not stripped)")
        code, detail = _ignored_field(name)
        self._lint(code, offset, detail)

    def _field_event(self, value: str, offset: int) -> None:
        # "If the field name is "event" -> Set the event type buffer to field value."
        self._type = value

    def _field_data(self, value: str, offset: int) -> None:
        # "If the field name is "data" -> Append the field value to the data buffer,
        #  then append a single U+000A LINE FEED (LF) character to the data buffer."
        self._data.append(value)

    def _field_id(self, value: str, offset: int) -> None:
        # "If the field name is "id" -> If the field value does not contain U+0000
        #  NULL, then set the last event ID buffer to the field value. Otherwise,
        #  ignore the field."
        if "\0" in value:
            self._lint(LINT_ID_NUL, offset, "id containing U+0000 ignored")
        else:
            self._id_buffer = value

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
        self.last_event_id = self._id_buffer
        # 2. "If the data buffer is an empty string, set the data buffer and the event
        #    type buffer to the empty string and return."
        if self._data:
            assert self._block_start is not None
            # 3. "If the data buffer's last character is a U+000A LINE FEED (LF)
            #    character, then remove the last character from the data buffer."
            # 5.-6. type "message" unless "the event type buffer has a value other than
            #    the empty string"; lastEventId is the last event ID string.
            event = new_event(
                self._type or "message",
                "\n".join(self._data),
                self.last_event_id,
                self.retry,
                self._block_start,
                end,
            )
            self._out.append(event)
            # 7. "Set the data buffer and the event type buffer to the empty string."
            self._data = []
        self._type = ""
        self._block_start = None
        self._block_raw = []

    def _check_utf8(self, raw: bytes, offset: int) -> None:
        # U+FFFD came from bad bytes, or the stream sent it honestly as EF BF BD.
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            detail = "bytes that are not UTF-8, decoded as U+FFFD"
            self._lint(LINT_INVALID_UTF8, offset + exc.start, detail)

    def _lint(self, code: str, offset: int, detail: str) -> None:
        self.finding_counts[code] += 1
        if self.finding_counts[code] <= self.max_findings:
            self.findings.append(Finding(code, offset, detail))


_FIELDS: dict[str, Callable[[Interpreter, str, int], None]] = {
    "data": Interpreter._field_data,
    "event": Interpreter._field_event,
    "id": Interpreter._field_id,
    "retry": Interpreter._field_retry,
}


def _ignored_field(name: str) -> tuple[str, str]:
    """(code, detail) for a field name the spec ignores."""
    shown = _clip(name)
    if name.lower() in KNOWN_FIELDS:
        hint = f"field names are case-sensitive (did you mean {name.lower()!r}?)"
        return LINT_UNKNOWN_FIELD, f"field {shown} ignored: {hint}"
    if name[:1] == "\ufeff":
        return LINT_UNKNOWN_FIELD, f"field {shown} ignored: it starts with U+FEFF"
    if name.strip() in KNOWN_FIELDS:
        return LINT_UNKNOWN_FIELD, f"field {shown} ignored: whitespace in the name"
    return LINT_UNKNOWN_FIELD, f"unknown field {shown} ignored"


def _clip(text: str, limit: int = 40) -> str:
    if len(text) > limit:
        return f"{text[:limit]!r}... ({len(text)} characters)"
    return repr(text)
