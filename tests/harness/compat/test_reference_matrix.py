"""The Node reference proxy read by every SSE client (the Starlette one is the repro's
``through-proxy``): every cell green, EventSource included through the GET route."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.harness.compat.conftest import cells_of, run_cli
from tests.tools import require_tool

pytestmark = [pytest.mark.slow, pytest.mark.needs_node]
ROOT = Path(__file__).resolve().parents[3]


def test_node_reference_proxy_matrix_is_green(
    client_tools: None, tmp_path: Path
) -> None:
    node = require_tool("node")
    argv = [
        "clients",
        "--proxy-cmd",
        f"{node} {ROOT / 'proxies/node_proxy/server.mjs'} --port {{port}}",
        "--proxy-url",
        "http://127.0.0.1:{port}/api/v1/complete",
        "--get",
        "--target-name",
        "node_proxy",
    ]
    status, doc = run_cli(argv, tmp_path)
    cells = cells_of(doc, "node_proxy")
    assert len(cells) == 7
    assert {n: c["error"] for n, c in cells.items() if c["red"]} == {}
    assert all(c["tokens"] == 42 for c in cells.values())
    assert status == 0
    assert (
        "| chromium-eventsource | ok (42 tokens"
        in (tmp_path / "summary.md").read_text()
    )
