"""Events as columns: what ``SSEParser.feed_batch()`` returns.

Pure (standard library only). Re-exported by ``harness.sse``; import from there.

A reader of hundreds of streams mostly wants each event's data. ``feed()`` builds one
``Event`` per event; ``feed_batch()`` fills lists instead: for a run of one-line
``data:`` events the bulk path hands its split straight over as ``data``, and the
columns that hold one value for the whole run are built with ``[value] * n``. Events
from the exact path (and the odd plain block) arrive as ``Event`` objects and are
transposed into the columns.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from itertools import accumulate, islice, repeat
from operator import add, sub

from harness.sse.events import Comment, Event, new_tuple

#: offsets the batch computes when asked: (rows with their own offsets before the run,
#: start of its first block, bytes per block besides the value, 0 for LF or 1 for
#: CRLF, the values' sizes in bytes)
Deferred = tuple[int, int, int, int, Callable[[], Iterator[int]]]


class EventBatch:
    """The events and comments of one ``feed_batch()`` call, as parallel lists.

    Row ``i`` is the ``i``-th event ``feed()`` would have returned for the same bytes:
    ``data[i]``, ``types[i]``, ``last_event_ids[i]``, ``retries[i]``, ``starts[i]``
    and ``ends[i]`` are its fields. Every column is a list with one entry per event,
    ``types`` too (``"message"`` repeated: no shared scalar to special-case).
    ``len(batch)`` is the number of events.

    Comments are kept apart: ``comments[j]`` is a ``Comment`` and ``comment_at[j]``
    the number of this batch's events that ``feed()`` returns before it, so
    ``events()`` rebuilds the exact interleaving.

    ``starts`` and ``ends`` are computed on first access where the bulk path took a
    run of events (its raw bytes are kept until then): a reader that only wants the
    data never pays for offsets. The lists belong to the batch: read, don't resize.
    """

    __slots__ = (
        "_deferred",
        "_ends",
        "_starts",
        "comment_at",
        "comments",
        "data",
        "last_event_ids",
        "retries",
        "types",
    )

    def __init__(self) -> None:
        self.data: list[str] = []
        self.types: list[str] = []
        self.last_event_ids: list[str] = []
        self.retries: list[int | None] = []
        self.comments: list[Comment] = []
        self.comment_at: list[int] = []
        self._starts: list[int] = []
        self._ends: list[int] = []
        self._deferred: list[Deferred] = []

    def __len__(self) -> int:
        return len(self.data)

    def __repr__(self) -> str:
        return f"<EventBatch: {len(self.data)} events, {len(self.comments)} comments>"

    @property
    def starts(self) -> list[int]:
        """Stream offset where each event's first line began (``Event.start``)."""
        if self._deferred:
            self._resolve()
        return self._starts

    @property
    def ends(self) -> list[int]:
        """Stream offset just past the byte that dispatched each event (``Event.end``)."""
        if self._deferred:
            self._resolve()
        return self._ends

    def events(self) -> list[Event | Comment]:
        """Exactly the list ``feed()`` would have returned: ``Event``s and comments."""
        columns = zip(
            self.types,
            self.data,
            self.last_event_ids,
            self.retries,
            self.starts,
            self.ends,
            strict=True,
        )
        rows: Iterator[Event] = map(new_tuple, repeat(Event), columns)
        out: list[Event | Comment] = []
        done = 0
        for comment, at in zip(self.comments, self.comment_at, strict=True):
            out += islice(rows, at - done)
            out.append(comment)
            done = at
        out += rows
        return out

    # -- filled by the parser ---------------------------------------------------------

    def _extend(self, items: Iterable[Event | Comment]) -> None:
        """Transpose events and comments from the exact path into the columns."""
        for item in items:
            if type(item) is Event:
                self.types.append(item.type)
                self.data.append(item.data)
                self.last_event_ids.append(item.last_event_id)
                self.retries.append(item.retry)
                self._starts.append(item.start)
                self._ends.append(item.end)
            else:
                assert isinstance(item, Comment)
                self.comments.append(item)
                self.comment_at.append(len(self.data))

    def _add_run(
        self,
        values: list[str],
        sizes: Callable[[], Iterator[int]],
        base: int,
        step: int,
        crlf: int,
        last_event_id: str,
        retry: int | None,
    ) -> None:
        """A run of ``data:`` events of type "message", one per value; ``sizes()``
        gives each value's size in bytes, ``base`` where the first block starts."""
        count = len(values)
        if self.data:
            self.data += values
        else:
            self.data = values  # the run's own list: no copy
        self.types += ["message"] * count
        self.last_event_ids += [last_event_id] * count
        self.retries += [retry] * count
        self._deferred.append((len(self._starts), base, step, crlf, sizes))

    def _resolve(self) -> None:
        # Block i of a run starts where block i-1 did plus its value and ``step``;
        # the event ends just past the blank line's LF (or its CR, with CRLF).
        starts: list[int] = []
        ends: list[int] = []
        done = 0
        for before, base, step, crlf, sizes in self._deferred:
            starts += self._starts[done:before]
            ends += self._ends[done:before]
            done = before
            bounds = list(accumulate(map(add, sizes(), repeat(step)), initial=base))
            ends += map(sub, islice(bounds, 1, None), repeat(crlf))
            del bounds[-1]
            starts += bounds
        starts += self._starts[done:]
        ends += self._ends[done:]
        self._starts, self._ends, self._deferred = starts, ends, []
