"""Build the sdist, the pure-Python wheel and the platform wheel with the compiled
parser, into ``dist/`` (or ``--out DIR``).

    .venv/bin/python .ci/build_wheel.py [--out DIR] [--no-native]

Both wheels are built from the sdist (a clean tree: nothing built in place, such as
the in-place mypyc build of ``.ci/setup``, can slip into a wheel). The platform wheel
(``SSE_HARNESS_MYPYC=1``, see ``setup.py``) needs mypy (mypyc), setuptools and a C
compiler with the Python headers in this environment; without them only the pure
wheel is built and this says why. Prints the paths built, one a line.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TIMEOUT_S = 900


def _build(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> None:
    """``python -m build``; its output only when it fails (setuptools is chatty)."""
    try:
        subprocess.run(
            [sys.executable, "-m", "build", "--no-isolation", *args],
            cwd=cwd,
            env=env,
            check=True,
            timeout=TIMEOUT_S,
            capture_output=True,
            text=True,
        )
    except subprocess.CalledProcessError as exc:
        sys.stderr.write((exc.stdout or "")[-3000:] + (exc.stderr or "")[-3000:])
        raise


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog=".ci/build_wheel.py")
    parser.add_argument("--out", default=str(ROOT / "dist"), help="output directory")
    parser.add_argument(
        "--no-native", action="store_true", help="skip the platform wheel"
    )
    args = parser.parse_args(argv)
    out = Path(args.out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    before = set(out.iterdir())
    _build(["--sdist", "--outdir", str(out)], ROOT)
    (sdist,) = [p for p in set(out.iterdir()) - before if p.suffix == ".gz"]
    with tempfile.TemporaryDirectory(prefix="sse-wheel-") as tmp:
        with tarfile.open(sdist) as tar:
            tar.extractall(tmp, filter="data")
        (tree,) = Path(tmp).iterdir()
        pure_env = {k: v for k, v in os.environ.items() if k != "SSE_HARNESS_MYPYC"}
        _build(["--wheel", "--outdir", str(out)], tree, pure_env)
        if not args.no_native:
            try:
                _build(
                    ["--wheel", "--outdir", str(out)],
                    tree,
                    {**pure_env, "SSE_HARNESS_MYPYC": "1"},
                )
            except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
                print(
                    f"build_wheel: no platform wheel (mypyc build failed: {exc}); "
                    "the pure wheel runs everywhere",
                    file=sys.stderr,
                )
    for path in sorted(set(out.iterdir()) - before):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
