"""Comparing two runs (harness.gate.diff): new failures, fixes, changes, and timing
moves judged against the noise the reports carry."""

from __future__ import annotations

from typing import Any

from hypothesis import given, strategies as st

from harness.gate.diff import compare
from harness.gate.diff_md import to_markdown

OUTCOMES = ["OK", "NON-STRICT", "FAILED", "INFO", "UNIMPLEMENTED", "BLOCKED"]


def report(
    *rows: tuple[str, str, dict[str, float]], p99: float = 2.0
) -> dict[str, Any]:
    return {
        "results": [
            {
                "check": c,
                "layer": "direct",
                "outcome": o,
                "detail": f"{c} {o}",
                "metrics": m,
            }
            for c, o, m in rows
        ],
        "baseline": {"lag_p50_ms": 0.5, "lag_p99_ms": p99},
    }


def test_new_fixed_and_changed() -> None:
    old = report(
        ("A", "OK", {}), ("B", "FAILED", {}), ("C", "FAILED", {}), ("D", "OK", {})
    )
    new = report(
        ("A", "FAILED", {}), ("B", "OK", {}), ("C", "NON-STRICT", {}),
        ("D", "NON-STRICT", {}), ("E", "FAILED", {}),
    )  # fmt: skip
    found = compare(old, new)
    assert [(c.check, c.then, c.now) for c in found.new_failures] == [
        ("A", "OK", "FAILED"),
        ("E", "not judged", "FAILED"),
    ]
    assert [c.check for c in found.fixed] == ["B"]
    assert [(c.check, c.now) for c in found.changed] == [
        ("C", "NON-STRICT"),
        ("D", "NON-STRICT"),
    ]
    # --strict: a new NON-STRICT is a new failure too
    strict = compare(old, new, strict=True)
    assert [c.check for c in strict.new_failures] == ["A", "D", "E"]
    text = to_markdown(found, old="main", new="pr")
    assert (
        "❌ 2 new failures" in text
        and "| [A](docs/checks.md#a) | direct | OK | FAILED |" in text
    )


def test_a_real_slowdown_is_a_timing_move_and_noise_is_not() -> None:
    fast = {"lag_p50_ms": 3.0, "lag_p99_ms": 6.0, "first_token_lag_ms": 4.0}
    jitter = {"lag_p50_ms": 9.0, "lag_p99_ms": 40.0, "first_token_lag_ms": 90.0}
    slow = {"lag_p50_ms": 800.0, "lag_p99_ms": 900.0, "first_token_lag_ms": 1500.0}
    old = report(("LAT-NO-BATCHING", "OK", fast))
    assert compare(old, report(("LAT-NO-BATCHING", "OK", jitter))).moves == ()
    moves = compare(old, report(("LAT-NO-BATCHING", "OK", slow))).moves
    assert {m.figure for m in moves} == {
        "lag_p50_ms",
        "lag_p99_ms",
        "first_token_lag_ms",
    }
    assert all(m.slower and abs(m.now - m.then) > m.noise for m in moves)
    # a noisier machine (the self-test's p99) widens what counts as noise
    noisy = compare(report(("X", "OK", fast), p99=200.0), report(("X", "OK", slow)))
    assert {m.figure for m in noisy.moves} == {"lag_p50_ms", "first_token_lag_ms"}
    assert to_markdown(noisy, old="a", new="b").count("| X | direct |") == 2


@given(
    st.dictionaries(
        st.sampled_from(["A", "B", "C", "D"]),
        st.tuples(
            st.sampled_from(OUTCOMES),
            st.floats(min_value=0, max_value=5000, allow_nan=False),
        ),
    )
)
def test_a_run_compared_with_itself_has_nothing_to_report(rows):
    doc = report(
        *((c, o, {"lag_p50_ms": ms, "ttft_ms": ms}) for c, (o, ms) in rows.items())
    )
    found = compare(doc, doc, strict=True)
    assert found.to_json() == {
        "new_failures": [],
        "fixed": [],
        "changed": [],
        "timing_moves": [],
    }


@given(
    st.dictionaries(st.sampled_from(["A", "B", "C"]), st.sampled_from(OUTCOMES)),
    st.dictionaries(st.sampled_from(["A", "B", "C"]), st.sampled_from(OUTCOMES)),
)
def test_every_new_failure_is_failed_now_and_was_not_then(before, after):
    old = report(*((c, o, {}) for c, o in before.items()))
    new = report(*((c, o, {}) for c, o in after.items()))
    found = compare(old, new)
    assert {c.check for c in found.new_failures} == {
        c for c, o in after.items() if o == "FAILED" and before.get(c) != "FAILED"
    }
    assert all(after[c.check] in ("OK", "INFO") for c in found.fixed)
