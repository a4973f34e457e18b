"""Root-cause attribution: a check whose evidence another failure took away is BLOCKED.

BLOCKED names its root (``blocked_by``), a check judges its own
property wherever it can, and nothing is ever OK without its evidence.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from harness.checks import BY_ID, CATALOGUE
from harness.checks.model import Check, Level, Outcome, failed, passed
from harness.checks.needs import NEEDS, Need, knock, roots_of, with_roots
from harness.client.observation import End
from harness.gate.judge import judge_layer
from harness.probe.catalog import PROBES
from tests.harness.evidence import context, raw, streamed

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from harness.checks.model import Result
    from harness.probe.evidence import Evidence

NDJSON = (("content-type", "application/x-ndjson"),)


def every_probe(make: Callable[[str], Evidence]) -> dict[str, Evidence]:
    return {name: make(name) for name in PROBES if name != "down"}


def judge_all(evidence: Mapping[str, Evidence]) -> dict[str, Result]:
    results = judge_layer(CATALOGUE, evidence, context())
    return {r.check: r for r in results}


def test_the_table_names_every_check_and_only_real_roots():
    assert set(NEEDS) == {c.id for c in CATALOGUE}
    for check, needs in NEEDS.items():
        for need in needs:
            assert need.roots, check
            assert set(need.roots) <= set(BY_ID), (check, need.roots)
            assert check not in need.roots


def test_selection_closure_is_in_catalogue_order_and_transitive():
    chosen = with_roots([BY_ID["LAT-NO-BATCHING"]], CATALOGUE)
    ids = [c.id for c in chosen]
    assert ids == [c.id for c in CATALOGUE if c.id in ids]
    assert {"LAT-FIRST-TOKEN", "FRM-TOKEN-MAPPING", "HDR-STATUS-200"} <= set(ids)
    assert "HDR-STATUS-200" in roots_of("IDLE-HEARTBEAT-INVISIBLE")


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(
            lambda name: raw(name, b"", status=None, end=End.TIMEOUT, headers=()),
            id="never-answers",
        ),
        pytest.param(
            lambda name: raw(name, bytes(range(256)) * 4, headers=()),
            id="garbage-200",
        ),
    ],
)
def test_a_target_without_evidence_gets_no_ok(make):
    results = judge_all(every_probe(make))
    ok = sorted(c for c, r in results.items() if r.outcome is Outcome.OK)
    # a 200 with headers is evidence for the header checks (no Content-Length...)
    judged_heads = {"HDR-STATUS-200", "HDR-NO-CONTENT-LENGTH", "HDR-NO-COMPRESSION"}
    assert set(ok) <= judged_heads | {"HDR-NO-UPSTREAM-LEAK"}
    assert not ok or results["HDR-STATUS-200"].outcome is Outcome.OK
    assert any(r.outcome is Outcome.FAILED for r in results.values())
    for result in results.values():
        if result.outcome is Outcome.BLOCKED:
            root = results[result.blocked_by]
            assert root.outcome is Outcome.FAILED, result
            assert result.detail.startswith(f"blocked by {root.check} (FAILED)")
            assert result.fix == ""


def test_a_silent_target_blames_only_the_status():
    ev = every_probe(
        lambda name: raw(name, b"", status=None, end=End.TIMEOUT, headers=())
    )
    results = judge_all(ev)
    missed = {c for c, r in results.items() if r.outcome is Outcome.FAILED}
    assert "HDR-STATUS-200" in missed
    blocked = {c for c, r in results.items() if r.outcome is Outcome.BLOCKED}
    assert {"FRM-TERMINATED", "FRM-FIELDS", "HDR-NO-CONTENT-LENGTH"} <= blocked
    assert {results[c].blocked_by for c in blocked} == {"HDR-STATUS-200"}


def test_a_mislabeled_but_well_framed_stream_fails_the_content_type_alone():
    probes = ("valid", "utf8", "injection", "error-line", "lat")
    ev = {name: streamed(name, headers=NDJSON) for name in probes}
    checks = [
        BY_ID[c]
        for c in (
            "HDR-STATUS-200",
            "HDR-CONTENT-TYPE",
            "FRM-TOKEN-MAPPING",
            "FRM-UTF8-SPLIT",
            "FRM-TERMINATED",
            "END-DONE",
        )
    ]
    results = {r.check: r.outcome for r in judge_layer(checks, ev, context())}
    assert results.pop("HDR-CONTENT-TYPE") is Outcome.FAILED
    assert set(results.values()) == {Outcome.OK}


def test_no_415_blocks_the_accept_post_and_the_missing_type_knock_on():
    ev = {
        "valid": streamed("valid"),
        "wrong-type": streamed("wrong-type"),
        "missing-type": streamed("missing-type"),
    }
    got = blocking(
        ev,
        "HDR-STATUS-200",
        "REQ-415-WRONG-TYPE",
        "REQ-415-ACCEPT-POST",
        "REQ-415-MISSING-TYPE",
    )
    assert got["REQ-415-WRONG-TYPE"] == (Outcome.FAILED, "")
    assert got["REQ-415-ACCEPT-POST"] == (Outcome.BLOCKED, "REQ-415-WRONG-TYPE")
    assert got["REQ-415-MISSING-TYPE"] == (Outcome.BLOCKED, "REQ-415-WRONG-TYPE")


def test_tokens_the_dialect_cannot_read_block_the_timing_at_the_mapping():
    unreadable = b'data: {"text": "Hel"}\n\ndata: {"text": "lo"}\n\n'
    ev = {name: raw(name, unreadable) for name in ("valid", "lat", "type-params")}
    got = blocking(
        ev,
        "HDR-STATUS-200",
        "HDR-CONTENT-TYPE",
        "FRM-TOKEN-MAPPING",
        "LAT-FIRST-TOKEN",
        "LAT-NO-BATCHING",
        "REQ-TYPE-PARAMS",
    )
    assert got["FRM-TOKEN-MAPPING"] == (Outcome.FAILED, "")
    assert got["LAT-FIRST-TOKEN"] == (Outcome.BLOCKED, "FRM-TOKEN-MAPPING")
    assert got["LAT-NO-BATCHING"] == (Outcome.BLOCKED, "FRM-TOKEN-MAPPING")
    assert got["REQ-TYPE-PARAMS"] == (Outcome.OK, "")


def blocking(ev: Mapping[str, Evidence], *ids: str) -> dict[str, tuple[Outcome, str]]:
    """Outcome and blocked_by of checks ``ids`` judged together on ``ev``."""
    results = judge_layer([BY_ID[c] for c in ids], ev, context())
    return {r.check: (r.outcome, r.blocked_by) for r in results}


def _fake(check_id: str, level: Level, ok: bool) -> Check:
    verdict = passed("fine") if ok else failed("broken")
    return Check(check_id, level, "r", "s", ("valid",), lambda ev, ctx: verdict)


@pytest.mark.parametrize(
    ("root_level", "level", "blocked"),
    [
        (Level.MUST, Level.MUST, True),
        (Level.MUST, Level.SHOULD, True),
        (Level.SHOULD, Level.SHOULD, True),
        # a SHOULD's NON-STRICT never hides a MUST's FAILED: the exit status stands
        (Level.SHOULD, Level.MUST, False),
    ],
)
def test_a_knock_on_is_blocked_only_by_a_root_at_least_as_strict(
    monkeypatch, root_level, level, blocked
):
    monkeypatch.setitem(NEEDS, "X-ROOT", ())
    monkeypatch.setitem(NEEDS, "X-LEAF", (knock("X-ROOT"),))
    checks = [_fake("X-ROOT", root_level, False), _fake("X-LEAF", level, False)]
    leaf = judge_layer(checks, {"valid": streamed("valid")}, context())[1]
    assert (leaf.outcome is Outcome.BLOCKED) is blocked
    assert leaf.blocked_by == ("X-ROOT" if blocked else "")


def test_a_check_that_passes_despite_a_failed_root_stays_ok(monkeypatch):
    monkeypatch.setitem(NEEDS, "X-ROOT", ())
    monkeypatch.setitem(NEEDS, "X-LEAF", (knock("X-ROOT"),))
    checks = [_fake("X-ROOT", Level.MUST, False), _fake("X-LEAF", Level.MUST, True)]
    leaf = judge_layer(checks, {"valid": streamed("valid")}, context())[1]
    assert leaf.outcome is Outcome.OK


def test_missing_evidence_without_a_failed_root_is_unimplemented(monkeypatch):
    never = Need("a unicorn", ("X-ROOT",), lambda ev: False)
    monkeypatch.setitem(NEEDS, "X-ROOT", ())
    monkeypatch.setitem(NEEDS, "X-LEAF", (never,))
    checks = [_fake("X-ROOT", Level.MUST, True), _fake("X-LEAF", Level.MUST, True)]
    leaf = judge_layer(checks, {"valid": streamed("valid")}, context())[1]
    assert leaf.outcome is Outcome.UNIMPLEMENTED
    assert leaf.detail == "nothing to judge without a unicorn"


def test_blocked_follows_the_chain_to_the_first_root(monkeypatch):
    monkeypatch.setitem(NEEDS, "X-A", ())
    monkeypatch.setitem(NEEDS, "X-B", (knock("X-A"),))
    monkeypatch.setitem(NEEDS, "X-C", (knock("X-B"),))
    checks = [_fake(c, Level.MUST, False) for c in ("X-A", "X-B", "X-C")]
    got = judge_layer(checks, {"valid": streamed("valid")}, context())
    assert [(r.outcome, r.blocked_by) for r in got] == [
        (Outcome.FAILED, ""),
        (Outcome.BLOCKED, "X-A"),
        (Outcome.BLOCKED, "X-A"),
    ]
