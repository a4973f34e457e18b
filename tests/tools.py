"""Helpers shared by the project's own tests."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import pytest

if TYPE_CHECKING:
    from collections.abc import Callable

T = TypeVar("T")


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def require_tool(name: str, hint: str = "") -> str:
    """Path of executable ``name``; skip locally, FAIL under CI=true when it is missing."""
    __tracebackhide__ = True
    path = shutil.which(name)
    if path is None and name == "nginx":
        path = next(
            (
                p
                for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx")
                if os.access(p, os.X_OK)
            ),
            None,
        )
    if path is not None:
        return path
    message = f"{name} is not installed{': ' + hint if hint else ''}"
    if in_ci():
        pytest.fail(f"CI=true and {message}", pytrace=False)
    pytest.skip(message)


def wait_until(predicate: Callable[[], T], timeout: float, interval: float = 0.01) -> T:
    """Call ``predicate`` every ``interval`` s until it returns something truthy.

    Returns that value, or the falsy value of one last call once ``timeout`` seconds
    have passed, so ``assert wait_until(...)`` fails with the state at the deadline.
    """
    deadline = time.monotonic() + timeout
    while True:
        found = predicate()
        if found or time.monotonic() >= deadline:
            return found
        time.sleep(min(interval, max(0.0, deadline - time.monotonic())))


def dead(pid: int) -> bool:
    """Gone, or a zombie nobody reaps (orphans of a container's PID 1)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return True
    return stat[stat.rfind(")") + 2] in "ZX"


def pgrep(*args: str) -> list[str]:
    """Lines of ``pgrep ARGS`` (without pgrep itself), ``[]`` when nothing matches.

    Fails the test when pgrep is missing or errs: an unchecked leftover-process
    assertion would pass without looking (pgrep exits 0 found, 1 none, 2+ error).
    """
    __tracebackhide__ = True
    exe = shutil.which("pgrep")
    if exe is None:
        pytest.fail(
            "pgrep is not installed (procps): cannot look for leftover processes"
        )
    out = subprocess.run([exe, *args], capture_output=True, text=True, check=False)
    if out.returncode not in (0, 1):
        pytest.fail(
            f"pgrep {' '.join(args)} exited {out.returncode}: {out.stderr.strip()}"
        )
    return [line for line in out.stdout.splitlines() if "pgrep" not in line]
