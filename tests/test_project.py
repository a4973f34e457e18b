"""Project-wide rules: the pure core stays pure, the code stays ruff- and mypy-clean."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

#: modules of the pure core: standard library only (DESIGN.md "Rooms and the way data flows")
PURE = [
    "harness.sse",
    "harness.checks",
    "harness.gate.report",
    "harness.gate.plan",
    "harness.gate.judge",
    "harness.gate.options",
    "harness.checks.doc",
    "harness.probe.dialects",
    "harness.probe.transcript",
    "harness.upstream.exchanges",
    "harness.probe.expected",
    "harness.probe.catalog",
    "harness.probe.requests",
    "mock_ollama.recording",
    "mock_ollama.timestamps",
    "mock_ollama.annotation",
    "mock_ollama.schedule",
    "mock_ollama.policies",
    "mock_ollama.marker",
    "mock_ollama.catalog",
    "mock_ollama.gojson",
    "mock_ollama.godecode",
    "mock_ollama.responses",
    "mock_ollama.error_answers",
    "mock_ollama.request_fields",
    "mock_ollama.models",
    "mock_ollama.aggregation",
    "mock_ollama.endpoints",
    "mock_ollama.native_endpoints",
    "mock_ollama.openai_endpoints",
]
FORBIDDEN = (
    "httpx",
    "starlette",
    "uvicorn",
    "anyio",
    "h11",
    "h2",
    "pytest",
    "asyncio",
    "socket",
    "trustme",
)


@pytest.mark.parametrize("module", PURE)
def test_pure_core_imports_only_the_standard_library(module):
    code = (
        f"import sys; import {module}; "
        f"bad = sorted(m for m in {FORBIDDEN!r} if m in sys.modules); print(','.join(bad))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    assert out.stdout.strip() == "", f"{module} pulls in {out.stdout.strip()}"


def _tool(name: str) -> list[str]:
    exe = Path(sys.executable).parent / name
    return [str(exe)] if exe.exists() else [sys.executable, "-m", name]


def test_ruff_clean():
    out = subprocess.run(
        [*_tool("ruff"), "check", "."], capture_output=True, text=True, cwd=ROOT
    )
    assert out.returncode == 0, out.stdout[-4000:] + out.stderr[-2000:]


def test_ruff_format_clean():
    out = subprocess.run(
        [*_tool("ruff"), "format", "--check", "."],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert out.returncode == 0, out.stdout[-4000:] + out.stderr[-2000:]


@pytest.mark.slow
def test_mypy_strict_clean():
    out = subprocess.run([*_tool("mypy")], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0, out.stdout[-6000:] + out.stderr[-2000:]
