"""``sse-harness diff OLD NEW``: what changed between two runs of the gate.

OLD and NEW are report.json files or report directories. Prints Markdown fit for a
pull-request comment (docs/ci.md#regressions). Exit status: 1 when NEW has a new
failure (FAILED now and not then; NON-STRICT too with --strict), 0 otherwise, 2 for a
file that is not a report.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from harness.cli._common import Parser
from harness.errors import HarnessError

if TYPE_CHECKING:
    import argparse
    from collections.abc import Sequence


def build_parser() -> argparse.ArgumentParser:
    p = Parser(prog="sse-harness diff", description=__doc__)
    p.add_argument("old", metavar="OLD", help="the earlier report.json or report dir")
    p.add_argument("new", metavar="NEW", help="the later report.json or report dir")
    p.add_argument(
        "--strict", action="store_true", help="a new NON-STRICT result is a failure too"
    )
    p.add_argument("--json", action="store_true", help="print the comparison as JSON")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    import json

    from harness.gate.diff import compare
    from harness.gate.diff_md import to_markdown
    from harness.gate.report_file import load_report

    args = build_parser().parse_args(argv)
    try:
        old = load_report(Path(args.old), "OLD")
        new = load_report(Path(args.new), "NEW")
    except HarnessError as exc:
        print(f"sse-harness diff: error: {exc}", file=sys.stderr)
        return 2
    found = compare(old, new, strict=args.strict)
    if args.json:
        print(json.dumps(found.to_json(), indent=2))
    else:
        print(to_markdown(found, old=args.old, new=args.new), end="")
    return 1 if found.new_failures else 0
