"""``sse-harness repro issue-4788``: ollama#4788 reproduced with the clients people use.

The mock as Ollama really is (NDJSON, ``Accept`` ignored) is read by every client
directly (``POST /api/generate`` and ``/api/chat`` with ``Accept:
text/event-stream``; targets ``ollama-direct`` and ``ollama-direct-chat``), then
through the bundled reference proxy (``through-proxy``).
``--upstream-mode`` replays the same against a proposal (``sse-on-accept``,
``reject-415``, ``reject-406``). Writes ``clients.json``/``summary.md`` with
``--report-dir``; prints the verdict. Exit 0 (a repro is not a gate), 2 on a usage or
environment error, 130 / 143 when interrupted.
"""

from __future__ import annotations

import sys
import time
from typing import TYPE_CHECKING

from harness.cli._common import Parser, guarded, report_dir

if TYPE_CHECKING:
    import argparse
    from collections.abc import Sequence

    from harness.compat.model import Matrix

PROG = "sse-harness repro"
ISSUES = ("issue-4788",)
MODES = ("ollama", "sse-on-accept", "reject-415", "reject-406")


def build_parser() -> argparse.ArgumentParser:
    from harness.cli.clients import add_client_options

    p = Parser(prog=PROG, description=__doc__)
    p.add_argument("issue", choices=ISSUES)
    p.add_argument(
        "--upstream-mode",
        choices=MODES,
        default="ollama",
        help="how the mock answers Accept: text/event-stream (default: as Ollama does)",
    )
    add_client_options(p)
    return p


def repro(args: argparse.Namespace, argv: Sequence[str]) -> int:
    from harness.cli.clients import (
        MatrixOutput,
        check_timeout,
        ready_run,
        show_matrix,
    )
    from harness.compat.drivers import Stream
    from harness.compat.matrix import MATRIX_NAMES, MOCK, TARGET
    from harness.compat.run import ClientRun, select_clients
    from harness.compat.verdict import verdict
    from harness.gate.config import bundled_proxy
    from harness.probe.dialects import DEFAULT
    from harness.target import TargetSpec

    started = time.time()
    check_timeout(args.timeout)  # every option checked before anything starts
    run = ClientRun(clients=select_clients(args.client), timeout_s=args.timeout)
    run, notes = ready_run(args, run)
    cmd, url, cwd = bundled_proxy()
    directory = report_dir(args.report_dir, MATRIX_NAMES)
    streams = (
        Stream(
            "ollama-direct",
            f"{MOCK}/api/generate",
            "ndjson",
            "ollama",
            endpoint="generate",
        ),
        Stream(
            "ollama-direct-chat",
            f"{MOCK}/api/chat",
            "ndjson",
            "ollama",
            endpoint="chat",
        ),
        Stream("through-proxy", TARGET, "sse", DEFAULT, get_url=TARGET),
    )
    mode = None if args.upstream_mode == "ollama" else args.upstream_mode
    title = f"ollama#4788 with real clients (upstream mode {args.upstream_mode})"

    def finish(found: Matrix) -> int:
        print()
        print(f"ollama#4788, upstream mode {args.upstream_mode}:")
        print(verdict(found))
        return 0  # a repro is not a gate

    return show_matrix(
        streams,
        run,
        MatrixOutput(title, directory, started, argv),
        finish,
        target=TargetSpec(cmd=cmd, url=url, cwd=cwd),
        upstream_mode=mode,
        notes=(f"upstream mode: {args.upstream_mode}", *notes),
    )


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[2:] if argv is None else argv)
    args = build_parser().parse_args(argv)
    return guarded(PROG, lambda: repro(args, ["sse-harness", "repro", *argv]))
