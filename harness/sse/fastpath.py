"""The parser's fast path: a run of one-line ``data:`` events, one split and a loop.

Pure (standard library only). A *region* is complete lines, all ended by one ``nl``
(b"\\n" or b"\\r\\n"), from where an event starts to just past a blank line. Split at
``nl + nl``, it falls into blocks, each followed by one blank line. ``simple_run``
recognises the common case, where every block is one ``data:`` line with the same
prefix, with one split and one count, and returns None for anything else (the
interpreter then takes the region line by line). For such a block §9.2.6 reads:

- "If the field name is "data" -> Append the field value to the data buffer, then
  append a single U+000A LINE FEED (LF) character to the data buffer." and, at the
  blank line, "If the data buffer's last character is a U+000A LINE FEED (LF)
  character, then remove the last character": the event's data is the value.
- No ``event`` line: "Initialize event's type attribute to "message""; no ``id``
  line: the last event ID string stays what it was; no ``retry`` line: the same.

So each block is ``Event("message", value, last_id, retry, start, end)``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from harness.sse.events import Event

if TYPE_CHECKING:
    from harness.sse.events import Comment

#: (the values, their sizes in bytes or None when they are ASCII (a byte a character),
#: length of b"data:" plus the optional space)
SimpleRun = tuple[list[str], "list[int] | None", int]

_DATA = b"data:"
_DATA_SPACE = b"data: "
_SPLIT = {
    (b"\n", _DATA): "\n\ndata:",
    (b"\n", _DATA_SPACE): "\n\ndata: ",
    (b"\r\n", _DATA): "\r\n\r\ndata:",
    (b"\r\n", _DATA_SPACE): "\r\n\r\ndata: ",
}


def simple_run(region: bytes, nl: bytes, count: int) -> SimpleRun | None:
    """(values, their byte sizes, prefix size) if every block is one ``data:`` line.

    ``count``: how many line ends ``nl`` the region holds (the splitter counted them).

    None if any block has another field, a comment, more than one line or is empty,
    if the blocks disagree about the one space after ``data:`` ("If value starts
    with a U+0020 SPACE character, remove it from value"), or if a value is not UTF-8
    (the exact path replaces and reports it).
    """
    prefix = _DATA_SPACE if region.startswith(_DATA_SPACE) else _DATA
    if not region.startswith(prefix):
        return None
    sep = nl + nl
    cut = len(prefix)
    body = region[cut : -len(sep)]
    if prefix == _DATA and (sep + _DATA_SPACE) in region:
        return None  # "data:x" and "data: y" mixed: the exact path strips per line
    sizes: list[int] | None = None
    if body.isascii():  # a character per byte: the text splits alike
        values = body.decode("ascii").split(_SPLIT[nl, prefix])
    else:  # split the bytes: sizes from the pieces, each piece decoded on its own
        pieces = body.split(sep + prefix)
        try:
            values = [piece.decode() for piece in pieces]
        except UnicodeDecodeError:
            return None
        sizes = [len(piece) for piece in pieces]
    # Only the blocks' line ends: no block has a second line, and no separator was
    # missed (every block starts with the prefix).
    if count != 2 * len(values):
        return None
    return values, sizes, cut


def run_events(
    run: SimpleRun,
    base: int,
    nl: bytes,
    last_id: str,
    retry: int | None,
    out: list[Event | Comment],
) -> None:
    """Append the events of a simple run found at stream offset ``base`` to ``out``."""
    values, sizes, prefix = run
    step = prefix + 2 * len(nl)  # a block's bytes besides its value
    # end: just past the first byte of the blank line's line end (LF, or CR)
    back = len(nl) - 1
    start = base
    if sizes is None:
        for value in values:
            stop = start + len(value) + step
            out.append(Event("message", value, last_id, retry, start, stop - back))
            start = stop
        return
    for i in range(len(values)):
        stop = start + sizes[i] + step
        out.append(Event("message", values[i], last_id, retry, start, stop - back))
        start = stop
