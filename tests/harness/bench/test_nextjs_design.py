"""The seed's Next.js design on ``next start`` streams token by token (slow: ~10 s)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest

from harness.bench.designs.design import NEXT_DIR
from harness.cli.bench import main
from tests.tools import in_ci, require_tool

if TYPE_CHECKING:
    from pathlib import Path

pytestmark = [pytest.mark.slow, pytest.mark.needs_node]


def test_nextjs_streams_token_by_token(tmp_path: Path) -> None:
    require_tool("node")
    if not (NEXT_DIR / ".next" / "BUILD_ID").exists():
        message = "proxies/nextjs_route is not built: run bash .ci/setup"
        if in_ci():
            pytest.fail(message)
        pytest.skip(message)
    status = main(
        ["--design", "nextjs", "--concurrency", "2",
         "--timing", "fixed:60", "--repeat", "1", "--report-dir", str(tmp_path)]
    )  # fmt: skip
    assert status == 0
    doc = json.loads((tmp_path / "bench.json").read_text())
    (nextjs,) = doc["rows"]
    assert nextjs["completed"] == 2
    assert nextjs["streams_through_layer"]
    assert nextjs["tokens_per_read"]["mean"] <= 1.2
    generation_ms = 21 * 60
    assert nextjs["ttft_ms"]["p50"] <= 0.25 * generation_ms
    assert doc["designs"][0]["loc"] > 20
