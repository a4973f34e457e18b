"""``sse-harness checks [PATTERN...] [--markdown]``: list the checks (or document them).

Exit status 0; 2 when a pattern matches no check.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from harness.cli._common import Parser, guarded

if TYPE_CHECKING:
    import argparse
    from collections.abc import Sequence

PROG = "sse-harness checks"


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(prog=PROG, description=__doc__)
    parser.add_argument("select", nargs="*", help="patterns")
    parser.add_argument(
        "--markdown",
        action="store_true",
        help="print the catalogue as Markdown (one section per check)",
    )
    return parser


def list_checks(args: argparse.Namespace) -> int:
    from harness.checks import select
    from harness.gate.validate import select_patterns

    # a pattern matching nothing is a usage error (raised), not an empty list
    select_patterns("PATTERN", args.select)
    if args.markdown:
        from harness.checks.doc import render_markdown

        print(render_markdown(select(args.select or ())), end="")
        return 0
    from harness.checks.seen import seen_line

    for check in select(args.select or ()):
        print(
            f"{check.id:<26} {check.level.value:<6} {check.requirement}  [{check.source}]"
        )
        print(f"{'':<26} seen: {seen_line(check.id)}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(list(sys.argv[2:] if argv is None else argv))
    return guarded(PROG, lambda: list_checks(args))
