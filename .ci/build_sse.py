"""Compile harness.sse's parser modules with mypyc, in place; run by .ci/setup.

    .venv/bin/python .ci/build_sse.py [--force]

Builds the extension modules of ``harness.sse.build.MODULES`` beside their
sources (one shared library, ``harness/sse/native__mypyc*.so``, and a small one per
module) and then writes ``harness/sse/native.stamp``, the digest of the sources built.
Does nothing when the stamp matches the sources (``--force``: build anyway). On
failure it removes whatever it built, says so in one line and exits 1: the parser then
runs from the Python source (harness.sse.build), only slower.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import io
import os
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from types import ModuleType

ROOT = Path(__file__).resolve().parents[1]


def _sse_build() -> ModuleType:
    """harness/sse/build.py alone: importing harness.sse would load the
    extension modules this script is about to replace."""
    path = ROOT / "harness" / "sse" / "build.py"
    spec = importlib.util.spec_from_file_location("_sse_build", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


sse_build = _sse_build()

GROUP = "harness.sse.native"  # the shared library: harness/sse/native__mypyc*.so


def products() -> list[Path]:
    names = (*sse_build.MODULES, "native__mypyc")
    found = [p for n in names for p in sse_build.HERE.glob(f"{n}.*.so")]
    return [*found, sse_build.STAMP]


def build() -> None:
    from mypyc.build import mypycify
    from setuptools import setup

    sources = [str(sse_build.HERE / f"{m}.py") for m in sse_build.MODULES]
    with tempfile.TemporaryDirectory(prefix="sse-mypyc-") as tmp:
        # setuptools reads the pyproject.toml of the working directory: not ours
        os.chdir(tmp)
        modules = mypycify(sources, group_name=GROUP, target_dir=f"{tmp}/c")
        args = ["build_ext", "--build-lib", str(ROOT), "--build-temp", f"{tmp}/t"]
        log = io.StringIO()
        try:
            with contextlib.redirect_stdout(log), contextlib.redirect_stderr(log):
                setup(name="harness-sse-native", ext_modules=modules, script_args=args)
        except BaseException:
            sys.stderr.write(log.getvalue()[-4000:])
            raise
        finally:
            os.chdir(ROOT)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog=".ci/build_sse.py")
    parser.add_argument("--force", action="store_true", help="build even if current")
    args = parser.parse_args(argv)
    digest = sse_build.digest()
    stamp = sse_build.STAMP
    if not args.force and stamp.exists() and stamp.read_text().strip() == digest:
        return 0
    for path in products():
        path.unlink(missing_ok=True)
    try:
        build()
    except (Exception, SystemExit) as exc:
        for path in products():
            path.unlink(missing_ok=True)
        print(
            f"[setup] mypyc build of harness.sse failed ({str(exc)[:300]}): pure Python",
            file=sys.stderr,
        )
        return 1
    stamp.write_text(digest + "\n")
    print("[setup] harness.sse compiled with mypyc", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
