"""Small pure helpers shared by the judges."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from harness.probe.evidence import Evidence

MS = 1_000_000


def show(text: str, limit: int = 60) -> str:
    """A short, escaped rendering of ``text`` for one-line details."""
    shown = repr(text[:limit])
    return shown + ("…" if len(text) > limit else "")


def text_diff(expected: str, got: str) -> str:
    """Where two texts first differ, in one line."""
    if expected == got:
        return "identical"
    at = next(
        (i for i, (a, b) in enumerate(zip(expected, got, strict=False)) if a != b), None
    )
    if at is None:
        at = min(len(expected), len(got))
    return (
        f"differs at character {at} of {len(expected)}: expected {show(expected[at:], 30)}, "
        f"got {show(got[at:], 30)}"
    )


def is_stream(ev: Evidence) -> bool:
    """A 200 answer: its body is parsed as SSE whatever its Content-Type says, so a
    mislabeled but well-framed stream fails HDR-CONTENT-TYPE alone."""
    return ev.obs.status == 200


def answer(ev: Evidence) -> str:
    """What the client got, in one line."""
    return ev.obs.summary()


@dataclass(frozen=True, slots=True)
class Lag:
    index: int
    #: when upstream finished writing the token's line (mock clock)
    written_ns: int
    #: when the client had received the token's text
    arrived_ns: int
    size: int

    @property
    def lag_ns(self) -> int:
        return self.arrived_ns - self.written_ns


def lags(ev: Evidence) -> list[Lag]:
    """Per upstream token: write time (mock log) against arrival time (client reads).

    Tokens are matched by character offsets in the concatenated text, so a proxy that
    splits or merges tokens is still timed fairly. Only the prefix of text that matches
    upstream is timed.
    """
    if not ev.exchanges:
        return []
    exchange = ev.exchanges[-1]
    client = ev.transcript.tokens
    cumulative: list[tuple[int, int]] = []
    total = 0
    for reading in client:
        total += len(reading.text)
        cumulative.append((total, reading.t_ns))
    got = ev.transcript.text
    result: list[Lag] = []
    end = 0
    cursor = 0
    for index, (token, line) in enumerate(
        zip(ev.expected.tokens, ev.expected.lines, strict=True)
    ):
        end += len(token)
        if got[:end] != ev.expected.text[:end]:
            break
        written = exchange.line_written_ns(line)
        while cursor < len(cumulative) and cumulative[cursor][0] < end:
            cursor += 1
        if written is None or cursor >= len(cumulative):
            break
        result.append(Lag(index, written, cumulative[cursor][1], len(token.encode())))
    return result


def percentile(values: Sequence[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1))))
    return ordered[k]


def lag_metrics(
    found: Sequence[Lag], baseline: Mapping[str, float]
) -> dict[str, float | int]:
    ms = [lag.lag_ns / MS for lag in found]
    if not ms:
        return {}
    p50, p99 = statistics.median(ms), percentile(ms, 99)
    return {
        "tokens_timed": len(ms),
        "lag_p50_ms": round(p50, 2),
        "lag_p99_ms": round(p99, 2),
        "lag_max_ms": round(max(ms), 2),
        # side by side, never subtracted: a difference of percentiles is no
        # percentile of the difference (it can read as a p99 below the p50)
        **{
            f"baseline_{key}": baseline[key]
            for key in ("lag_p50_ms", "lag_p99_ms")
            if key in baseline
        },
    }
