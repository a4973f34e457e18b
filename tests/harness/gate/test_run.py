"""The gate end to end: real mock, real reference proxies, real verdicts.

Correct proxies pass every MUST; each deliberately broken variant fails exactly the
checks its defect names, and the knock-ons are BLOCKED by them (the harness checks
itself).
"""

from __future__ import annotations

import pytest

from harness.checks.model import Level, Outcome
from proxies.starlette_proxy.defects import DEFECTS
from tests.harness.gate.gating import failures, gate
from tests.targets import PYTHON_PROXY, node_proxy


@pytest.mark.slow
def test_python_reference_proxy_passes_every_must():
    report = gate(PYTHON_PROXY)
    assert not failures(report), "\n".join(failures(report))
    musts = [r for r in report.results if r.level is Level.MUST]
    assert len(musts) >= 24 and all(r.outcome is Outcome.OK for r in musts)
    # the correct proxy misses nothing at all, so nothing is blocked either
    judged = {r.outcome for r in report.results}
    assert judged <= {Outcome.OK, Outcome.INFO}, report.summary()


@pytest.mark.slow
@pytest.mark.needs_node
def test_node_reference_proxy_passes_every_must():
    report = gate(node_proxy())
    assert not failures(report), "\n".join(failures(report))


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(DEFECTS))
def test_each_defect_fails_exactly_its_checks_and_blocks_its_knock_ons(name):
    """One defect, one named failure; the knock-ons are BLOCKED."""
    defect = DEFECTS[name]
    report = gate(f"{PYTHON_PROXY} --defect {name}")
    direct = [r for r in report.results if r.layer == "direct"]
    missed = {
        r.check: r.outcome.value
        for r in direct
        if r.outcome in (Outcome.FAILED, Outcome.NON_STRICT)
    }
    shown = "\n".join(f"{r.check} {r.outcome.value}: {r.detail}" for r in direct)
    assert missed == dict(defect.fails), shown
    blocked = {r.check: r.blocked_by for r in direct if r.outcome is Outcome.BLOCKED}
    assert dict(defect.blocked).items() <= blocked.items(), shown
    assert set(blocked.values()) <= set(missed), shown
