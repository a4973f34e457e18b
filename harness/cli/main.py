"""``sse-harness``: run the gate, parse a captured stream, list the checks.

Exit status of ``run``: 0 when nothing FAILED (with --strict: nothing NON-STRICT either),
1 when something did, 2 for a usage or environment error — never confused with a verdict.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from harness import __version__
from harness.errors import HarnessError
from harness.gate.config import config_from
from harness.gate.options import add_to_argparse
from mock_ollama.errors import MockOllamaError

if TYPE_CHECKING:
    from collections.abc import Sequence


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line and exit status 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message}\n")


def cmd_run(args: argparse.Namespace) -> int:
    from harness.gate import output, report
    from harness.gate.run import run

    report_dir = Path(args.report_dir) if args.report_dir else None
    target = {"cmd": args.proxy_cmd, "url": args.proxy_url, "dialect": args.dialect}

    def failed(error: str, status: int) -> int:
        if report_dir is not None:
            output.write_error_report(report_dir, target, error, status)
        return status

    try:
        result = run(config_from(vars(args)))
    except (HarnessError, MockOllamaError) as exc:
        print(f"sse-harness run: error: {exc}", file=sys.stderr)
        return failed(str(exc), 2)
    except KeyboardInterrupt:
        print(
            "sse-harness run: interrupted; every started process was stopped",
            file=sys.stderr,
        )
        return failed("interrupted", 130)
    status = result.exit_status(args.strict)
    print(report.to_terminal(result.results))
    for note in result.notes:
        print(f"note: {note}")
    counts = ", ".join(f"{k}: {v}" for k, v in result.summary().items())
    print(f"sse-harness: {counts} in {result.duration_s:.1f} s -> exit {status}")
    if report_dir is not None:
        written = output.write_reports(report_dir, result, status)
        print(f"sse-harness: wrote {' and '.join(map(str, written))}")
    return status


def cmd_checks(args: argparse.Namespace) -> int:
    from harness.checks import select

    if args.markdown:
        from harness.checks.doc import render_markdown

        print(render_markdown(select(args.select or ())), end="")
        return 0
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
    add_to_argparse(run)
    checks = sub.add_parser("checks", help="list the checks")
    checks.add_argument("select", nargs="*", help="patterns")
    checks.add_argument(
        "--markdown",
        action="store_true",
        help="print the catalogue as Markdown (one section per check)",
    )
    sub.add_parser(
        "parse",
        help="parse a captured SSE stream (see sse-harness parse --help)",
        add_help=False,
    )
    sub.add_parser("bench", help="benchmark designs (sse-harness bench --help)")
    for name, what in (
        ("clients", "real client libraries read the proxy"),
        ("repro", "reproduce an upstream issue with real clients"),
    ):
        sub.add_parser(
            name, help=f"{what} (see sse-harness {name} --help)", add_help=False
        )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "parse":
        from harness.cli import parse as parse_cmd

        return parse_cmd.main(argv[1:])
    if argv and argv[0] == "bench":
        from harness.cli import bench as bench_cmd

        return bench_cmd.main(argv[1:])
    if argv and argv[0] in ("clients", "repro"):
        from harness.cli.clients import main as clients_main
        from harness.cli.repro import main as repro_main

        return {"clients": clients_main, "repro": repro_main}[argv[0]](argv[1:])
    args = build_parser().parse_args(argv)
    try:
        handler = {"run": cmd_run, "checks": cmd_checks}[args.command]
        return handler(args)
    except KeyboardInterrupt:
        print("sse-harness: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
