"""``python -m harness.bench.compare A/bench.json B/bench.json``: the short name of
:mod:`harness.bench.designs.report.compare` (two runs' TTFT and verdicts side by side)."""

from __future__ import annotations

from harness.bench.designs.report.compare import main

__all__ = ["main"]

if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
