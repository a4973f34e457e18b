"""LAT — latency and buffering, judged against the mock's actual write times.

Every threshold is relative to a baseline the run measures itself: the harness client
reading the mock directly (harness.gate.run calibrates ``Context.budget_ns`` from it).
The budget is clamped to [BUDGET_FLOOR_MS, BUDGET_CAP_MS]: a token that arrives later
than the cap (a second) was held back by something, however noisy the machine.
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING

from harness.checks.common import MS, answer, is_stream, lag_metrics, lags
from harness.checks.model import Check, Level, Verdict, failed, measured, verdict

if TYPE_CHECKING:
    from collections.abc import Mapping

    from harness.checks.model import Context
    from harness.probe.evidence import Evidence

BUDGET_FLOOR_MS = 250
BUDGET_CAP_MS = 1000
#: two tokens written >= 50 ms apart that arrive < 5 ms apart were delivered together
BURST_WRITE_GAP_MS = 50
BURST_ARRIVAL_GAP_MS = 5
#: a few merged pairs are scheduler noise; more than this share is batching
BURST_SHARE = 0.25
BURST_MIN_PAIRS = 3
#: large events may take transfer time on top of the budget (bytes per ms)
TRANSFER_BYTES_PER_MS = 10_000


def budget_from_baseline(p99_ms: float) -> int:
    """The per-token latency budget, in ns, from the direct baseline's p99 lag."""
    ms = min(max(BUDGET_FLOOR_MS, 100 + 4 * p99_ms), BUDGET_CAP_MS)
    return int(ms * MS)


def _budget(ctx: Context) -> int:
    """The budget plus what the layer holds by design: only the rest is the proxy's."""
    return ctx.budget_ns + ctx.hold_ns


def _why(ctx: Context) -> str:
    return f" ({ctx.layer_note})" if ctx.layer_note else ""


def first_token(ev: Mapping[str, Evidence], ctx: Context) -> Verdict:
    e = ev["lat"]
    found = lags(e)
    if not is_stream(e) or not found:
        return failed(f"no token could be timed: {answer(e)}")
    lag = found[0].lag_ns
    return verdict(
        lag <= _budget(ctx),
        f"first token {lag / MS:.1f} ms after upstream wrote it",
        f"first token arrived {lag / MS:.0f} ms after upstream wrote it; budget "
        f"{_budget(ctx) / MS:.0f} ms{_why(ctx)}",
        first_token_lag_ms=round(lag / MS, 2),
        budget_ms=round(_budget(ctx) / MS, 1),
    )


def no_batching(ev: Mapping[str, Evidence], ctx: Context) -> Verdict:
    e = ev["lat"]
    found = lags(e)
    if not is_stream(e) or len(found) < 2:
        return failed(f"too few tokens to time ({len(found)}): {answer(e)}")
    metrics = lag_metrics(found, ctx.baseline)
    worst = max(found, key=lambda lag: lag.lag_ns)
    pairs = merged = 0
    apart = BURST_WRITE_GAP_MS * MS + ctx.hold_ns
    for a, b in itertools.pairwise(found):
        if (b.written_ns - a.written_ns) >= apart:
            pairs += 1
            merged += (b.arrived_ns - a.arrived_ns) < BURST_ARRIVAL_GAP_MS * MS
    bursty = merged > max(BURST_MIN_PAIRS, BURST_SHARE * pairs)
    late = worst.lag_ns > _budget(ctx)
    metrics |= {
        "merged_pairs": merged,
        "pairs": pairs,
        "budget_ms": round(_budget(ctx) / MS, 1),
    }
    if not late and not bursty and len(found) == len(e.expected.tokens):
        return Verdict(
            True, f"{len(found)} tokens, worst lag {worst.lag_ns / MS:.1f} ms", metrics
        )
    problems = []
    if len(found) < len(e.expected.tokens):
        problems.append(f"only {len(found)} of {len(e.expected.tokens)} tokens arrived")
    if late:
        problems.append(
            f"token {worst.index} arrived {worst.lag_ns / MS:.0f} ms after upstream wrote it "
            f"(budget {_budget(ctx) / MS:.0f} ms)"
        )
    if bursty:
        problems.append(
            f"{merged} of {pairs} token pairs written >= {apart / MS:.0f} ms apart arrived together"
        )
    return Verdict(False, "; ".join(problems) + _why(ctx), metrics)


def size_sweep(ev: Mapping[str, Evidence], ctx: Context) -> Verdict:
    e = ev["sizes"]
    found = lags(e)
    if not is_stream(e) or not found:
        return failed(f"no event could be timed: {answer(e)}")
    late = [
        lag
        for lag in found
        if lag.lag_ns > _budget(ctx) + lag.size // TRANSFER_BYTES_PER_MS * MS
    ]
    missing = len(e.expected.tokens) - len(found)
    ok = not late and not missing
    detail = (
        f"{len(found)} events from {min(x.size for x in found)} B to "
        f"{max(x.size for x in found)} B each within budget"
        if ok
        else "; ".join(
            [f"{missing} events never timed (text differs or missing)"] * bool(missing)
            + [f"{lag.size} B event {lag.lag_ns / MS:.0f} ms late" for lag in late[:4]]
        )
        + _why(ctx)
    )
    return Verdict(ok, detail, {"events": len(found)})


def overhead(ev: Mapping[str, Evidence], ctx: Context) -> Verdict:
    e = ev["lat"]
    found = lags(e)
    metrics = lag_metrics(found, ctx.baseline)
    first = e.transcript.tokens[0].t_ns if e.transcript.tokens else None
    if first is not None:
        metrics["ttft_ms"] = round((first - e.obs.sent_ns) / MS, 2)
    written = _first_write(e)
    if written is not None:
        metrics["first_write_ms"] = round((written - e.obs.sent_ns) / MS, 2)
    for key in ("ttft_ms", "first_write_ms"):
        if key in ctx.baseline:
            metrics[f"baseline_{key}"] = ctx.baseline[key]
    if not found and first is None:
        return measured(f"nothing to measure: {answer(e)}")
    parts = []
    if found:
        parts.append(
            f"per-token lag through the proxy p50 {metrics['lag_p50_ms']} ms, p99 "
            f"{metrics['lag_p99_ms']} ms (direct-to-mock baseline p50 "
            f"{_shown(ctx.baseline, 'lag_p50_ms')}, p99 "
            f"{_shown(ctx.baseline, 'lag_p99_ms')})"
        )
    if first is not None:
        parts.append(
            f"TTFT {metrics['ttft_ms']} ms, upstream wrote it at "
            f"{metrics.get('first_write_ms', 'an unknown time')} ms (direct baseline: "
            f"TTFT {_shown(ctx.baseline, 'ttft_ms')}, written at "
            f"{_shown(ctx.baseline, 'first_write_ms')})"
        )
    return measured("; ".join(parts), **metrics)


def _first_write(e: Evidence) -> int | None:
    """When upstream wrote the line of its first token (client clock)."""
    if not e.exchanges or not e.expected.lines:
        return None
    return e.exchanges[-1].line_written_ns(e.expected.lines[0])


def _shown(baseline: Mapping[str, float], key: str) -> str:
    return f"{baseline[key]} ms" if key in baseline else "not measured"


CHECKS = (
    Check(
        "LAT-FIRST-TOKEN",
        Level.MUST,
        "the first token reaches the client within the calibrated budget",
        "the Next.js SSE route-handler article: first token < 300 ms vs ~8 s blocking",
        ("lat",),
        first_token,
    ),
    Check(
        "LAT-NO-BATCHING",
        Level.MUST,
        "tokens 60 ms apart arrive one by one, each within budget",
        "nginx 4-8 KiB buffers; timers that batch",
        ("lat",),
        no_batching,
    ),
    Check(
        "LAT-SIZE-SWEEP",
        Level.SHOULD,
        "events of 1 B … 1 MiB around 1/4/8/16 KiB boundaries each arrive within budget",
        "buffer-size boundaries",
        ("sizes",),
        size_sweep,
    ),
    Check(
        "LAT-OVERHEAD",
        Level.INFO,
        "per-token lag p50/p99 through the proxy beside the direct baseline's, TTFT "
        "beside the direct baseline's (side by side, never a difference of "
        "percentiles)",
        "benchmark",
        ("lat",),
        overhead,
    ),
)
