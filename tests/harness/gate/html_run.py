"""A failing gate run built from synthetic evidence, for the report.html tests.

Two layers; the proxy answers with the wrong Content-Type (HDR-CONTENT-TYPE FAILED,
two checks BLOCKED by it) and a hostile header, and buffers the whole answer (the LAT
checks FAILED, their timeline one fan). Verdicts come from the real judges.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from harness.checks import BY_ID
from harness.checks.model import Outcome
from harness.gate.config import RunConfig
from harness.gate.judge import judge_layer
from harness.gate.run import RunReport
from tests.harness.evidence import (
    DONE,
    context,
    evidence,
    exchange,
    observation,
    sse_token,
)

if TYPE_CHECKING:
    from harness.checks.model import Result
    from harness.probe.evidence import Evidence

LAYERS = ("direct", "nginx")
CHECKS = (
    "HDR-STATUS-200",
    "HDR-CONTENT-TYPE",
    "HDR-NO-CONTENT-LENGTH",
    "FRM-TOKEN-MAPPING",
    "END-DONE",
    "LAT-FIRST-TOKEN",
    "LAT-NO-BATCHING",
    "LAT-OVERHEAD",
)
ROOT = "HDR-CONTENT-TYPE"
BLOCKED = ("FRM-TOKEN-MAPPING", "END-DONE")
#: a header value and body bytes a careless renderer would run
HOSTILE = "</script><script>window.pwned=1</script><img src=x onerror=alert(1)>"
HOSTILE_BODY = b"data: <img src=x onerror=alert(2)>\r\n\r\n\x00\xff"
TOKENS = [f"tok{i} " for i in range(22)]
GAP_MS = 60


def _valid() -> Evidence:
    headers = (
        ("content-type", "application/x-ndjson"),
        ("x-evil", HOSTILE),
        ("transfer-encoding", "chunked"),
    )
    body = b"".join(sse_token(t) for t in TOKENS[:3]) + HOSTILE_BODY
    obs = observation([(5, body)], headers=headers)
    return evidence("valid", obs, TOKENS[:3], (exchange([1, 2, 3]),))


def _buffered() -> Evidence:
    """Upstream writes a token every GAP_MS; the client gets them all at the end."""
    written = [GAP_MS * (i + 1) for i in range(len(TOKENS))]
    body = b"".join(sse_token(t) for t in TOKENS) + DONE
    obs = observation(
        [(written[-1] + 5, body)],
        headers=(("content-type", "text/event-stream"),),
    )
    return evidence("lat", obs, TOKENS, (exchange(written),))


def _block(result: Result) -> Result:
    if result.check not in BLOCKED:
        return result
    return dataclasses.replace(
        result,
        outcome=Outcome.BLOCKED,
        detail=f"nothing to judge: {ROOT} failed",
        fix="",
        blocked_by=ROOT,
    )


def failing_run() -> tuple[tuple[Result, ...], dict[str, dict[str, Evidence]]]:
    """The results (real judges, then BLOCKED attribution) and evidence per layer."""
    checks = [BY_ID[c] for c in CHECKS]
    results: list[Result] = []
    evidence_of: dict[str, dict[str, Evidence]] = {}
    for layer in LAYERS:
        found = {"valid": _valid(), "lat": _buffered()}
        evidence_of[layer] = found
        judged = judge_layer(checks, found, context(layer=layer))
        results += [_block(r) for r in judged]
    return tuple(results), evidence_of


def failing_report() -> RunReport:
    """The whole RunReport, as harness.gate.output writes it."""
    results, evidence_of = failing_run()
    config = RunConfig(
        proxy_url="http://127.0.0.1:{port}/api/v1/complete",
        proxy_cmd="python -m proxies.starlette_proxy --defect buffer-all",
        layers=LAYERS,
    )
    return RunReport(
        config=config,
        results=results,
        baseline={"lag_p50_ms": 1.0, "lag_p99_ms": 2.0},
        notes=("a note with <b>markup</b>",),
        logs={"proxy": "started\n<script>alert(3)</script>\n"},
        duration_s=1.5,
        started_at=1_780_000_000.0,
        evidence=evidence_of,
    )
