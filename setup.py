"""The build hook of the wheel: pyproject.toml holds everything else.

With ``SSE_HARNESS_MYPYC=1`` in the environment the wheel is a platform wheel in which
the parser modules of ``harness.sse`` (``harness.sse.build.MODULES``) are
also compiled with mypyc, and ``harness/sse/native.stamp`` holds the digest of the
sources they were built from (a build that does not match its sources never runs:
``harness.sse.build``). Without it: the pure-Python wheel. Built by
``.ci/build_wheel.py`` (mypy and setuptools in the building environment).
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path
from typing import Any

from setuptools import setup  # type: ignore[import-untyped]
from setuptools.command.build_py import build_py  # type: ignore[import-untyped]

HERE = Path(__file__).resolve().parent
SSE = Path("harness") / "sse"


def _implementation() -> Any:
    """harness/sse/build.py alone (importing harness.sse would load it all)."""
    path = HERE / SSE / "build.py"
    spec = importlib.util.spec_from_file_location("_sse_build", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class _BuildPyWithStamp(build_py):  # type: ignore[misc]
    """build_py, then the stamp of the compiled sources beside them."""

    def run(self) -> None:
        super().run()
        stamp = Path(self.build_lib) / SSE / "native.stamp"
        stamp.write_text(_implementation().digest() + "\n")


def _mypyc() -> dict[str, Any]:
    if os.environ.get("SSE_HARNESS_MYPYC", "") in ("", "0"):
        return {}
    from mypyc.build import mypycify

    modules = _implementation().MODULES
    sources = [str(SSE / f"{m}.py") for m in modules]
    return {
        "ext_modules": mypycify(sources, group_name="harness.sse.native"),
        "cmdclass": {"build_py": _BuildPyWithStamp},
    }


setup(**_mypyc())
