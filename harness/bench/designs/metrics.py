"""Benchmark figures from stamped client reads and the mock's write times (pure).

Definitions (shared/reference/latency-and-plugins.md, after AIPerf): every read is
stamped with ``perf_counter_ns`` the moment it returns, and whatever it carried shares
that stamp.

- **TTFT**: first token's read stamp minus the moment the request was sent.
- **Upstream tokens** are the tokens the mock generated (the NDJSON lines' contents,
  ``reference``). A design may regroup them (one event for the whole text when it
  blocks, several per event when it batches), so a client token is mapped back to
  upstream tokens by text: upstream token *j* has *arrived* with the read whose
  cumulative text first covers the end of token *j*.
- **Lag** of upstream token *j*: its arrival minus the mock's logged write of line *j*.
- **ITL added** (in rows): lag percentile minus the direct-to-mock baseline's lag
  percentile at the same concurrency, measured in the same run.
- **ICL**, inter-chunk latency: gaps between consecutive reads that delivered tokens.
- **Tokens per read**: upstream tokens delivered by each token-carrying read
  (burstiness; ≈ 1 when every token travels on its own).
- **Stall**: a stream with a gap of more than STALL_MS between token-carrying reads.
- **Streamed**: a stream whose first token arrived before the mock wrote its last
  token line (buffered or blocking answers arrive after it).
"""

from __future__ import annotations

import itertools
import math
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

STALL_MS = 1000.0
NS_PER_MS = 1_000_000


@dataclass(frozen=True, slots=True)
class StreamRecord:
    """What one client saw of one stream (built by the engines, picklable)."""

    req: str
    sent_ns: int
    head_ns: int | None
    #: (read stamp, token text) for every token the client decoded, in order
    tokens: tuple[tuple[int, str], ...]
    done: bool
    error: str
    #: bytes received for this stream: head, framing and body
    wire_bytes: int

    @property
    def completed(self) -> bool:
        return self.done and not self.error


@dataclass(frozen=True, slots=True)
class Pct:
    p50: float | None
    p99: float | None

    def to_json(self) -> dict[str, float | None]:
        return {"p50": _round(self.p50), "p99": _round(self.p99)}

    def minus(self, other: Pct) -> Pct:
        return Pct(_sub(self.p50, other.p50), _sub(self.p99, other.p99))


@dataclass(frozen=True, slots=True)
class CellStats:
    """Figures of one design x layer x concurrency cell (or a baseline cell)."""

    streams: int
    completed: int
    errors: int
    stalls: int
    streamed: int
    ttft_ms: Pct
    first_write_lag_ms: Pct
    lag_ms: Pct
    icl_ms: Pct
    tokens_per_read_mean: float | None
    tokens_per_read_max: int | None
    bytes_per_token: float | None
    #: up to three distinct error texts, as examples
    error_examples: tuple[str, ...] = ()


def percentile(values: Sequence[float], q: float) -> float | None:
    """The q-th percentile (0..100), linear between closest ranks; None when empty."""
    if not values:
        return None
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100.0
    low = math.floor(pos)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


def pct(values: Sequence[float]) -> Pct:
    return Pct(percentile(values, 50), percentile(values, 99))


def arrivals(
    tokens: Sequence[tuple[int, str]], reference: Sequence[str]
) -> list[int | None]:
    """Arrival stamp of each upstream token (None: never arrived), matched by text."""
    out: list[int | None] = []
    ends = _cumulative([len(text) for text in reference])
    got = _cumulative([len(text) for _, text in tokens])
    i = 0
    for end in ends:
        while i < len(got) and got[i] < end:
            i += 1
        out.append(tokens[i][0] if i < len(got) else None)
    return out


def _cumulative(sizes: Sequence[int]) -> list[int]:
    total, out = 0, []
    for size in sizes:
        total += size
        out.append(total)
    return out


def stream_lags(
    arrived: Sequence[int | None], written: Sequence[int | None]
) -> list[float]:
    """Per upstream token: arrival minus the mock's write, in ms (both known)."""
    return [
        (a - w) / NS_PER_MS
        for a, w in zip(arrived, written, strict=False)
        if a is not None and w is not None
    ]


def read_groups(arrived: Sequence[int | None]) -> list[tuple[int, int]]:
    """(read stamp, upstream tokens it delivered) for each token-carrying read."""
    counts = Counter(a for a in arrived if a is not None)
    return sorted(counts.items())


def cell_stats(
    records: Sequence[StreamRecord],
    reference: Sequence[str],
    writes: Mapping[str, Sequence[int | None]],
) -> CellStats:
    """Figures of one cell; ``writes[req]``: the mock's write time per upstream token."""
    ttft, first_lag, lags, icl, per_read = [], [], [], [], []
    stalls = streamed = 0
    wire = tokens_total = 0
    for rec in records:
        arrived = arrivals(rec.tokens, reference)
        written = writes.get(rec.req, ())
        if rec.tokens:
            ttft.append((rec.tokens[0][0] - rec.sent_ns) / NS_PER_MS)
        lag = stream_lags(arrived, written)
        lags += lag
        if lag and arrived and arrived[0] is not None:
            first_lag.append(lag[0])
        groups = read_groups(arrived)
        per_read += [n for _, n in groups]
        gaps = [(b[0] - a[0]) / NS_PER_MS for a, b in itertools.pairwise(groups)]
        icl += gaps
        stalls += any(g > STALL_MS for g in gaps)
        last_written = next((w for w in reversed(written) if w is not None), None)
        if rec.tokens and last_written is not None and rec.tokens[0][0] < last_written:
            streamed += 1
        wire += rec.wire_bytes
        tokens_total += sum(a is not None for a in arrived)
    return CellStats(
        streams=len(records),
        completed=sum(r.completed for r in records),
        errors=sum(bool(r.error) for r in records),
        stalls=stalls,
        streamed=streamed,
        ttft_ms=pct(ttft),
        first_write_lag_ms=pct(first_lag),
        lag_ms=pct(lags),
        icl_ms=pct(icl),
        tokens_per_read_mean=sum(per_read) / len(per_read) if per_read else None,
        tokens_per_read_max=max(per_read) if per_read else None,
        bytes_per_token=wire / tokens_total if tokens_total else None,
        error_examples=tuple(dict.fromkeys(r.error for r in records if r.error))[:3],
    )


def scheduled_writes(
    received_ns: int, offsets_ns: Sequence[int | None]
) -> list[int | None]:
    """When the mock generated each token for a request it answered all at once
    (``stream: false``): its receive time plus the baseline's per-token offsets."""
    return [None if off is None else received_ns + off for off in offsets_ns]


def median_offsets(per_stream: Sequence[Sequence[int | None]]) -> list[int | None]:
    """Per token index, the median offset over the baseline's streams."""
    width = max((len(s) for s in per_stream), default=0)
    out: list[int | None] = []
    for j in range(width):
        values = [s[j] for s in per_stream if j < len(s) and s[j] is not None]
        med = percentile([float(v) for v in values if v is not None], 50)
        out.append(None if med is None else int(med))
    return out


def _sub(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None else a - b


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 3)
