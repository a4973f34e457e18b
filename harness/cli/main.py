"""``sse-harness``: run the gate, parse a captured stream, list the checks.

Exit status of ``run``: 0 when nothing FAILED (with --strict: nothing NON-STRICT either),
1 when something did, 2 for a usage or environment error — never confused with a verdict.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from harness import __version__
from harness.errors import HarnessError
from harness.gate.config import add_run_options, config_from
from mock_ollama.errors import MockOllamaError

if TYPE_CHECKING:
    from collections.abc import Sequence


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line and exit status 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message}\n")


def cmd_run(args: argparse.Namespace) -> int:
    from harness.gate import report
    from harness.gate.run import run, write_file, write_reports

    report_dir = Path(args.report_dir) if args.report_dir else None
    try:
        config = config_from(args)
        result = run(config)
    except (HarnessError, MockOllamaError) as exc:
        print(f"sse-harness run: error: {exc}", file=sys.stderr)
        if report_dir is not None:
            write_file(report_dir, "report.json", _error_report(args, str(exc)))
        return 2
    except KeyboardInterrupt:
        print(
            "sse-harness run: interrupted; every started process was stopped",
            file=sys.stderr,
        )
        if report_dir is not None:
            write_file(
                report_dir, "report.json", _error_report(args, "interrupted", 130)
            )
        return 130
    status = result.exit_status(args.strict)
    print(report.to_terminal(result.results))
    for note in result.notes:
        print(f"note: {note}")
    counts = ", ".join(f"{k}: {v}" for k, v in result.summary().items())
    print(f"sse-harness: {counts} in {result.duration_s:.1f} s -> exit {status}")
    if report_dir is not None:
        written = write_reports(result, report_dir, status)
        print(f"sse-harness: wrote {written[0]} and {written[1]}")
    return status


def _error_report(args: argparse.Namespace, error: str, status: int = 2) -> str:
    import json

    doc = {
        "harness": {"version": __version__},
        "target": {
            "cmd": args.proxy_cmd,
            "url": args.proxy_url,
            "dialect": args.dialect,
        },
        "results": [],
        "summary": {},
        "error": error,
        "exit_status": status,
        "finished_at": time.time(),
    }
    return json.dumps(doc, indent=2) + "\n"


def cmd_checks(args: argparse.Namespace) -> int:
    from harness.checks import select

    for check in select(args.select or ()):
        print(
            f"{check.id:<26} {check.level.value:<6} {check.requirement}  [{check.source}]"
        )
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="sse-harness",
        description="Conformance gate for NDJSON-to-SSE proxies in front of Ollama.",
    )
    parser.add_argument(
        "--version", action="version", version=f"sse-harness {__version__}"
    )
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    run = sub.add_parser(
        "run", help="start the mock and the proxy, run the checks, write the report"
    )
    add_run_options(run)
    run.add_argument(
        "--strict", action="store_true", help="NON-STRICT outcomes fail the run too"
    )
    run.add_argument("--report-dir", help="write report.json and summary.md here")
    checks = sub.add_parser("checks", help="list the checks")
    checks.add_argument("select", nargs="*", help="patterns")
    sub.add_parser(
        "parse",
        help="parse a captured SSE stream (see sse-harness parse --help)",
        add_help=False,
    )
    sub.add_parser("bench", help="benchmark designs (sse-harness bench --help)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "parse":
        from harness.cli import parse as parse_cmd

        return parse_cmd.main(argv[1:])
    if argv and argv[0] == "bench":
        from harness.cli import bench as bench_cmd

        return bench_cmd.main(argv[1:])
    args = build_parser().parse_args(argv)
    try:
        handler = {"run": cmd_run, "checks": cmd_checks}[args.command]
        return handler(args)
    except KeyboardInterrupt:
        print("sse-harness: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
