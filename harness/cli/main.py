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
from harness.gate.config import config_from
from harness.gate.options import add_to_argparse
from mock_ollama.errors import MockOllamaError

if TYPE_CHECKING:
    from collections.abc import Sequence


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line and exit status 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message}\n")


def cmd_run(args: argparse.Namespace, argv: Sequence[str]) -> int:
    """Check every option (also that the report can be written) before anything
    starts; a usage error writes nothing. Then clear the report files this run writes,
    run with progress on stderr and SIGTERM trapped, and write the stamped reports."""
    from harness.gate import badges, output, report
    from harness.gate.adopt import conclude
    from harness.gate.config_file import merged
    from harness.gate.files import remove_stale
    from harness.gate.progress import make_progress
    from harness.gate.signals import exit_status, trapped

    started = time.time()
    try:
        args = argparse.Namespace(**merged(vars(args), argv[2:], Path.cwd()))
        config = config_from(vars(args))
    except HarnessError as exc:
        print(f"sse-harness run: error: {exc}", file=sys.stderr)
        return 2
    report_dir = Path(args.report_dir) if args.report_dir else None
    if report_dir is not None:
        remove_stale(report_dir)
        remove_stale(report_dir, badges.NAMES)

    def failed(error: str, status: int) -> int:
        if report_dir is not None:
            stamp = output.stamp(started, argv)
            target = output.target_of(config)
            output.write_error_report(report_dir, target, error, status, stamp)
        return status

    progress = make_progress(args.quiet)
    progress.phase("starting the gate")  # before the heavier imports: shown at once
    try:
        with trapped():
            from harness.gate.run import run

            result = run(config, progress=progress)
    except (HarnessError, MockOllamaError) as exc:
        progress.close()
        print(f"sse-harness run: error: {exc}", file=sys.stderr)
        return failed(str(exc), 2)
    except KeyboardInterrupt as exc:
        progress.close()
        status = exit_status(exc)
        what = "terminated" if status == 143 else "interrupted"  # SIGTERM, SIGINT
        print(
            f"sse-harness run: {what}; every started process was stopped",
            file=sys.stderr,
        )
        return failed(what, status)
    finally:
        progress.close()
    try:  # known failures and the baseline: docs/ci.md
        adopted = conclude(result, vars(args))
    except HarnessError as exc:
        print(f"sse-harness run: error: {exc}", file=sys.stderr)
        return failed(str(exc), 2)
    status = adopted.status
    print(report.to_terminal(result.results, known=adopted.known))
    for note in (*result.notes, *adopted.notes):
        print(f"note: {note}")
    counts = ", ".join(f"{k}: {v}" for k, v in result.summary().items())
    print(f"sse-harness: {counts} in {result.duration_s:.1f} s -> exit {status}")
    if report_dir is not None:
        stamp = output.stamp(started, argv)
        written = output.write_reports(report_dir, result, status, stamp, adopted)
        print(f"sse-harness: wrote {', '.join(map(str, written))}")
        for path in written:
            if path.suffix == ".html":
                print(f"sse-harness: the HTML report: {path.resolve().as_uri()}")
    if args.junit:
        junit = output.write_junit(Path(args.junit), result, args.strict, adopted)
        print(f"sse-harness: wrote {junit}")
    return status


def cmd_checks(args: argparse.Namespace) -> int:
    from harness.checks import select
    from harness.gate.validate import select_patterns

    try:  # a pattern matching nothing is a usage error, not an empty list
        select_patterns("PATTERN", args.select)
    except HarnessError as exc:
        print(f"sse-harness checks: error: {exc}", file=sys.stderr)
        return 2

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


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="sse-harness",
        description="Conformance gate for NDJSON-to-SSE proxies in front of Ollama.",
    )
    parser.add_argument(
        "--version", action="version", version=f"sse-harness {__version__}"
    )
    # not required=True: argparse would then name the missing command before an
    # unknown option (``sse-harness --bogus``); main() reports a missing command itself
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)
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
        ("diff", "compare two runs' reports: new failures, fixes, timing"),
        ("clients", "real client libraries read the proxy"),
        ("repro", "reproduce an upstream issue with real clients"),
        ("doctor", "what this installation can do, and how to get what is missing"),
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
    if argv and argv[0] == "diff":
        from harness.cli import diff as diff_cmd

        return diff_cmd.main(argv[1:])
    if argv and argv[0] == "doctor":
        from harness.cli import doctor

        return doctor.main(argv[1:])
    if argv and argv[0] in ("clients", "repro"):
        from harness.cli.clients import main as clients_main
        from harness.cli.repro import main as repro_main

        return {"clients": clients_main, "repro": repro_main}[argv[0]](argv[1:])
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.error(
            "a command is required: run, checks, diff, parse, clients, repro, bench"
            " or doctor"
        )
    try:
        if args.command == "run":
            return cmd_run(args, ["sse-harness", *argv])
        return cmd_checks(args)
    except KeyboardInterrupt:
        print("sse-harness: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
