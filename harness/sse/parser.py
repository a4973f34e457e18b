"""WHATWG-exact incremental parser for ``text/event-stream`` (HTML §9.2.5, §9.2.6).

Sans-IO in the style of h11: bytes go in through ``SSEParser.feed()``, dispatched
events and comments come out, and end of stream is an explicit ``close()``. No
sockets, clocks or asyncio; the standard library only. It never raises on any input.
Spec: https://html.spec.whatwg.org/multipage/server-sent-events.html

Two APIs, one result; they may be mixed from one chunk to the next:

- ``feed(chunk) -> list[Event | Comment]``: one object per event, in stream order.
  The default: use it wherever events are looked at one by one (the gate, ``sse-harness
  parse``, tests) or a few streams are read.
- ``feed_batch(chunk) -> EventBatch`` (and ``close_batch()``): the same events as
  parallel lists, ``batch.data``, ``batch.types``, ``batch.last_event_ids``,
  ``batch.retries``, ``batch.starts``, ``batch.ends``, with ``batch.comments`` apart.
  For high-throughput readers such as load tests over hundreds of streams, which
  mostly count events and read their data: a run of one-line ``data:`` events becomes
  one split, with no per-event object, and the byte offsets are only worked out if
  ``starts`` or ``ends`` is read. ``batch.events()`` gives exactly what ``feed()``
  would have returned; the parser's state (findings, last event ID, retry, ...) after
  either call is the same.

Modules: ``harness.sse.events`` (Event, Comment, Finding, LINT_* codes, re-exported
here), ``harness.sse.batch`` (EventBatch, re-exported here), ``harness.sse.interpreter``
(§9.2.6 over complete lines), ``harness.sse.fastpath`` (the fast path), and this one
(bytes into lines, BOM, chunk boundaries, end of stream).

Lines are split at the byte level: CR and LF never occur inside a UTF-8 multi-byte
sequence, so a chunk boundary inside a character needs no care. A CR that ends a chunk
ends its line at once (as a browser dispatches on it); an LF that starts the next
chunk is then the second half of a CRLF.

Two paths, one result. The exact path goes line by line. The bulk path takes complete
events whose lines all end in LF (or all in CRLF): runs of single-line ``data:``
events through C-speed ``bytes``/``str`` operations, other plain events a block at a
time, and anything that needs a lint finding back to the exact path. The tests feed
every vector and generated stream both ways.

Offsets are byte offsets in the whole stream (a leading BOM counts). ``Event.end`` is
just past the byte that completed the event: the blank line's LF, or its CR when the
blank line ends in CR or CRLF. The event is complete when that CR arrives, so ``end``
does not depend on how the stream was chunked.
"""

from __future__ import annotations

import re

from harness.sse.batch import EventBatch
from harness.sse.events import (
    LINT_BARE_CR,
    LINT_BOM,
    LINT_CODES,
    LINT_ID_NUL,
    LINT_INVALID_RETRY,
    LINT_INVALID_UTF8,
    LINT_UNKNOWN_FIELD,
    LINT_UNTERMINATED,
    Comment,
    Event,
    Finding,
)
from harness.sse.fastpath import BulkInterpreter, uniform_eol

__all__ = [
    "LINT_BARE_CR",
    "LINT_BOM",
    "LINT_CODES",
    "LINT_ID_NUL",
    "LINT_INVALID_RETRY",
    "LINT_INVALID_UTF8",
    "LINT_UNKNOWN_FIELD",
    "LINT_UNTERMINATED",
    "Comment",
    "Event",
    "EventBatch",
    "Finding",
    "SSEParser",
    "parse",
]

BOM = b"\xef\xbb\xbf"
# "a U+000D CARRIAGE RETURN U+000A LINE FEED (CRLF) character pair, a single U+000A
#  LINE FEED (LF) character not preceded by a U+000D CARRIAGE RETURN (CR) character,
#  and a single U+000D CARRIAGE RETURN (CR) character not followed by a U+000A LINE
#  FEED (LF) character being the ways in which a line can end."
_EOL = re.compile(rb"\r\n|\r|\n")


class SSEParser(BulkInterpreter):
    """Incremental event-stream parser: ``feed()`` bytes, then ``close()`` once.

    Or ``feed_batch()`` and ``close_batch()``: the same, as columns (``EventBatch``).
    The two may be mixed from one chunk to the next.

    Public state: ``findings`` (lint in stream order, at most ``max_findings`` per
    code; ``finding_counts`` has the full counts), ``last_event_id`` (the last event ID
    string), ``retry`` (the reconnection time, None until a valid ``retry`` field),
    ``bytes_seen``, ``line_endings`` (a Counter of "lf", "crlf", "cr"), ``closed``, and
    after ``close()``: ``unterminated``, the raw text of the event the spec discarded
    because the stream ended before its blank line (None if it did not).
    """

    def __init__(self, *, max_findings: int = 100) -> None:
        super().__init__(max_findings=max_findings)
        self.bytes_seen = 0
        self.unterminated: str | None = None
        self.closed = False
        self._partial: list[bytes] = []  # an incomplete line, kept in pieces
        self._partial_off = 0  # where it starts (or the next byte will go)
        self._pending_cr: int | None = None  # a CR that ended the last chunk
        self._prefix: bytes | None = b""  # bytes held until the BOM is decided

    def feed(self, data: bytes) -> list[Event | Comment]:
        """Parse the next bytes; return the events and comments they completed."""
        if self.closed:
            raise RuntimeError("SSEParser.feed() called after close()")
        out: list[Event | Comment] = []
        if not data:
            return out
        self._out = out
        self.bytes_seen += len(data)
        if self._prefix is not None:
            # UTF-8 decode: "One leading U+FEFF BYTE ORDER MARK character must be
            # ignored if any are present." One only: a second one starts a field name.
            data = self._prefix + data
            if len(data) < len(BOM) and BOM.startswith(data):
                self._prefix = data
                return out
            self._prefix = None
            if data.startswith(BOM):
                self._lint(LINT_BOM, 0, "stream starts with a UTF-8 BOM (stripped)")
                data = data[len(BOM) :]
                self._partial_off = len(BOM)
        if self._pending_cr is not None:
            if data[:1] == b"\n":  # the second half of a CRLF cut by the chunking
                self._pending_cr = None
                self.line_endings["crlf"] += 1
                if self._block_raw:  # the line's end, kept for ``unterminated``
                    self._block_raw[-1] = b"\r\n"
                data = data[1:]
                self._partial_off += 1
            elif data:
                self._bare_cr()
        if data:
            self._consume(data)
        return out

    def close(self) -> list[Event | Comment]:
        """End of stream: returns [] (nothing dispatches at EOF); sets ``unterminated``.

        "Once the end of the file is reached, any pending data must be discarded. (If
        the file ends in the middle of an event, before the final empty line, the
        incomplete event is not dispatched.)"
        """
        out: list[Event | Comment] = []
        if self.closed:
            return out
        self.closed = True
        self._out = out
        if self._prefix:  # one or two bytes of what was not a BOM after all
            self._partial, self._partial_off = [self._prefix], 0
        self._prefix = None
        if self._pending_cr is not None:
            self._bare_cr()
        partial = b"".join(self._partial)
        if partial or self._block_start is not None:
            start = (
                self._partial_off if self._block_start is None else self._block_start
            )
            raw = b"".join(self._block_raw) + partial
            self.unterminated = raw.decode("utf-8", "replace")
            lines = (
                [*self._block_raw[::2], partial] if partial else self._block_raw[::2]
            )
            what = "a comment" if all(x[:1] == b":" for x in lines) else "an event"
            detail = f"stream ended inside {what}: {len(lines)} line(s) after the "
            detail += "last blank line discarded"
            if partial:
                detail += " (the last one incomplete)"
            self._lint(LINT_UNTERMINATED, start, detail)
        self._data, self._type, self._block_start = [], "", None
        self._block_raw, self._partial = [], []
        return out

    def feed_batch(self, data: bytes) -> EventBatch:
        """``feed(data)`` as columns: the same events, comments and parser state.

        Runs of one-line ``data:`` events go into the columns without an ``Event``
        object each; ``batch.events()`` builds exactly the list ``feed()`` returns.
        """
        if self.closed:
            raise RuntimeError("SSEParser.feed_batch() called after close()")
        batch = self._batch = EventBatch()
        try:
            items = self.feed(data)
        finally:
            self._batch = None
        batch._extend(items)  # whatever came after the last run
        return batch

    def close_batch(self) -> EventBatch:
        """``close()`` as a batch (an empty one: nothing dispatches at EOF)."""
        batch = EventBatch()
        batch._extend(self.close())
        return batch

    # -- bytes into lines ------------------------------------------------------------

    def _consume(self, chunk: bytes) -> None:
        """Split ``chunk``, after any held partial line, into lines; interpret them."""
        if b"\n" not in chunk and b"\r" not in chunk:
            self._partial.append(chunk)  # still inside one line: no copying
            return
        data = b"".join((*self._partial, chunk)) if self._partial else chunk
        self._partial = []
        base = self._partial_off
        last = data.rfind(b"\n") + 1
        if last:
            nl = uniform_eol(data, last)
            if nl is not None:
                self._bulk(data[:last], base, nl)
                data, base = data[last:], base + last
                if b"\r" not in data:  # the start of a line, or nothing: hold it
                    self._partial = [data] if data else []
                    self._partial_off = base
                    return
        self._split(data, base)

    def _split(self, data: bytes, base: int) -> None:
        """The exact splitter: any mix of CR, LF and CRLF, one line at a time."""
        pos, size = 0, len(data)
        for match in _EOL.finditer(data):
            s, e = match.span()
            self._line(data[pos:s], base + pos, data[s:e])
            if e - s == 1 and data[s] == 0x0D:  # a CR alone
                if e == size:  # CR or CRLF? The next chunk will tell.
                    self._pending_cr = base + s
                else:
                    self._lint(LINT_BARE_CR, base + s, "line ended by a bare CR")
            pos = e
        if pos:
            crlf = data.count(b"\r\n", 0, pos)
            self.line_endings["crlf"] += crlf
            self.line_endings["lf"] += data.count(b"\n", 0, pos) - crlf
            pending = self._pending_cr is not None
            self.line_endings["cr"] += data.count(b"\r", 0, pos) - crlf - pending
        if pos < size:
            self._partial = [data[pos:]]
        self._partial_off = base + pos

    def _bare_cr(self) -> None:
        assert self._pending_cr is not None
        self.line_endings["cr"] += 1
        self._lint(LINT_BARE_CR, self._pending_cr, "line ended by a bare CR")
        self._pending_cr = None


def parse(data: bytes) -> tuple[list[Event | Comment], list[Finding]]:
    """Parse a whole stream: ``feed(data)`` then ``close()``; (items, findings)."""
    parser = SSEParser()
    items = parser.feed(data)
    items += parser.close()
    return items, parser.findings
