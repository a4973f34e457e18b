"""What a run will do, decided before anything starts: plans, lanes, judging a layer."""

from __future__ import annotations

from harness.checks import BY_ID
from harness.checks.model import Outcome
from harness.gate import plan as plans
from harness.gate.judge import judge_layer
from harness.probe.catalog import PROBES

from .evidence import context


def test_every_plans_each_selected_check_on_each_layer():
    plan = plans.every(["HDR-STATUS-200", "LAT-*"], ["direct", "nginx"])
    assert [layer for layer, _ in plan.layers] == ["direct", "nginx"]
    assert plan.layers[0][1][0].id == "HDR-STATUS-200" and plan.needs_baseline


def test_only_plans_exactly_the_wanted_pairs_in_layer_order():
    wants = [("REQ-METHOD", "nginx"), ("HDR-STATUS-200", "direct")]
    plan = plans.only(wants, ["direct", "nginx", "h2"])
    got = [(layer, [c.id for c in checks]) for layer, checks in plan.layers]
    # REQ-METHOD comes with the check it may be blocked by (harness.checks.needs)
    assert got == [
        ("direct", ["HDR-STATUS-200"]),
        ("nginx", ["HDR-STATUS-200", "REQ-METHOD"]),
    ]
    assert not plan.needs_baseline
    assert [p.name for p in plans.probes_for(plan.layers[0][1])] == ["valid"]


def test_a_selection_brings_the_checks_it_may_be_blocked_by():
    plan = plans.every(["FRM-LF-ONLY"], ["direct"])
    ids = [c.id for c in plan.layers[0][1]]
    assert ids[0] == "HDR-STATUS-200" and ids[-1] == "FRM-LF-ONLY"
    assert {"HDR-CONTENT-TYPE", "FRM-TOKEN-MAPPING", "FRM-INJECTION"} <= set(ids)
    assert not any(i.startswith(("LAT-", "REQ-", "IDLE-")) for i in ids)


def test_lanes_sort_probes_and_drop_what_a_layer_cannot_send():
    probes = [PROBES[n] for n in ("idle", "valid", "down", "slow-reader", "get")]
    direct = plans.lanes(probes, direct=True, restartable=True)
    assert [p.name for p in direct.background] == ["idle"]
    assert [p.name for p in direct.sequential] == ["valid", "slow-reader", "get"]
    assert [p.name for p in direct.second_instance] == ["down"]
    behind = plans.lanes(probes, direct=False, restartable=False)
    assert [p.name for p in behind.sequential] == ["valid", "get"]
    assert behind.second_instance == ()


def test_a_missing_probe_makes_the_check_unimplemented_with_the_reason():
    checks = [BY_ID["END-UPSTREAM-DOWN"], BY_ID["HDR-STATUS-200"]]
    results = judge_layer(checks, {}, context())
    assert [r.outcome for r in results] == [Outcome.UNIMPLEMENTED] * 2
    assert "needs --proxy-cmd" in results[0].detail
    assert "probes not run on this layer: valid" in results[1].detail
