"""The exchange log: what the mock saw and wrote, as a bounded ring.

Pure: standard library only (``threading`` for the lock; no sockets or clocks).

Memory is bounded twice (scenarios/README.md, "Control endpoint"):

* at most ``capacity`` exchanges are kept (``mock-ollama serve --exchange-log N``,
  default ``DEFAULT_CAPACITY``); the oldest is forgotten first;
* at most ``write_budget`` write records are kept over all of them (default
  ``DEFAULT_WRITE_BUDGET``, 32 bytes each in an ``array``: 32 MiB). When a new request
  arrives with less than a tenth of the budget left, the oldest exchanges are forgotten
  until it is back; a stream that still finds the budget empty keeps counting its writes
  (``writes_dropped``) without storing them.

So the log stays under about ``capacity`` x 1 KiB + ``write_budget`` x 32 B (~33 MiB by
default), whatever the traffic.
"""

from __future__ import annotations

import json
import threading
from array import array
from collections import deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Iterator

    from mock_ollama.replay.schedule import LineSpan

DEFAULT_CAPACITY = 1000
#: ends after which an exchange never changes
FINAL = ("complete", "cut", "client-gone", "error")
DEFAULT_WRITE_BUDGET = 1 << 20


@dataclass(slots=True)
class _Budget:
    total: int
    left: int


@dataclass(slots=True)
class Exchange:
    """One request and what the mock did about it (``GET /_mock/exchanges`` lists them)."""

    id: int
    method: str
    path: str
    received_ns: int
    req: str | None = None
    scenario: str | None = None
    status: int = 0
    head_ns: int | None = None
    #: (t_ns, offset, size, line) per write, flattened
    flat_writes: array[int] = field(default_factory=lambda: array("q"))
    writes_dropped: int = 0
    lines: tuple[LineSpan, ...] = ()
    end: str = "running"
    client_gone_ns: int | None = None
    closed_ns: int | None = None
    budget: _Budget | None = None
    #: the JSON text of a finished exchange, by compact (it never changes again)
    cached: dict[bool, str] = field(default_factory=dict, repr=False, compare=False)

    def add_write(self, t_ns: int, offset: int, size: int, line: int) -> None:
        """Log one write (counted only, once the log's write budget is spent)."""
        if self.budget is not None:
            if self.budget.left <= 0:
                self.writes_dropped += 1
                return
            self.budget.left -= 1
        self.flat_writes.extend((t_ns, offset, size, line))

    @property
    def write_count(self) -> int:
        """Writes made so far (stored or dropped)."""
        return len(self.flat_writes) // 4 + self.writes_dropped

    @property
    def writes(self) -> list[tuple[int, int, int, int]]:
        """The stored writes as (t_ns, offset, size, line)."""
        w = self.flat_writes
        return [(w[i], w[i + 1], w[i + 2], w[i + 3]) for i in range(0, len(w), 4)]

    def json_text(self, *, compact: bool = False) -> str:
        """``to_json`` as JSON text, kept once the exchange has finished."""
        text = self.cached.get(compact)
        if text is None:
            text = json.dumps(self.to_json(compact=compact))
            if self.end in FINAL:
                self.cached[compact] = text
        return text

    def to_json(self, *, compact: bool = False) -> dict[str, Any]:
        """The JSON object ``GET /_mock/exchanges`` lists (compact: no writes/lines)."""
        out: dict[str, Any] = {
            "id": self.id,
            "req": self.req,
            "method": self.method,
            "path": self.path,
            "scenario": self.scenario,
            "received_ns": self.received_ns,
            "status": self.status,
            "head_ns": self.head_ns,
            "end": self.end,
            "client_gone_ns": self.client_gone_ns,
            "closed_ns": self.closed_ns,
            "write_count": self.write_count,
            "writes_dropped": self.writes_dropped,
        }
        if not compact:
            out["writes"] = [
                {"t_ns": t, "offset": o, "size": s, "line": n}
                for t, o, s, n in self.writes
            ]
            out["lines"] = [
                {"index": s.index, "offset": s.offset, "size": s.size}
                for s in self.lines
            ]
        return out


class ExchangeLog:
    """Thread-safe ring of exchanges, oldest first (``app.state.exchange_log``)."""

    def __init__(
        self,
        capacity: int = DEFAULT_CAPACITY,
        write_budget: int = DEFAULT_WRITE_BUDGET,
    ) -> None:
        if capacity < 1 or write_budget < 0:
            raise ValueError("capacity must be >= 1 and write_budget >= 0")
        self.capacity = capacity
        self._budget = _Budget(write_budget, write_budget)
        self._lock = threading.Lock()
        self._items: deque[Exchange] = deque()
        self._next = 1

    def start(self, method: str, path: str, received_ns: int) -> Exchange:
        """Open a new exchange (forgetting the oldest ones if the ring is full)."""
        with self._lock:
            ex = Exchange(self._next, method, path, received_ns, budget=self._budget)
            self._next += 1
            self._items.append(ex)
            low = self._budget.total // 10
            while len(self._items) > self.capacity or (
                self._budget.left < low and len(self._items) > 1
            ):
                self._forget(self._items.popleft())
            return ex

    def _forget(self, ex: Exchange) -> None:
        self._budget.left += len(ex.flat_writes) // 4
        ex.budget = None  # a stream still running writes on, unbudgeted and unlisted
        ex.flat_writes = array("q")
        ex.cached.clear()

    def select(self, req: str | None = None, last: int | None = None) -> list[Exchange]:
        """The exchanges (only those with ``req``; only the ``last`` N), oldest first."""
        with self._lock:
            items = [e for e in self._items if req is None or e.req == req]
        return items[-last:] if last else items

    def snapshot(
        self, req: str | None = None, *, compact: bool = False
    ) -> list[dict[str, Any]]:
        """JSON copies of the exchanges (only those with ``req`` when given)."""
        return [e.to_json(compact=compact) for e in self.select(req)]

    def exchanges(self) -> list[Exchange]:
        """The live exchange objects (for in-process callers)."""
        return self.select()

    def __iter__(self) -> Iterator[Exchange]:
        return iter(self.select())

    def __len__(self) -> int:
        with self._lock:
            return len(self._items)

    def clear(self) -> None:
        """Forget every exchange."""
        with self._lock:
            while self._items:
                self._forget(self._items.popleft())
