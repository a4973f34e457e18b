"""``sse-harness repro issue-4788``: ollama#4788 reproduced with the clients people use.

The mock as Ollama really is (NDJSON, ``Accept`` ignored) is read by every client
directly (``POST /api/generate`` and ``/api/chat`` with ``Accept:
text/event-stream``; targets ``ollama-direct`` and ``ollama-direct-chat``), then
through the bundled reference proxy (``through-proxy``).
``--upstream-mode`` replays the same against a proposal (``sse-on-accept``,
``reject-415``, ``reject-406``). Writes ``clients.json``/``summary.md`` with
``--report-dir``; prints the verdict. Exit 0 (a repro is not a gate), 2 on a usage or
environment error.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from harness.errors import HarnessError, UsageError
from mock_ollama.errors import MockOllamaError

if TYPE_CHECKING:
    from collections.abc import Sequence

ISSUES = ("issue-4788",)
MODES = ("ollama", "sse-on-accept", "reject-415", "reject-406")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    from harness.cli.clients import add_client_options

    p = _Parser(prog="sse-harness repro", description=__doc__)
    p.add_argument("issue", choices=ISSUES)
    p.add_argument(
        "--upstream-mode",
        choices=MODES,
        default="ollama",
        help="how the mock answers Accept: text/event-stream (default: as Ollama does)",
    )
    add_client_options(p)
    return p


def _run(args: argparse.Namespace) -> int:
    from harness.cli.clients import REPO, ready_run
    from harness.clients.drivers import Stream
    from harness.clients.run import (
        ClientRun,
        clients_workdir,
        matrix,
        maybe_browser,
        mock_for_clients,
        read_stream,
        select_clients,
        to_terminal,
        write_matrix,
    )
    from harness.clients.verdict import verdict
    from harness.gate.config import BUNDLED_URL
    from harness.target import TargetSpec, start_target

    if not args.timeout > 0:  # every option checked before anything starts
        raise UsageError(f"--timeout {args.timeout}: must be > 0")
    if args.report_dir:
        from harness.gate.files import preflight

        preflight(Path(args.report_dir))
    run = ClientRun(clients=select_clients(args.client), timeout_s=args.timeout)
    run, notes = ready_run(args, run)
    proxy_spec = TargetSpec(
        cmd=f"{sys.executable} -m proxies.starlette_proxy",
        url=BUNDLED_URL,
        cwd=str(REPO),
    )
    mode = None if args.upstream_mode == "ollama" else args.upstream_mode
    with (
        clients_workdir() as workdir,
        mock_for_clients(workdir, upstream_mode=mode) as mock,
        maybe_browser(run, workdir) as browser,
    ):
        direct = Stream(
            "ollama-direct",
            f"{mock.base_url}/api/generate",
            "ndjson",
            "ollama",
            endpoint="generate",
        )
        chat = Stream(
            "ollama-direct-chat",
            f"{mock.base_url}/api/chat",
            "ndjson",
            "ollama",
            endpoint="chat",
        )
        cells = read_stream(direct, run, workdir, browser=browser)
        cells += read_stream(chat, run, workdir, browser=browser)
        with start_target(proxy_spec, mock.base_url, workdir=workdir) as proxy:
            through = Stream(
                "through-proxy", proxy.url, "sse", "seed", get_url=proxy.url
            )
            cells += read_stream(through, run, workdir, browser=browser)
    found = matrix(
        (direct, chat, through),
        cells,
        (f"upstream mode: {args.upstream_mode}", *notes),
    )
    print(to_terminal(found))
    print()
    print(f"ollama#4788, upstream mode {args.upstream_mode}:")
    print(verdict(found))
    if args.report_dir:
        title = f"ollama#4788 with real clients (upstream mode {args.upstream_mode})"
        paths = write_matrix(found, Path(args.report_dir), title)
        print(f"sse-harness repro: wrote {paths[0]} and {paths[1]}")
    return 0


def main(argv: Sequence[str]) -> int:
    args = build_parser().parse_args(list(argv))
    try:
        return _run(args)
    except (HarnessError, MockOllamaError) as exc:
        print(f"sse-harness repro: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(
            "sse-harness repro: interrupted; every started process was stopped",
            file=sys.stderr,
        )
        return 130
