"""LAT-OVERHEAD reports percentiles side by side, never differences of percentiles."""

from __future__ import annotations

from harness.checks import lat
from tests.harness.evidence import (
    DONE,
    context,
    evidence,
    exchange,
    observation,
    sse_token as token,
)

TOKENS = [f"t{i}" for i in range(20)]
WRITES = [100 * i + 50 for i in range(20)]
#: the proxy adds 1 ms to every token and 3 ms to one: p50 1 ms, p99 near 3 ms
DELAYS = [1] * 19 + [3]


def lat_evidence() -> dict[str, object]:
    chunks = [
        (t + d, token(tok)) for t, d, tok in zip(WRITES, DELAYS, TOKENS, strict=True)
    ]
    obs = observation([*chunks, (2100, DONE)])
    return {"lat": evidence("lat", obs, TOKENS, (exchange(WRITES),))}


def test_lag_and_ttft_beside_the_baseline():
    # a baseline whose p99 sits far above its p50: the old "added p99" went negative
    baseline = {
        "lag_p50_ms": 0.5,
        "lag_p99_ms": 4.0,
        "ttft_ms": 21.0,
        "first_write_ms": 20.5,
    }
    found = lat.overhead(lat_evidence(), context(baseline=baseline))  # type: ignore[arg-type]
    assert found.detail == (
        "per-token lag through the proxy p50 1.0 ms, p99 3.0 ms (direct-to-mock "
        "baseline p50 0.5 ms, p99 4.0 ms); TTFT 51.0 ms, upstream wrote it at 50.0 ms "
        "(direct baseline: TTFT 21.0 ms, written at 20.5 ms)"
    )
    assert not any(key.startswith("added") for key in found.metrics)
    assert found.metrics["baseline_lag_p99_ms"] == 4.0
    assert found.metrics["lag_p99_ms"] == 3.0 and found.metrics["lag_p50_ms"] == 1.0


def test_a_baseline_without_ttft_says_so():
    found = lat.overhead(lat_evidence(), context())  # type: ignore[arg-type]
    assert "(direct baseline: TTFT not measured, written at not measured)" in (
        found.detail
    )
