"""The CI verdict of a run (harness.gate.adopt): with a baseline only regressions
fail; known failures never do; the notes say why."""

from __future__ import annotations

from typing import Any

from harness.checks.model import Level, Outcome, Result
from harness.gate.adopt import adopt, as_report
from harness.gate.known import Known, KnownFile


def result(check: str, outcome: Outcome) -> Result:
    return Result(
        check, "direct", Level.MUST, outcome, "d", {"lag_p50_ms": 2.0}, "r", "s"
    )


def then(*rows: tuple[str, Outcome]) -> dict[str, Any]:
    return as_report([result(c, o) for c, o in rows], {"lag_p99_ms": 1.0})


def test_with_a_baseline_only_a_regression_fails() -> None:
    now = [result("END-DONE", Outcome.FAILED), result("HDR-CACHE", Outcome.NON_STRICT)]
    same = adopt(now, {}, old=then(("END-DONE", Outcome.FAILED)), old_name="main")
    assert same.status == 0
    assert same.notes == ("against the baseline main: no new failure",)
    worse = adopt(now, {}, old=then(("END-DONE", Outcome.OK)), old_name="main")
    assert worse.status == 1
    assert worse.notes == (
        "against the baseline main: new failures: END-DONE [direct] OK -> FAILED",
    )
    assert worse.to_json()["baseline_diff"]["new_failures"][0]["check"] == "END-DONE"
    # --strict: a NON-STRICT that was OK then is a regression too
    strict = adopt(now, {}, strict=True, old=then(("END-DONE", Outcome.FAILED)))
    assert strict.status == 1


def test_a_known_regression_does_not_fail_and_a_stale_entry_is_a_note() -> None:
    known = KnownFile(
        "k.toml",
        (Known("END-*", None, "r", "#1"), Known("REQ-METHOD", None, "r", "#2")),
    )
    now = [result("END-DONE", Outcome.FAILED), result("REQ-METHOD", Outcome.OK)]
    found = adopt(now, {}, known=known, old=then(("END-DONE", Outcome.OK)))
    assert found.status == 0
    assert found.known == {("END-DONE", "direct"): {"reason": "r", "link": "#1"}}
    assert (
        found.notes[0]
        == "stale known failure REQ-METHOD: it held this run; fixed? remove it from k.toml"
    )
    assert adopt(now, {}, known=known, strict_known=True).status == 1
