"""``sse-harness run``: start the mock and the proxy, run the checks, write the report.

Exit status: 0 when nothing FAILED (with --strict: nothing NON-STRICT either), 1 when
something did, 2 for a usage or environment error — never confused with a verdict —,
130 / 143 when interrupted (the report then says so, stamped).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from harness.cli._common import Parser, guarded, stopped_words
from harness.errors import HarnessError
from harness.gate.config import config_from
from harness.gate.options import add_to_argparse
from mock_ollama.errors import MockOllamaError

if TYPE_CHECKING:
    from collections.abc import Sequence

PROG = "sse-harness run"


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(prog=PROG, description=__doc__)
    add_to_argparse(parser)
    return parser


def run(args: argparse.Namespace, argv: Sequence[str]) -> int:
    """Check every option (also that the report can be written) before anything
    starts; a usage error writes nothing. Then clear the report files this run writes,
    run with progress on stderr, and write the stamped reports."""
    from harness.gate import badges, output, report
    from harness.gate.adopt import conclude
    from harness.gate.config_file import merged
    from harness.runtime.files import remove_stale
    from harness.runtime.progress import make_progress
    from harness.runtime.signals import exit_status

    started = time.time()
    try:
        args = argparse.Namespace(**merged(vars(args), argv[2:], Path.cwd()))
        config = config_from(vars(args))
    except HarnessError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
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
        from harness.gate.run import run as run_gate

        result = run_gate(config, progress=progress)
    except (HarnessError, MockOllamaError) as exc:
        progress.close()
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return failed(str(exc), 2)
    except KeyboardInterrupt as exc:
        progress.close()
        status = exit_status(exc)
        what = stopped_words(status)
        print(f"{PROG}: {what}; every started process was stopped", file=sys.stderr)
        return failed(what, status)
    finally:
        progress.close()
    try:  # known failures and the baseline: docs/ci.md
        adopted = conclude(result, vars(args))
    except HarnessError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
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


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[2:] if argv is None else argv)
    args = build_parser().parse_args(argv)
    return guarded(PROG, lambda: run(args, ["sse-harness", "run", *argv]))
