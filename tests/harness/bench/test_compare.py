"""Two runs side by side (pure)."""

from __future__ import annotations

from typing import Any

import pytest

from harness.bench.designs.report.compare import compare, spread


def doc(ttft: float, through: bool = True) -> dict[str, Any]:
    row = {"design": "d", "layer": "direct", "concurrency": 1, "works": True,
           "streams_through_layer": through, "ttft_ms": {"p50": ttft, "p99": ttft}}  # fmt: skip
    return {"rows": [row]}


def test_spread_is_relative_to_the_mean():
    assert spread(90, 110) == pytest.approx(0.2)
    assert spread(None, 1) is None


def test_compare_reports_the_spread_and_the_verdicts():
    lines = compare(doc(90), doc(110))
    assert "| d | direct | 1 | 90.0 | 110.0 | 20.0 | 20% | yes |" in lines
    assert lines[-1].startswith("TTFT p50 spread: median 20%, largest 20%")
    assert "identical" in lines[-1]
    assert "DIFFER" in compare(doc(90), doc(90, through=False))[-1]
