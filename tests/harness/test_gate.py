"""The gate end to end: real mock, real reference proxies, real verdicts.

Correct proxies pass every MUST; each deliberately broken variant fails the check
aimed at its defect (CHECKS.md "The harness checks itself").
"""

from __future__ import annotations

import sys

import pytest

from harness.checks.model import Level, Outcome
from harness.gate.run import RunConfig, RunReport, run

from ..tools import require_tool

URL = "http://127.0.0.1:{port}/api/v1/complete"
PYTHON_PROXY = f"{sys.executable} -m proxies.starlette_proxy"
#: short silences keep the suite fast; the proxies heartbeat every second here
FAST = dict(idle_s=3.0, heartbeat_s=2.0, env=(("HEARTBEAT_SECONDS", "1"),))


def gate(cmd: str, *, select: tuple[str, ...] = (), **kw: object) -> RunReport:
    options: dict[str, object] = dict(FAST)
    options.update(kw)
    return run(RunConfig(proxy_url=URL, proxy_cmd=cmd, select=select, **options))  # type: ignore[arg-type]


def failures(report: RunReport) -> list[str]:
    return [
        f"{r.check} [{r.layer}] {r.outcome.value}: {r.detail}"
        for r in report.results
        if r.outcome is Outcome.FAILED
    ]


def outcome(report: RunReport, check: str, layer: str = "direct") -> Outcome:
    found = [r for r in report.results if r.check == check and r.layer == layer]
    assert found, f"{check} was not judged on {layer}"
    return found[0].outcome


def node_proxy() -> str:
    return f"{require_tool('node')} proxies/node_proxy/server.mjs"


@pytest.mark.slow
def test_python_reference_proxy_passes_every_must():
    report = gate(PYTHON_PROXY)
    assert not failures(report), "\n".join(failures(report))
    musts = [r for r in report.results if r.level is Level.MUST]
    assert len(musts) >= 24 and all(r.outcome is Outcome.OK for r in musts)


@pytest.mark.slow
@pytest.mark.needs_node
def test_node_reference_proxy_passes_every_must():
    report = gate(node_proxy())
    assert not failures(report), "\n".join(failures(report))


#: defect -> {check: expected outcome}
DEFECTS: dict[str, dict[str, Outcome]] = {
    "buffer-all": {
        "LAT-FIRST-TOKEN": Outcome.FAILED,
        "LAT-NO-BATCHING": Outcome.FAILED,
    },
    "raw-data": {"FRM-INJECTION": Outcome.FAILED},
    "per-read-json": {"FRM-NDJSON-SPLIT": Outcome.FAILED},
    "per-read-utf8": {"FRM-UTF8-SPLIT": Outcome.FAILED},
    "no-415": {"REQ-415-WRONG-TYPE": Outcome.FAILED},
    "no-abort": {
        "CANCEL-MID-STREAM": Outcome.FAILED,
        "CANCEL-BEFORE-FIRST-TOKEN": Outcome.FAILED,
    },
    "swallow-error": {"END-UPSTREAM-ERROR-LINE": Outcome.FAILED},
    "wrong-content-type": {"HDR-CONTENT-TYPE": Outcome.FAILED},
    "no-done": {"END-DONE": Outcome.FAILED},
    "content-length": {"HDR-NO-CONTENT-LENGTH": Outcome.FAILED},
    "fabricate-done": {"END-UPSTREAM-TRUNCATED": Outcome.FAILED},
    "down-as-event": {
        "END-UPSTREAM-DOWN-STATUS": Outcome.NON_STRICT,
        "END-UPSTREAM-DOWN": Outcome.OK,
    },
    "token-after-done": {
        "END-NOTHING-AFTER-DONE": Outcome.FAILED,
        "END-DONE": Outcome.FAILED,
    },
    "late-headers": {"HDR-EARLY-FLUSH": Outcome.NON_STRICT},
    "gzip": {
        "HDR-NO-COMPRESSION": Outcome.NON_STRICT,
        "LAT-NO-BATCHING": Outcome.FAILED,
    },
    "no-heartbeat": {
        "IDLE-HEARTBEAT": Outcome.NON_STRICT,
        "IDLE-HEARTBEAT-MID": Outcome.NON_STRICT,
    },
}


@pytest.mark.slow
@pytest.mark.parametrize("defect", sorted(DEFECTS))
def test_broken_variant_fails_its_check(defect):
    wanted = DEFECTS[defect]
    report = gate(f"{PYTHON_PROXY} --defect {defect}", select=tuple(wanted))
    got = {check: outcome(report, check) for check in wanted}
    assert got == wanted, [r.detail for r in report.results]
