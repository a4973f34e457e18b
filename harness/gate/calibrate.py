"""The client self-test: the harness client reads the mock directly, before any proxy.

Its per-line lag (client read time minus the mock's write time, both CLOCK_MONOTONIC)
is the baseline every latency budget is calibrated against; a client library that
buffered on its own, or a machine too busy to time anything, shows up here first.
"""

from __future__ import annotations

import json
import statistics
from typing import TYPE_CHECKING

from harness.checks.common import MS, percentile
from harness.client.loop import Limits, observe
from harness.client.observation import Request
from harness.errors import EnvironmentProblem
from harness.probe.catalog import Probe
from harness.probe.dialects import make_dialect
from harness.probe.perform import new_req

if TYPE_CHECKING:
    from collections.abc import Mapping

    from harness.upstream.mock import MockUpstream

#: the client self-test reads the qwen-chat scenario straight from the mock at this pace
BASELINE_TIMING = "fixed:20"


async def calibrate(mock: MockUpstream) -> dict[str, float]:
    """The client reads the mock directly: per-line lag of the harness's own path."""
    req = new_req("baseline", "lat")
    probe = Probe("baseline", timing=BASELINE_TIMING)
    body = json.dumps(make_dialect("ollama").body(probe.marker(req, 0), None)).encode()
    request = Request(
        "POST",
        f"{mock.base_url}/api/chat",
        (("content-type", "application/json"),),
        body,
    )
    obs = await observe(request, limits=Limits(idle_s=10, total_s=30))
    exchanges = await mock.aexchanges(req)
    if obs.status != 200 or not exchanges:
        raise EnvironmentProblem(
            f"client self-test: the harness could not read the mock directly ({obs.summary()})"
        )
    exchange = exchanges[-1]
    lags: list[float] = []
    received = 0
    chunks = iter(obs.chunks)
    t_ns = 0
    for line in exchange.lines:
        while received < line.offset + line.size:
            chunk = next(chunks, None)
            if chunk is None:
                break
            received += len(chunk.data)
            t_ns = chunk.t_ns
        written = exchange.line_written_ns(line.index)
        if written is not None and received >= line.offset + line.size:
            lags.append((t_ns - written) / MS)
    if not lags:
        raise EnvironmentProblem(
            "client self-test: no line of the mock's stream could be timed"
        )
    first = obs.chunks[0].t_ns if obs.chunks else obs.end_ns
    written = (
        exchange.line_written_ns(exchange.lines[0].index) if exchange.lines else None
    )
    return {
        "ttft_ms": round((first - obs.sent_ns) / MS, 3),
        "first_write_ms": round(((written or first) - obs.sent_ns) / MS, 3),
        "lag_p50_ms": round(statistics.median(lags), 3),
        "lag_p99_ms": round(percentile(lags, 99), 3),
        "lag_max_ms": round(max(lags), 3),
        "lines": len(lags),
    }


#: the client's own p99 lag (ms) reading the mock directly above which timing is coarse
NOISY_P99_MS = 100


def noisy_note(baseline: Mapping[str, float]) -> list[str]:
    p99 = baseline.get("lag_p99_ms", 0.0)
    if p99 <= NOISY_P99_MS:
        return []
    return [
        "the machine is too noisy to judge timing finely: the client's own p99 lag "
        f"reading the mock directly is {p99:.0f} ms; LAT budgets are widened"
    ]
