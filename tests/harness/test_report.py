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
