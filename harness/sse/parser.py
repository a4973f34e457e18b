"""WHATWG-exact incremental parser for ``text/event-stream`` (HTML §9.2.5, §9.2.6).

Sans-IO in the style of h11: bytes go in through ``SSEParser.feed()``, dispatched
events and comments come out, and end of stream is an explicit ``close()``. No
sockets, clocks or asyncio; the standard library only. It never raises on any input.
Spec: https://html.spec.whatwg.org/multipage/server-sent-events.html

Composition, not inheritance: a ``LineSplitter`` (``harness.sse.lines``: bytes into
complete lines, BOM, CR/LF/CRLF across chunks) hands segments of lines to this
parser, which passes them to an ``Interpreter`` (``harness.sse.interpreter``: §9.2.6,
fields into events), except for one private shortcut: where a segment holds whole
events that are each one ``data:`` line (what LLM proxies send), ``harness.sse.
fastpath`` turns the run into events in one loop. The two give the same events,
findings and state; the tests check it on every vector and on generated streams.

Offsets are byte offsets in the whole stream (a leading BOM counts). ``Event.end`` is
just past the byte that completed the event: the blank line's LF, or its CR when the
blank line ends in CR or CRLF. The event is complete when that CR arrives, so ``end``
does not depend on how the stream was chunked.

``max_event_size`` (bytes, default None: no bound, as the spec) bounds what one event
may hold, a reader's limit the spec does not have. An event whose lines run past it
(from its first line's first byte to its last line's last byte) is reported once as
``event-too-large`` at its start offset and not dispatched: the line that passes the
bound and every line after it up to the blank line are dropped uninterpreted (no
fields, comments or findings from them; a line still incomplete past the bound is
dropped as it arrives, not held). Lines before it count as usual (an ``id`` there
still sets the last event ID at the blank line), and the next event starts clean.
Memory stays within a few times the bound plus one chunk, whatever the input.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from harness.sse.events import Comment, Event, Finding, Lint
from harness.sse.fastpath import run_events, simple_run
from harness.sse.interpreter import Interpreter
from harness.sse.lines import CR, LineSplitter

if TYPE_CHECKING:
    from collections import Counter

__all__ = ["SSEParser", "parse"]

# A big chunk is taken in slices: CPython's bytes.split switches to a search that
# prepares the separator again for every piece when the haystack is over 30,000
# bytes (stringlib/fastsearch.h), which made 1 MiB chunks twice as slow per event.
_SLICE = 16 * 1024


class SSEParser:
    """Incremental event-stream parser: ``feed()`` bytes, then ``close()`` once.

    Public state: ``findings`` (lint in stream order, at most ``max_findings`` per
    code; ``finding_counts`` has the full counts), ``last_event_id`` (the last event ID
    string), ``retry`` (the reconnection time, None until a valid ``retry`` field),
    ``bytes_seen``, ``line_endings`` (a Counter of "lf", "crlf", "cr"), ``closed``, and
    after ``close()``: ``unterminated``, the raw text of the event the spec discarded
    because the stream ended before its blank line (None if it did not).
    """

    def __init__(
        self, *, max_findings: int = 100, max_event_size: int | None = None
    ) -> None:
        self.bytes_seen = 0
        self.closed = False
        self.max_event_size = max_event_size
        self._lint = Lint(max_findings)
        self._events = Interpreter(self._lint, max_event_size)
        self._lines = LineSplitter(self._segment, self._lint, max_event_size)

    # -- public state -----------------------------------------------------------------

    @property
    def findings(self) -> list[Finding]:
        return self._lint.findings

    @property
    def finding_counts(self) -> Counter[str]:
        return self._lint.counts

    @property
    def max_findings(self) -> int:
        return self._lint.max_findings

    @property
    def line_endings(self) -> Counter[str]:
        return self._lines.line_endings

    @property
    def last_event_id(self) -> str:
        return self._events.last_event_id

    @property
    def retry(self) -> int | None:
        return self._events.retry

    @property
    def unterminated(self) -> str | None:
        return self._events.unterminated

    # -- bytes in, events out ---------------------------------------------------------

    def feed(self, data: bytes) -> list[Event | Comment]:
        """Parse the next bytes; return the events and comments they completed."""
        if self.closed:
            raise RuntimeError("SSEParser.feed() called after close()")
        out: list[Event | Comment] = []
        if data:
            self._events.out = out
            self.bytes_seen += len(data)
            if len(data) <= _SLICE:
                self._lines.feed(data)
            else:  # the result does not depend on the chunking
                for start in range(0, len(data), _SLICE):
                    self._lines.feed(data[start : start + _SLICE])
        return out

    def close(self) -> list[Event | Comment]:
        """End of stream: returns [] (nothing dispatches at EOF); sets ``unterminated``.

        "Once the end of the file is reached, any pending data must be discarded. (If
        the file ends in the middle of an event, before the final empty line, the
        incomplete event is not dispatched.)"
        """
        out: list[Event | Comment] = []
        if not self.closed:
            self.closed = True
            self._events.out = out
            self._events.close(*self._lines.close())
        return out

    def _segment(self, lines: bytes, offset: int, eol: bytes, count: int) -> None:
        """The splitter's sink: whole runs of one-line data events in one loop."""
        events = self._events
        if eol == CR or not eol:  # a line alone, or a signal: nothing to run
            events.segment(lines, offset, eol)
            return
        sep = eol + eol
        run = lines.rfind(sep) + len(sep)
        if run < len(sep):  # no blank line: lines of one event
            events.segment(lines, offset, eol)
            return
        done = 0
        if events.start is not None:  # finish the event the last chunk began
            done = lines.find(sep) + len(sep)
            head = lines[:done]
            count -= head.count(eol)
            events.segment(head, offset, eol)
        if run < len(lines):
            count -= lines.count(eol, run)
        if done < run:
            region = lines[done:run]  # whole events: starts clean, ends blank
            simple = None
            if run - done <= events.limit:
                simple = simple_run(region, eol, count)
            if simple is None:
                events.segment(region, offset + done, eol)
            else:  # no id line in a run: the last event ID string is the buffer
                last_id = events.last_event_id = events.id_buffer
                run_events(
                    simple, offset + done, eol, last_id, events.retry, events.out
                )
        if run < len(lines):
            events.segment(lines[run:], offset + run, eol)  # the next event's start


def parse(
    data: bytes, *, max_event_size: int | None = None
) -> tuple[list[Event | Comment], list[Finding]]:
    """Parse a whole stream: ``feed(data)`` then ``close()``; (items, findings)."""
    parser = SSEParser(max_event_size=max_event_size)
    items = parser.feed(data)
    items += parser.close()
    return items, parser.findings
