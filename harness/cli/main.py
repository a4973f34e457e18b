"""``sse-harness``: one table of commands, each a module with ``build_parser()`` and
``main(argv)`` (exit statuses: harness.cli._common)."""

from __future__ import annotations

import importlib
import sys
from typing import TYPE_CHECKING

from harness import __version__
from harness.cli._common import Parser

if TYPE_CHECKING:
    import argparse
    from collections.abc import Callable, Sequence

#: command -> (its module, one line of help)
COMMANDS: dict[str, tuple[str, str]] = {
    "run": (
        "harness.cli.run",
        "start the mock and the proxy, run the checks, write the report",
    ),
    "checks": ("harness.cli.checks", "list the checks"),
    "parse": ("harness.cli.parse", "parse a captured SSE stream"),
    "clients": ("harness.cli.clients", "real client libraries read the proxy"),
    "repro": ("harness.cli.repro", "reproduce an upstream issue with real clients"),
    "bench": ("harness.cli.bench", "benchmark candidate designs"),
    "diff": (
        "harness.cli.diff",
        "compare two runs' reports: new failures, fixes, timing",
    ),
    "doctor": (
        "harness.cli.doctor",
        "what this installation can do, and how to get what is missing",
    ),
}


def command(name: str) -> Callable[[Sequence[str]], int]:
    """The ``main(argv)`` of command ``name`` (imported only when it runs)."""
    found: Callable[[Sequence[str]], int] = importlib.import_module(
        COMMANDS[name][0]
    ).main
    return found


def build_parser() -> argparse.ArgumentParser:
    """``sse-harness --help``: every command with its own options (a subparser each)."""
    parser = Parser(
        prog="sse-harness",
        description="Conformance gate for NDJSON-to-SSE proxies in front of Ollama.",
    )
    parser.add_argument(
        "--version", action="version", version=f"sse-harness {__version__}"
    )
    # not required=True: argparse would then name the missing command before an
    # unknown option (``sse-harness --bogus``); main() reports a missing command itself
    sub = parser.add_subparsers(dest="command", parser_class=Parser)
    for name, (module, what) in COMMANDS.items():
        own = importlib.import_module(module).build_parser()
        sub.add_parser(name, help=what, parents=[own], add_help=False)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in COMMANDS:
        return command(argv[0])(argv[1:])
    parser = build_parser()
    parser.parse_args(argv)  # --help, --version and unknown options end here
    parser.error(f"a command is required: {', '.join(COMMANDS)}")


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
