"""What the mock upstream saw and wrote, as reported by its control endpoint.

Pure: parses the JSON of ``GET /_mock/exchanges`` into frozen records. Times are the
mock's ``perf_counter_ns`` (CLOCK_MONOTONIC), comparable with the client's stamps.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Write:
    t_ns: int
    offset: int
    size: int
    line: int


@dataclass(frozen=True, slots=True)
class Line:
    index: int
    offset: int
    size: int


@dataclass(frozen=True, slots=True)
class Exchange:
    id: int
    req: str | None
    method: str
    path: str
    scenario: str | None
    received_ns: int
    status: int
    head_ns: int | None
    writes: tuple[Write, ...]
    lines: tuple[Line, ...]
    end: str
    client_gone_ns: int | None
    closed_ns: int | None

    def line_written_ns(self, index: int) -> int | None:
        """When the last byte of NDJSON line ``index`` was handed to the transport."""
        if index >= len(self.lines):
            return None
        line = self.lines[index]
        stop = line.offset + line.size
        for write in self.writes:
            if write.offset + write.size >= stop:
                return write.t_ns
        return None

    @property
    def first_write_ns(self) -> int | None:
        return self.writes[0].t_ns if self.writes else None


def _int_or_none(value: Any) -> int | None:
    return int(value) if isinstance(value, int) else None


def parse_exchange(raw: dict[str, Any]) -> Exchange:
    return Exchange(
        id=int(raw["id"]),
        req=raw.get("req"),
        method=str(raw.get("method", "")),
        path=str(raw.get("path", "")),
        scenario=raw.get("scenario"),
        received_ns=int(raw.get("received_ns", 0)),
        status=int(raw.get("status", 0)),
        head_ns=_int_or_none(raw.get("head_ns")),
        writes=tuple(
            Write(
                int(w["t_ns"]), int(w["offset"]), int(w["size"]), int(w.get("line", -1))
            )
            for w in raw.get("writes", ())
        ),
        lines=tuple(
            Line(int(x["index"]), int(x["offset"]), int(x["size"]))
            for x in raw.get("lines", ())
        ),
        end=str(raw.get("end", "")),
        client_gone_ns=_int_or_none(raw.get("client_gone_ns")),
        closed_ns=_int_or_none(raw.get("closed_ns")),
    )
