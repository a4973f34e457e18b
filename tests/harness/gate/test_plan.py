"""What a run will do, decided before anything starts: plans, lanes, judging a layer."""

from __future__ import annotations

from harness.checks import BY_ID
from harness.checks.model import Outcome
from harness.gate import plan as plans
from harness.gate.judge import judge_layer
from harness.probe.catalog import PROBES
from tests.harness.evidence import context


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
    assert ids[0] == "HDR-STATUS-200" and "FRM-LF-ONLY" in ids
    # FRM-TOKEN-MAPPING's text is taken away by an early completion (END-NOTHING-…)
    roots = {"HDR-CONTENT-TYPE", "FRM-TOKEN-MAPPING", "FRM-INJECTION"}
    assert roots | {"END-NOTHING-AFTER-DONE"} <= set(ids)
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


def _schedule(layers: tuple[str, ...] = ("direct", "nginx")) -> plans.ProbeSchedule:
    probes = plans.probes_for(plans.every([], layers).layers[0][1])
    chosen = [(layer, probes, layer == "direct") for layer in layers]
    return plans.schedule(chosen, restartable=True)


def test_schedule_starts_every_layers_silences_and_sends_timed_probes_alone():
    found = _schedule()
    assert found.background == tuple(
        (layer, PROBES[name])
        for layer in ("direct", "nginx")
        for name in ("idle", "idle-mid")
    )
    # LAT-* and CANCEL-* probes: one at a time, one layer after the other
    alone = [(layer, p.name) for layer, p in found.alone]
    timed = ["lat", "sizes", "cancel-mid", "cancel-before"]
    assert alone == [(layer, n) for layer in ("direct", "nginx") for n in timed]


def test_schedule_runs_a_lane_per_layer_and_one_for_every_malformed_request():
    found = _schedule()
    direct, nginx, requests = found.lanes
    assert {layer for layer, _ in direct} == {"direct"}
    assert {layer for layer, _ in nginx} == {"nginx"}
    # the proxy with a dead upstream and the slow reader: direct only, once
    assert sorted(p.name for _, p in direct if p.direct_only) == ["down", "slow-reader"]
    assert not any(p.direct_only for _, p in nginx)
    # REQ-* count requests reaching upstream without a marker: never side by side
    assert {p.request for _, p in requests} != {"valid"}
    assert all(p.request == "valid" for _, p in (*direct, *nginx))
    assert [layer for layer, _ in requests] == sorted(
        (layer for layer, _ in requests), key=("direct", "nginx").index
    )


def test_schedule_sends_every_probe_of_every_layer_exactly_once():
    found = _schedule(("direct", "nginx", "h2"))
    sent = [
        (layer, p.name)
        for lane in (found.background, found.alone, *found.lanes)
        for layer, p in lane
    ]
    assert len(sent) == len(set(sent))
    totals = found.totals()
    assert totals["nginx"] == totals["h2"] == totals["direct"] - 2  # down, slow-reader


def test_one_layer_sends_its_probes_one_at_a_time_in_one_lane():
    found = _schedule(("direct",))
    (lane,) = found.lanes
    assert [p.name for _, p in lane][-1] == "get"  # the requests follow the rest
    assert len(lane) + len(found.alone) + len(found.background) == len(
        plans.probes_for(plans.every([], ["direct"]).layers[0][1])
    )
