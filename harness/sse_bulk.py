"""The SSE parser's bulk path: runs of ``data:``-only events at C speed.

Pure (standard library only). ``harness.sse`` calls ``simple_run`` on a *region*:
complete lines that all end in the same ``nl`` (b"\\n" or b"\\r\\n"), starting where an
event starts and ending with a blank line. Split at ``nl + nl``, a region falls into
blocks; the lines of each block followed by one blank line are exactly the region's
lines, so each block is one event, or a data-less block that dispatches nothing.

``simple_run`` recognises the common case, where every block is one ``data:`` line,
with one split, one count and one decode, and returns None for anything else (the
parser then takes the exact path for that region).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import fields
from itertools import repeat
from typing import Any, TypeVar

T = TypeVar("T")
#: (values, their sizes in bytes, length of b"data:" plus the optional space)
SimpleRun = tuple[list[str], list[int], int]

_DATA = b"data:"
_DATA_SPACE = b"data: "


def simple_run(region: bytes, nl: bytes) -> SimpleRun | None:
    """(values, their byte sizes, prefix size) if every block is one ``data:`` line.

    None if any block has another field, a comment, more than one line or is empty,
    if the blocks disagree about the one space after ``data:`` ("If value starts with a
    U+0020 SPACE character, remove it from value"), or if the region is not UTF-8.
    """
    prefix = _DATA_SPACE if region.startswith(_DATA_SPACE) else _DATA
    if not region.startswith(prefix):
        return None
    sep = nl + nl
    cut = len(prefix)
    body = region[cut : -len(sep)]
    pieces = body.split(sep + prefix)
    # Only the separators' line ends: no block has a second line, and no separator
    # was missed (every block starts with the prefix).
    if body.count(nl) != 2 * (len(pieces) - 1):
        return None
    if prefix is _DATA and (sep + _DATA_SPACE) in region:
        return None  # "data:x" and "data: y" mixed: the exact path strips per line
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if len(text) == len(body):  # ASCII: one character per byte
        values = text.split((sep + prefix).decode())
        return values, list(map(len, values)), cut
    return list(map(bytes.decode, pieces)), list(map(len, pieces)), cut


def builder(cls: type[T]) -> Callable[[Iterable[Iterable[Any]], int], list[T]]:
    """A function making ``count`` instances of the slotted dataclass ``cls`` at once.

    ``make(columns, count)`` equals ``[cls(*row) for row in zip(*columns)]`` at half
    the cost: a frozen dataclass ``__init__`` calls ``object.__setattr__`` in Python
    once per field, while this sets one slot of every instance with one C-level map.
    """
    setters = [getattr(cls, f.name).__set__ for f in fields(cls)]  # type: ignore[arg-type]
    new = object.__new__

    def make(columns: Iterable[Iterable[Any]], count: int) -> list[T]:
        objects: list[T] = list(map(new, repeat(cls, count)))
        for setter, values in zip(setters, columns, strict=True):
            deque(map(setter, objects, values), maxlen=0)
        return objects

    return make
