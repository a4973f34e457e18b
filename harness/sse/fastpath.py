"""The SSE parser's bulk path: whole events at a time, data-only runs at C speed.

Pure (standard library only). ``BulkInterpreter._bulk`` takes complete lines that all
end in the same ``nl`` (b"\\n" or b"\\r\\n") and cuts out a *region*: from where an
event starts to the last blank line. Split at ``nl + nl``, a region falls into blocks;
the lines of each block followed by one blank line are exactly the region's lines, so
each block is one event, or a data-less block that dispatches nothing.

``simple_run`` recognises the common case, where every block is one ``data:`` line,
with one split and one count (ASCII text is decoded at once, anything else piece by
piece, so that the byte sizes come from the pieces), and returns None for anything
else; the parser then takes the region block by block, with ``plain_block`` for blocks
that need no lint finding, and the exact path (``harness.sse.interpreter``) for the rest.
For ``feed_batch()`` a run goes into the ``EventBatch`` columns as it is: the values
list becomes ``data``, and the byte sizes are only worked out if offsets are asked for.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from functools import partial
from itertools import accumulate, islice, repeat
from operator import add, sub
from typing import TYPE_CHECKING

from harness.sse.events import Event, new_comment, new_event, new_tuple
from harness.sse.interpreter import Interpreter

if TYPE_CHECKING:
    from harness.sse.batch import EventBatch

#: (values, their sizes in bytes on demand, length of b"data:" plus the optional space)
SimpleRun = tuple[list[str], Callable[[], Iterator[int]], int]
#: (data lines, event type, id, retry, comments as (text, byte offset in the block))
PlainBlock = tuple[list[str], str | None, str | None, int | None, list[tuple[str, int]]]

_DATA = b"data:"
_DATA_SPACE = b"data: "
_EOL_NAMES = {b"\n": "lf", b"\r\n": "crlf"}


def simple_run(region: bytes, nl: bytes, *, lazy: bool = False) -> SimpleRun | None:
    """(values, their byte sizes, prefix size) if every block is one ``data:`` line.

    None if any block has another field, a comment, more than one line or is empty,
    if the blocks disagree about the one space after ``data:`` ("If value starts with a
    U+0020 SPACE character, remove it from value"), or if the region is not UTF-8.
    The sizes: a callable returning a one-shot iterator. ``lazy``: they may never be
    asked for, so all text is decoded at once and split as text, and the bytes are
    split for their sizes only when they are.
    """
    prefix = _DATA_SPACE if region.startswith(_DATA_SPACE) else _DATA
    if not region.startswith(prefix):
        return None
    sep = nl + nl
    cut = len(prefix)
    split = sep + prefix  # between one block's value and the next one's
    body = region[cut : -len(sep)]
    if prefix is _DATA and (sep + _DATA_SPACE) in region:
        return None  # "data:x" and "data: y" mixed: the exact path strips per line
    if lazy or body.isascii():
        # UTF-8 never puts an ASCII byte inside a character: the text splits alike
        try:
            values = body.decode().split(split.decode())
        except UnicodeDecodeError:
            return None
        # ASCII: a character per byte; lazy: split the bytes if the sizes are asked for
        sizes = partial(_sizes, body, split) if lazy else partial(map, len, values)
    else:  # split the bytes: sizes from the pieces, each piece decoded on its own
        pieces = body.split(split)
        try:
            values = list(map(bytes.decode, pieces))
        except UnicodeDecodeError:
            return None
        sizes = partial(map, len, pieces)
    # Only the separators' line ends: no block has a second line, and no separator
    # was missed (every block starts with the prefix).
    if body.count(nl) != 2 * (len(values) - 1):
        return None
    return values, sizes, cut


def _sizes(body: bytes, split: bytes) -> Iterator[int]:
    return map(len, body.split(split))


def plain_block(block: bytes, nl: bytes) -> PlainBlock | None:
    """The fields of one event block (its lines, without the blank line) if plain.

    Plain: UTF-8, no blank line, and every line a comment or a ``data``, ``event``,
    ``id`` or ``retry`` field that the spec takes as it is (an id without U+0000, a
    retry of ASCII digits only). Anything else is None: the exact path, which lints,
    takes the block. Comment offsets need ASCII (characters are bytes there).
    """
    try:
        text = block.decode("utf-8")
    except UnicodeDecodeError:
        return None
    data: list[str] = []
    kind = ident = None
    retry = None
    comments: list[tuple[str, int]] = []
    lines = text.split("\n" if nl == b"\n" else "\r\n")
    for index, line in enumerate(lines):
        name, colon, value = line.partition(":")
        if value[:1] == " ":
            value = value[1:]
        if name == "data":
            data.append(value)
        elif name == "event":
            kind = value
        elif name == "id" and "\0" not in value:
            ident = value
        elif (
            name == "retry" and value.isascii() and value.isdigit() and len(value) < 999
        ):
            retry = int(value)
        elif colon and not name and len(text) == len(block):
            offset = sum(map(len, lines[:index])) + index * len(nl)
            comments.append((line[1:], offset))
        else:
            return None
    return data, kind, ident, retry, comments


def uniform_eol(data: bytes, stop: int) -> bytes | None:
    """b"\\n" or b"\\r\\n" if all line ends in ``data[:stop]`` are that one."""
    if data.find(b"\r", 0, stop) < 0:
        return b"\n"
    crlf = data.count(b"\r\n", 0, stop)
    if crlf == data.count(b"\r", 0, stop) == data.count(b"\n", 0, stop):
        return b"\r\n"
    return None


class BulkInterpreter(Interpreter):
    """The §9.2.6 interpreter plus the bulk path over complete lines (``_bulk``)."""

    def __init__(self, *, max_findings: int = 100) -> None:
        super().__init__(max_findings=max_findings)
        self.line_endings: Counter[str] = Counter()
        self._batch: EventBatch | None = None  # set during feed_batch()

    def _bulk(self, head: bytes, base: int, nl: bytes) -> None:
        """``head``: complete lines, all ended by ``nl`` (LF only, or CRLF only)."""
        sep = nl + nl
        run = head.rfind(sep) + len(sep)
        if run < len(sep):  # no blank line yet: the start of an event
            self._lines(head, base, nl)
            return
        done = 0
        if self._block_start is not None:  # finish the event the last chunk began
            done = head.find(sep) + len(sep)
            self._lines(head[:done], base, nl)
        if done < run:
            region = head[done:run]
            simple = simple_run(region, nl, lazy=self._batch is not None)
            if simple is None:
                self._blocks(region, base + done, nl)
            else:
                self._emit_run(simple, base + done, nl)
        if run < len(head):
            self._lines(head[run:], base + run, nl)  # the start of the next event

    def _emit_run(self, run: SimpleRun, base: int, nl: bytes) -> None:
        # Each block is b"data:" [b" "] value nl nl: dispatch as "message" with the id
        # and retry in force (a run has no id or retry lines: they stay constant).
        values, sizes, prefix = run
        self.line_endings[_EOL_NAMES[nl]] += 2 * len(values)
        self.last_event_id = last_id = self._id_buffer
        step = prefix + 2 * len(nl)  # a block's bytes besides its value
        if self._batch is not None:  # columns: what came before, then the run
            self._batch._extend(self._out)
            self._out.clear()
            crlf = len(nl) - 1
            self._batch._add_run(values, sizes, base, step, crlf, last_id, self.retry)
            return
        # bounds[i]: where block i starts; the last one is just past the region
        bounds = list(accumulate(map(add, sizes(), repeat(step)), initial=base))
        # end: just past the first byte of the blank line's line end (LF, or CR)
        ends: Iterator[int] = islice(bounds, 1, None)
        if nl != b"\n":
            ends = map(sub, ends, repeat(1))
        # zip stops with the values: bounds has one more item than there are blocks
        rows = zip(
            repeat("message"), values, repeat(last_id), repeat(self.retry), bounds, ends
        )
        self._out += map(new_tuple, repeat(Event), rows)

    def _blocks(self, region: bytes, base: int, nl: bytes) -> None:
        """Event by event: a plain block at once, anything else line by line."""
        self.line_endings[_EOL_NAMES[nl]] += region.count(nl)
        sep, offset = nl + nl, base
        blocks = region.split(sep)
        # b"" when the region ends with a separator; b"\n" when it ends with an odd
        # run of LFs ("\n\n\n" splits as separator + one blank line)
        rest = blocks.pop()
        for block in blocks:
            end = offset + len(block) + len(nl) + 1  # just past the blank line's CR/LF
            plain = plain_block(block, nl) if self._block_start is None else None
            if plain is None:
                self._each_line(block + sep, offset, nl)
            else:
                self._apply(plain, offset, end)
            offset = end + len(nl) - 1
        if rest:
            self._each_line(rest, offset, nl)

    def _apply(self, block: PlainBlock, start: int, end: int) -> None:
        # The fields as _line would set them, then _dispatch at the blank line.
        data, kind, ident, retry, comments = block
        if comments:
            self._out += [new_comment(text, start + pos) for text, pos in comments]
        if ident is not None:
            self._id_buffer = ident
        if retry is not None:
            self.retry = retry
        self.last_event_id = last_id = self._id_buffer
        if data:
            text = "\n".join(data)
            event = new_event(kind or "message", text, last_id, self.retry, start, end)
            self._out.append(event)

    def _lines(self, lines: bytes, base: int, nl: bytes) -> None:
        """Each line of ``lines`` (which ends with ``nl``) through the exact path."""
        self.line_endings[_EOL_NAMES[nl]] += lines.count(nl)
        self._each_line(lines, base, nl)

    def _each_line(self, lines: bytes, base: int, nl: bytes) -> None:
        offset = base
        for raw in lines.split(nl)[:-1]:
            self._line(raw, offset, nl)
            offset += len(raw) + len(nl)
