"""``python -m proxies.starlette_proxy``: bad input is one line and exit status 2."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.proxies.proxy_process import ROOT


def run(
    *argv: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "proxies.starlette_proxy", *argv],
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT)} | (env or {}),
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )


@pytest.mark.parametrize(
    ("argv", "env", "word"),
    [
        (["--defect", "nope"], {}, "invalid choice"),
        ([], {"PROXY_DEFECT": "nope"}, "unknown defect"),
        ([], {"PORT": "http"}, "PORT"),
        ([], {"OLLAMA_URL": "ftp://x"}, "upstream"),
    ],
)
def test_bad_settings_exit_2_with_one_line(
    argv: list[str], env: dict[str, str], word: str
) -> None:
    result = run(*argv, env=env)
    assert result.returncode == 2
    assert word in result.stderr
    assert "Traceback" not in result.stderr


def test_help_lists_the_defects() -> None:
    result = run("--help")
    assert result.returncode == 0
    assert "fabricate-done" in result.stdout
