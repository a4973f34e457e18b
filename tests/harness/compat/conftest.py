"""Shared by the client-matrix tests: the tools they need and a run of the CLI."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from harness.cli.main import main
from tests.tools import require_tool


@pytest.fixture
def client_tools() -> None:
    """node, chromium and the npm packages (fail under CI=true when missing)."""
    require_tool("node", "bash .ci/setup installs it")
    require_tool("chromium", "bash .ci/setup installs Debian's chromium")
    modules = Path(__file__).resolve().parents[3] / "harness/compat/node/node_modules"
    if not modules.is_dir():
        require_tool("missing-npm-packages", f"run npm ci in {modules.parent}")


def run_cli(argv: list[str], report_dir: Path) -> tuple[int, dict[str, Any]]:
    status = main([*argv, "--report-dir", str(report_dir)])
    doc = json.loads((report_dir / "clients.json").read_text())
    return status, doc


def cells_of(doc: dict[str, Any], target: str) -> dict[str, dict[str, Any]]:
    return {c["client"]: c for c in doc["cells"] if c["target"] == target}
