"""``bench.json``: the benchmark's figures (pure: a result in, a JSON document out).

Schema (stable: tools read it): ``{"designs": [{"name", "cmd", "url", "dialect", "loc"}],
"baseline": [{"concurrency", "lag_ms": {"p50", "p99"}}], "rows": [{"design", "layer",
"concurrency", "engine", "streams", "completed", "errors", "stalls", "ttft_ms",
"ttft_overhead_ms", "itl_added_ms", "tokens_per_read": {"mean", "max"},
"bytes_per_token", "streams_through_layer", "proxy_cpu_s_per_stream",
"proxy_peak_rss_mb"}]}``, plus a few more keys per row (``lag_ms``, ``icl_ms``,
``first_write_lag_ms``, ``works``, ``streamed``, ``processes``, ``realtime``) and run
metadata (``run.scheduling``: how the mock and the client processes were scheduled).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from harness.bench.designs.metrics import Pct

if TYPE_CHECKING:
    from harness.bench.designs.design import Design
    from harness.bench.designs.run import BenchCell, BenchResult

#: a stream "streams" when its first token came before the mock's last token line;
#: a layer passes the design's stream when every stream completed and most streamed
STREAMED_SHARE = 0.9


def works(cell: BenchCell) -> bool:
    s = cell.stats
    return s.streams > 0 and s.completed == s.streams and s.errors == 0


def streams_through(cell: BenchCell) -> bool:
    s = cell.stats
    return works(cell) and s.streamed >= STREAMED_SHARE * s.streams


def _baseline_for(result: BenchResult, concurrency: int) -> BenchCell | None:
    return next((b for b in result.baseline if b.concurrency == concurrency), None)


def _r(value: float | None, digits: int = 3) -> float | None:
    return None if value is None else round(value, digits)


def row(result: BenchResult, cell: BenchCell) -> dict[str, Any]:
    s = cell.stats
    base = _baseline_for(result, cell.concurrency)
    empty = Pct(None, None)
    per_stream = (
        cell.cpu_s / s.streams if cell.cpu_s is not None and s.streams else None
    )
    return {
        "design": cell.design,
        "layer": cell.layer,
        "concurrency": cell.concurrency,
        "engine": result.engine,
        "streams": s.streams,
        "completed": s.completed,
        "errors": s.errors,
        "stalls": s.stalls,
        "ttft_ms": s.ttft_ms.to_json(),
        "ttft_overhead_ms": s.ttft_ms.minus(
            base.stats.ttft_ms if base else empty
        ).to_json(),
        "itl_added_ms": s.lag_ms.minus(base.stats.lag_ms if base else empty).to_json(),
        "tokens_per_read": {
            "mean": _r(s.tokens_per_read_mean),
            "max": s.tokens_per_read_max,
        },
        "bytes_per_token": _r(s.bytes_per_token, 1),
        "streams_through_layer": streams_through(cell),
        "proxy_cpu_s_per_stream": _r(per_stream, 4),
        "proxy_peak_rss_mb": _r(cell.peak_rss / 2**20, 1) if cell.peak_rss else None,
        "works": works(cell),
        "streamed": s.streamed,
        "lag_ms": s.lag_ms.to_json(),
        "first_write_lag_ms": s.first_write_lag_ms.to_json(),
        "icl_ms": s.icl_ms.to_json(),
        "processes": cell.processes,
        "realtime": cell.realtime,
        "error_examples": list(s.error_examples),
    }


def design_entry(design: Design) -> dict[str, Any]:
    return {
        "name": design.name,
        "cmd": design.cmd,
        "url": design.url,
        "dialect": design.dialect,
        "loc": design.loc(),
    }


def to_document(result: BenchResult) -> dict[str, Any]:
    c = result.config
    return {
        "designs": [design_entry(d) for d in c.designs],
        "baseline": [
            {
                "concurrency": b.concurrency,
                "lag_ms": b.stats.lag_ms.to_json(),
                "ttft_ms": b.stats.ttft_ms.to_json(),
                "first_write_lag_ms": b.stats.first_write_lag_ms.to_json(),
                "tokens_per_read": {
                    "mean": _r(b.stats.tokens_per_read_mean),
                    "max": b.stats.tokens_per_read_max,
                },
                "streams": b.stats.streams,
                "completed": b.stats.completed,
                "processes": b.processes,
                "realtime": b.realtime,
            }
            for b in result.baseline
        ],
        "rows": [row(result, cell) for cell in result.cells],
        "run": {
            "profile": c.profile,
            "engine": result.engine,
            "layers": list(c.layers),
            "concurrency": list(c.concurrency),
            "scenario": c.scenario,
            "timing": c.timing,
            "repeat": c.repeat,
            "tokens_per_stream": len(result.reference),
            "started_at": result.started,
            "duration_s": round(result.duration_s, 2),
            "interrupted": result.interrupted,
            "error": result.error,
            "failures": list(result.failures),
            "lag_note": lag_note(result.engine),
            "scheduling": result.scheduling,
        },
    }


def lag_note(engine: str) -> str:
    if engine == "locust":
        return (
            "Each Locust worker stamps TTFT and gaps on its own clock; lag against the "
            "mock's write times is meaningful only where the mock shares the worker's "
            "host (here: loopback, one host)."
        )
    return "Client and mock share this host's CLOCK_MONOTONIC: lag is one-way."


def dumps(result: BenchResult) -> str:
    return json.dumps(to_document(result), indent=2) + "\n"
