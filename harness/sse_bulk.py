"""The SSE parser's bulk path: whole events at a time, data-only runs at C speed.

Pure (standard library only). ``harness.sse`` calls ``simple_run`` on a *region*:
complete lines that all end in the same ``nl`` (b"\\n" or b"\\r\\n"), starting where an
event starts and ending with a blank line. Split at ``nl + nl``, a region falls into
blocks; the lines of each block followed by one blank line are exactly the region's
lines, so each block is one event, or a data-less block that dispatches nothing.

``simple_run`` recognises the common case, where every block is one ``data:`` line,
with one split and one count (ASCII text is decoded at once, anything else piece by
piece, so that the byte sizes come from the pieces), and returns None for anything
else; the parser then takes the region block by block, with ``plain_block`` for blocks
that need no lint finding, and the exact path for the rest.
"""

from __future__ import annotations

from collections.abc import Iterator

#: (values, their sizes in bytes, length of b"data:" plus the optional space)
SimpleRun = tuple[list[str], Iterator[int], int]
#: (data lines, event type, id, retry, comments as (text, byte offset in the block))
PlainBlock = tuple[list[str], str | None, str | None, int | None, list[tuple[str, int]]]

_DATA = b"data:"
_DATA_SPACE = b"data: "


def simple_run(region: bytes, nl: bytes) -> SimpleRun | None:
    """(values, their byte sizes, prefix size) if every block is one ``data:`` line.

    None if any block has another field, a comment, more than one line or is empty,
    if the blocks disagree about the one space after ``data:`` ("If value starts with a
    U+0020 SPACE character, remove it from value"), or if the region is not UTF-8.
    The sizes are a one-shot iterator.
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
    if body.isascii():  # one character per byte: split the text, sizes are lengths
        values = body.decode("ascii").split(split.decode("ascii"))
        sizes: Iterator[int] = map(len, values)
    else:  # split the bytes: sizes from the pieces, each piece decoded on its own
        pieces = body.split(split)
        try:
            values = list(map(bytes.decode, pieces))
        except UnicodeDecodeError:
            return None
        sizes = map(len, pieces)
    # Only the separators' line ends: no block has a second line, and no separator
    # was missed (every block starts with the prefix).
    if body.count(nl) != 2 * (len(values) - 1):
        return None
    return values, sizes, cut


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
