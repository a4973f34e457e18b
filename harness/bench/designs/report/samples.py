"""Per-cell samples the HTML report plots (pure): lags, reads, one stream's timeline."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from harness.bench.designs.metrics import NS_PER_MS, arrivals, read_groups, stream_lags

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from harness.bench.designs.metrics import StreamRecord

#: at most this many lag values per cell go into the plots
MAX_SAMPLES = 5000


@dataclass(frozen=True, slots=True)
class Timeline:
    """One stream: per upstream token, ms since the request was sent."""

    written_ms: tuple[float | None, ...]
    arrived_ms: tuple[float | None, ...]


def lags_ms(
    records: Sequence[StreamRecord],
    reference: Sequence[str],
    writes: Mapping[str, Sequence[int | None]],
) -> list[float]:
    out: list[float] = []
    for rec in records:
        out += stream_lags(arrivals(rec.tokens, reference), writes.get(rec.req, ()))
    return _thin(out)


def tokens_per_read(
    records: Sequence[StreamRecord], reference: Sequence[str]
) -> list[int]:
    out: list[int] = []
    for rec in records:
        out += [n for _, n in read_groups(arrivals(rec.tokens, reference))]
    return out


def timeline(
    rec: StreamRecord, reference: Sequence[str], written: Sequence[int | None]
) -> Timeline:
    def rel(t: int | None) -> float | None:
        return None if t is None else (t - rec.sent_ns) / NS_PER_MS

    got = arrivals(rec.tokens, reference)
    return Timeline(tuple(rel(w) for w in written), tuple(rel(a) for a in got))


def _thin(values: list[float]) -> list[float]:
    if len(values) <= MAX_SAMPLES:
        return values
    step = len(values) / MAX_SAMPLES
    return [values[int(i * step)] for i in range(MAX_SAMPLES)]
