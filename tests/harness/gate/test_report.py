"""The gate's report renderers: report.json follows its schema, summary.md escapes what
it shows, terminal lines stay bounded, BLOCKED sits under its root and never counts as
failed."""

from __future__ import annotations

import json

from harness.checks.model import Level, Outcome, Result
from harness.gate import report


def result(check: str, layer: str, outcome: Outcome, detail: str = "d") -> Result:
    return Result(check, layer, Level.MUST, outcome, detail, {"x": 1}, "req", "src")


RESULTS = [
    result("HDR-STATUS-200", "direct", Outcome.OK),
    result("HDR-STATUS-200", "nginx", Outcome.FAILED, "got 502 | boom\nsecond line"),
    result("HDR-ACCEL", "direct", Outcome.NON_STRICT),
]


def test_json_follows_the_documented_schema():
    doc = json.loads(
        report.to_json(
            RESULTS,
            version="1.2",
            target={"cmd": "c", "url": "u", "dialect": "seed"},
            layers=["direct", "nginx"],
            baseline={"lag_p99_ms": 1.0},
            notes=["n"],
        )
    )
    assert doc["harness"] == {"version": "1.2"}
    assert doc["target"] == {"cmd": "c", "url": "u", "dialect": "seed"}
    assert doc["summary"] == {"NON-STRICT": 1, "FAILED": 1, "OK": 1}
    first = doc["results"][0]
    assert set(first) >= {"check", "layer", "level", "outcome", "detail", "metrics"}
    assert (
        first["outcome"] == "OK"
        and first["level"] == "MUST"
        and first["metrics"] == {"x": 1}
    )


def test_markdown_has_a_matrix_and_escaped_findings():
    text = report.to_markdown(RESULTS, title="t", notes=["careful"])
    assert "❌ FAILED" in text
    assert "| check | level | direct | nginx |" in text
    assert "| HDR-ACCEL | MUST | NON-STRICT | - |" in text
    assert "got 502 \\| boom second line" in text
    assert "careful" in text


def test_terminal_lines_are_bounded():
    lines = report.to_terminal([result("A", "direct", Outcome.OK, "x" * 500)], width=50)
    assert len(lines) < 120 and lines.endswith("…")


def _replace_blocked(found: Result, root: str) -> Result:
    from dataclasses import replace

    return replace(found, blocked_by=root)


BLOCKING = [
    result("LAT-FIRST-TOKEN", "direct", Outcome.FAILED, "late"),
    result("LAT-FIRST-TOKEN", "nginx", Outcome.FAILED, "late behind nginx"),
    _replace_blocked(
        result("LAT-NO-BATCHING", "nginx", Outcome.BLOCKED, "blocked by it"),
        "LAT-FIRST-TOKEN",
    ),
    _replace_blocked(
        result("CANCEL-MID-STREAM", "direct", Outcome.BLOCKED, "blocked by it"),
        "LAT-FIRST-TOKEN",
    ),
]


def test_terminal_shows_a_blocked_check_under_its_root_on_its_layer():
    lines = report.to_terminal(BLOCKING).splitlines()
    assert [line.split()[1:3] for line in lines] == [
        ["LAT-FIRST-TOKEN", "direct"],
        ["BLOCKED", "CANCEL-MID-STREAM"],
        ["LAT-FIRST-TOKEN", "nginx"],
        ["BLOCKED", "LAT-NO-BATCHING"],
    ]
    assert lines[1].startswith("  └ BLOCKED")


def test_json_and_summary_carry_blocked_by_and_never_count_it_failed():
    doc = json.loads(
        report.to_json(
            BLOCKING, version="1", target={}, layers=["direct", "nginx"], baseline={}
        )
    )
    assert [r["blocked_by"] for r in doc["results"]] == [
        "",
        "",
        "LAT-FIRST-TOKEN",
        "LAT-FIRST-TOKEN",
    ]
    assert doc["summary"] == {"FAILED": 2, "BLOCKED": 2}
    md = report.to_markdown(BLOCKING, title="t")
    assert "BLOCKED by it (nothing of their own to judge): CANCEL-MID-STREAM" in md
    assert "| LAT-NO-BATCHING | MUST | - | BLOCKED |" in md
