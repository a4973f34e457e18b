"""Spec-valid quirks some real clients break on: CRLF line ends, ``data:value`` with
no space, keep-alive comments after an ``id:`` (tests/harness/compat/quirk_proxy.py)."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import pytest

from tests.harness.compat.conftest import cells_of, run_cli

if TYPE_CHECKING:
    from pathlib import Path

pytestmark = [pytest.mark.slow, pytest.mark.needs_node]

#: quirk -> the clients that really break on it (all others read every token)
BREAKS = {
    "crlf": {"chromium-nextjs-hook"},
    "data-nospace": {"chromium-nextjs-hook"},
    "id-comment": {"chromium-fetch-event-source", "httpx-sse"},
}


@pytest.mark.parametrize("quirk", sorted(BREAKS))
def test_quirk_breaks_exactly_the_clients_that_depart_from_the_spec(
    client_tools: None, tmp_path: Path, quirk: str
) -> None:
    argv = [
        "clients",
        "--proxy-cmd",
        f"{sys.executable} -m tests.harness.compat.quirk_proxy {quirk} --port {{port}}",
        "--proxy-url",
        "http://127.0.0.1:{port}/api/v1/complete",
        "--get",
        "--target-name",
        quirk,
    ]
    status, doc = run_cli(argv, tmp_path)
    cells = cells_of(doc, quirk)
    assert len(cells) == 7  # every SSE client; the openai/ollama SDKs do not fit
    red = {name for name, cell in cells.items() if cell["red"]}
    assert red == BREAKS[quirk], {n: cells[n]["error"] for n in red}
    assert status == 1
    for name in set(cells) - red:
        assert cells[name]["text_ok"] and cells[name]["tokens"] == 42, name
