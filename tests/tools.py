"""Helpers shared by the project's own tests."""

from __future__ import annotations

import os
import shutil

import pytest


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
