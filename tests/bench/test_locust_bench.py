"""``--engine locust --workers 2``: a real Locust master and two workers on loopback.

Same schema as the native engine; the reference design's TTFT p50 agrees with the
native engine's within max(2x, 20 ms). Slow: ~30 s (Locust starts per cell).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pytest

from harness.cli.bench import main

if TYPE_CHECKING:
    from pathlib import Path

pytestmark = pytest.mark.slow
SETUP = ["--design", "starlette", "--concurrency", "4", "--timing", "fixed:40",
         "--repeat", "1"]  # fmt: skip


def _run(out: Path, *extra: str) -> dict[str, Any]:
    assert main([*SETUP, *extra, "--report-dir", str(out)]) == 0
    doc: dict[str, Any] = json.loads((out / "bench.json").read_text())
    return doc


def test_locust_engine_matches_the_native_engine(tmp_path: Path) -> None:
    locust = _run(tmp_path / "locust", "--engine", "locust", "--workers", "2")
    native = _run(tmp_path / "native")
    (lrow,) = locust["rows"]
    (nrow,) = native["rows"]
    assert set(lrow) == set(nrow)
    assert set(locust) == set(native)
    assert lrow["engine"] == "locust"
    assert lrow["processes"] == 2
    assert lrow["completed"] == lrow["streams"] == 4
    assert lrow["tokens_per_read"]["mean"] <= 1.2
    assert "own clock" in locust["run"]["lag_note"]
    lt, nt = lrow["ttft_ms"]["p50"], nrow["ttft_ms"]["p50"]
    assert abs(lt - nt) <= 20.0 or max(lt, nt) <= 2 * min(lt, nt), (lt, nt)
