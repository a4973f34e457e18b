"""Bytes into complete lines (WHATWG HTML §9.2.5): BOM, CR, LF, CRLF across chunks.

Pure (standard library only). ``LineSplitter.feed(chunk)`` hands *segments* to its sink,
``sink(lines, offset, eol, count)``, in stream order, as they complete (``count``:
how many line ends ``lines`` holds):

- ``eol`` is b"\\n", b"\\r\\n" or b"\\r": ``lines`` is one or more complete lines, each
  ended by ``eol`` (included), starting at stream byte ``offset``. A chunk whose lines
  all end alike (the common case) gives one segment for all of them.
- ``eol`` is b"" and ``lines`` b"\\n": the LF of a CRLF whose CR ended the last chunk
  (that CR already ended its line; this only completes the line end).
- ``eol`` is b"" and ``lines`` b"": a line at ``offset`` grew past ``max_line`` bytes
  before it ended; its bytes are dropped up to its line end (memory stays bounded).

Lines are split at the byte level: CR and LF never occur inside a UTF-8 multi-byte
sequence, so a chunk boundary inside a character needs no care. A CR that ends a chunk
ends its line at once (as a browser dispatches on it); an LF that starts the next chunk
is then the second half of a CRLF. Offsets count a leading BOM.
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from collections.abc import Callable
from typing import TYPE_CHECKING

from harness.sse.events import LINT_BARE_CR, LINT_BOM

if TYPE_CHECKING:
    from harness.sse.events import Lint

#: sink(lines with their ends, stream offset, the line end, line count): module doc
Sink = Callable[[bytes, int, bytes, int], None]

BOM = b"\xef\xbb\xbf"
LF, CRLF, CR = b"\n", b"\r\n", b"\r"
# "a U+000D CARRIAGE RETURN U+000A LINE FEED (CRLF) character pair, a single U+000A
#  LINE FEED (LF) character not preceded by a U+000D CARRIAGE RETURN (CR) character,
#  and a single U+000D CARRIAGE RETURN (CR) character not followed by a U+000A LINE
#  FEED (LF) character being the ways in which a line can end."
_EOL = re.compile(rb"\r\n|\r|\n")
_ANY_EOL = re.compile(rb"[\r\n]")
_NAMES = {LF: "lf", CRLF: "crlf", CR: "cr"}


class LineSplitter:
    """Incremental: ``feed()`` chunks, then ``close()`` for the incomplete last line.

    The sink gets each segment before any bare CR in it is reported, so findings
    stay in stream order whatever the chunking. ``line_endings`` counts the line
    ends seen ("lf", "crlf", "cr"); ``max_line`` bounds the bytes held for one
    incomplete line (None: no bound).
    """

    def __init__(self, sink: Sink, lint: Lint, max_line: int | None = None) -> None:
        self.line_endings: Counter[str] = Counter()
        self._sink = sink
        self._lint = lint
        self._max_line = sys.maxsize if max_line is None else max_line
        self._partial: list[bytes] = []  # an incomplete line, kept in pieces
        self._held = 0  # its size
        self._offset = 0  # where it starts (or the next byte will go)
        self._pending_cr: int | None = None  # a CR that ended the last chunk
        self._prefix: bytes | None = b""  # bytes held until the BOM is decided
        self._skipping = False  # dropping an over-long line up to its end

    def feed(self, data: bytes) -> None:
        """Hand the sink the segments of complete lines that ``data`` completes."""
        if self._prefix is not None:
            # UTF-8 decode: "One leading U+FEFF BYTE ORDER MARK character must be
            # ignored if any are present." One only: a second one starts a field name.
            data = self._prefix + data
            if len(data) < len(BOM) and BOM.startswith(data):
                self._prefix = data
                return
            self._prefix = None
            if data.startswith(BOM):
                self._lint(LINT_BOM, 0, "stream starts with a UTF-8 BOM (stripped)")
                data = data[len(BOM) :]
                self._offset = len(BOM)
        if self._pending_cr is not None and data:
            cr, self._pending_cr = self._pending_cr, None
            if data[0] == 0x0A:  # the second half of a CRLF cut by the chunking
                self.line_endings["crlf"] += 1
                self._sink(LF, self._offset, b"", 0)
                data = data[1:]
                self._offset += 1
            else:
                self._bare_cr(cr)
        if self._skipping and data:
            data = self._skip(data)
        if data:
            self._split(data)

    def close(self) -> tuple[bytes, int]:
        """End of stream: (the incomplete last line, or b"", its offset)."""
        if self._prefix:  # one or two bytes of what was not a BOM after all
            self._partial, self._offset = [self._prefix], 0
        self._prefix = None
        if self._pending_cr is not None:
            self._bare_cr(self._pending_cr)
            self._pending_cr = None
        partial = b"".join(self._partial)
        self._partial, self._held = [], 0
        return partial, self._offset

    def _split(self, chunk: bytes) -> None:
        if b"\n" not in chunk and b"\r" not in chunk:
            self._hold(chunk)  # still inside one line: no copying
            return
        data = b"".join((*self._partial, chunk)) if self._partial else chunk
        self._partial, self._held = [], 0
        base = self._offset
        last = data.rfind(b"\n") + 1
        if last:  # all complete lines up to the last LF, if they all end alike
            if data.find(b"\r", 0, last) < 0:
                nl = LF
            else:
                crlf = data.count(CRLF, 0, last)
                same = crlf == data.count(b"\r", 0, last) == data.count(b"\n", 0, last)
                nl = CRLF if same else b""
            if nl:
                count = data.count(nl, 0, last)
                self.line_endings[_NAMES[nl]] += count
                self._sink(data[:last], base, nl, count)
                data, base = data[last:], base + last
                if b"\r" not in data:  # the start of a line, or nothing: hold it
                    self._offset = base
                    if data:
                        self._hold(data)
                    return
        self._each_line(data, base)

    def _each_line(self, data: bytes, base: int) -> None:
        """Any mix of CR, LF and CRLF: a segment per line."""
        pos, size = 0, len(data)
        for match in _EOL.finditer(data):
            s, e = match.span()
            eol = data[s:e]
            self._offset = base + e
            self._sink(data[pos:e], base + pos, eol, 1)
            if eol != CR:
                self.line_endings[_NAMES[eol]] += 1
            elif e == size:  # CR or CRLF? The next chunk will tell.
                self._pending_cr = base + s
            else:
                self._bare_cr(base + s)
            pos = e
        if pos < size:
            self._hold(data[pos:])

    def _hold(self, piece: bytes) -> None:
        """Keep part of an incomplete line, unless it grew past ``max_line``."""
        self._held += len(piece)
        if self._held <= self._max_line:
            self._partial.append(piece)
            return
        self._sink(b"", self._offset, b"", 0)  # dropped: see the module doc
        self._offset += self._held
        self._partial, self._held, self._skipping = [], 0, True

    def _skip(self, data: bytes) -> bytes:
        """Drop the rest of an over-long line; return what follows its line end."""
        match = _ANY_EOL.search(data)
        if match is None:
            self._offset += len(data)
            return b""
        self._skipping = False
        at = self._offset + match.start()
        if data[match.start() :].startswith(CRLF):
            self.line_endings["crlf"] += 1
            end = match.start() + 2
        elif data[match.start()] == 0x0D:
            end = match.start() + 1
            if end == len(data):
                self._pending_cr = at
            else:
                self._bare_cr(at)
        else:
            self.line_endings["lf"] += 1
            end = match.start() + 1
        self._offset += end
        return data[end:]

    def _bare_cr(self, offset: int) -> None:
        self.line_endings["cr"] += 1
        self._lint(LINT_BARE_CR, offset, "line ended by a bare CR")
