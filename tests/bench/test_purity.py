"""The benchmark's pure modules import only the standard library (and each other)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.test_project import ROOT

PURE = [
    "harness.bench.designs.metrics",
    "harness.bench.designs.design",
    "harness.bench.designs.report.samples",
    "harness.bench.designs.profiles",
    "harness.bench.designs.report.json",
    "harness.bench.designs.report.md",
    "harness.bench.designs.report.compare",
]
ALSO_FORBIDDEN = (
    "httpx", "starlette", "uvicorn", "anyio", "h11", "h2", "pytest", "asyncio",
    "socket", "trustme", "plotly", "rich", "locust", "gevent", "wsproto",
)  # fmt: skip


@pytest.mark.parametrize("module", PURE)
def test_pure_bench_modules(module: str) -> None:
    code = (
        f"import sys; import {module}; bad = sorted(m for m in {ALSO_FORBIDDEN!r} "
        "if m in sys.modules); print(','.join(bad))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
        check=True,
    )  # fmt: skip
    assert out.stdout.strip() == "", f"{module} pulls in {out.stdout.strip()}"
