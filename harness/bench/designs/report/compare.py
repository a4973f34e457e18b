"""Two runs of the same profile side by side: how far apart are they? (pure + main)

    python -m harness.bench.compare run1/bench.json run2/bench.json

For each design x layer x concurrency present in both: TTFT p50 of each run and the
spread |a - b| / mean; then the median and the largest spread, and whether every row
gave the same verdicts (works, streams through the layer).
"""

from __future__ import annotations

import json
import sys
from typing import Any

from harness.bench.designs.metrics import percentile
from harness.runtime.table import Table

Key = tuple[str, str, int]


def _rows(doc: dict[str, Any]) -> dict[Key, dict[str, Any]]:
    return {(r["design"], r["layer"], r["concurrency"]): r for r in doc["rows"]}


def spread(a: float | None, b: float | None) -> float | None:
    if a is None or b is None or a + b <= 0:
        return None
    return abs(a - b) / ((a + b) / 2)


def compare(first: dict[str, Any], second: dict[str, Any]) -> list[str]:
    a_rows, b_rows = _rows(first), _rows(second)
    rows: list[list[str]] = []
    spreads: list[float] = []
    same_all = True
    for key in [k for k in a_rows if k in b_rows]:
        a, b = a_rows[key], b_rows[key]
        ta, tb = a["ttft_ms"]["p50"], b["ttft_ms"]["p50"]
        s = spread(ta, tb)
        diff = "-" if ta is None or tb is None else f"{abs(ta - tb):,.1f}"
        same = all(a[v] == b[v] for v in ("works", "streams_through_layer"))
        same_all = same_all and same
        if s is not None:
            spreads.append(s)
        rows.append(
            [
                str(key[0]), str(key[1]), str(key[2]), _f(ta), _f(tb), diff,
                "-" if s is None else f"{s:.0%}", "yes" if same else "NO",
            ]
        )  # fmt: skip
    med, top = percentile(spreads, 50), max(spreads, default=None)
    head = [
        "design", "layer", "x", "TTFT p50 run 1", "run 2", "difference", "spread",
        "same verdicts",
    ]  # fmt: skip
    lines = Table.of(head, rows, right=(2, 3, 4, 5, 6)).markdown_lines()
    lines += [
        "",
        f"TTFT p50 spread: median {_pc(med)}, largest {_pc(top)}; "
        f"verdicts {'identical' if same_all else 'DIFFER'} in every row.",
    ]
    return lines


def _f(value: float | None) -> str:
    return "-" if value is None else f"{value:,.1f}"


def _pc(value: float | None) -> str:
    return "-" if value is None else f"{value:.0%}"


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2:
        print("usage: python -m harness.bench.compare A/bench.json B/bench.json")
        return 2
    docs = []
    for path in args:
        try:
            with open(path) as file:
                docs.append(json.load(file))
        except (OSError, ValueError) as exc:
            print(f"{path}: {exc}", file=sys.stderr)
            return 2
    print("\n".join(compare(docs[0], docs[1])))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
