"""``sse-harness clients``: real client libraries read the proxy's stream; the matrix.

Same target options as ``run``; ``--client NAME`` (repeatable, default every client
that fits the target), ``--get`` (the target also serves ``GET URL?prompt=…``, so the
browser's EventSource can read it), ``--report-dir DIR`` → ``clients.json`` and
``summary.md``, ``--chromium PATH`` (the browser of the chromium-* clients). The Node
drivers are installed into the cache on first use (docs/install.md); a client that
cannot run here (no node, no Chromium, a missing library) is left out with one line
naming the fix, or, when named with ``--client``, is an environment error. Exit status
0 when every cell is green, 1 when one is red, 2 for a usage or environment error,
130 / 143 when interrupted.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from harness.cli._common import Parser, guarded, report_dir, stopped_words
from harness.errors import UsageError

if TYPE_CHECKING:
    import argparse
    from collections.abc import Callable, Sequence
    from pathlib import Path

    from harness.compat.drivers import Stream
    from harness.compat.matrix import SoFar
    from harness.compat.model import Matrix
    from harness.compat.run import ClientRun
    from harness.gate.config import RunConfig

PROG = "sse-harness clients"


def add_client_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--client",
        action="append",
        default=[],
        metavar="NAME",
        help="a client to run (repeatable; default: every one that fits the target)",
    )
    p.add_argument(
        "--timeout",
        type=float,
        default=15.0,
        help="seconds each client may take to read the stream (default 15)",
    )
    p.add_argument("--report-dir", help="write clients.json and summary.md here")
    p.add_argument(
        "--chromium",
        metavar="PATH",
        help="the browser for the chromium-* clients (default: $SSE_HARNESS_CHROMIUM, "
        "else chromium, chromium-browser, google-chrome on PATH)",
    )


def ready_run(
    args: argparse.Namespace, run: ClientRun
) -> tuple[ClientRun, tuple[str, ...]]:
    """The clients this machine can run (before anything starts); a note on stderr
    for each left out."""
    from harness.compat.ready import ready

    found, notes = ready(run, explicit=bool(args.client), chromium=args.chromium)
    for note in notes:
        print(f"sse-harness: {note}", file=sys.stderr)
    return found, notes


def check_timeout(seconds: float) -> None:
    if not seconds > 0:
        raise UsageError(f"--timeout {seconds}: must be > 0")


def build_parser() -> argparse.ArgumentParser:
    from harness.gate.adoption_options import NAMES
    from harness.gate.options import add_to_argparse

    p = Parser(prog=PROG, description=__doc__)
    add_to_argparse(p, exclude=("strict", "report-dir", "quiet", *NAMES))
    p.add_argument(
        "--get",
        action="store_true",
        help="the target also serves GET URL?prompt=… (needed by EventSource)",
    )
    p.add_argument("--target-name", default="proxy", help="its column in the matrix")
    add_client_options(p)
    return p


def target_config(args: argparse.Namespace) -> RunConfig:
    """The one place this command leans on the gate's option table. Without target
    options the target is the bundled Starlette reference proxy (GET included)."""
    from harness.gate.config import bundled_proxy, config_from

    if args.proxy_cmd is None and args.proxy_url is None:
        args.proxy_cmd, args.proxy_url, cwd = bundled_proxy()
        args.cwd = args.cwd or cwd
        args.get = True  # the bundled proxy serves GET ?prompt= too
    return config_from(vars(args))


def clients(args: argparse.Namespace, argv: Sequence[str]) -> int:
    from harness.compat.drivers import Stream
    from harness.compat.matrix import MATRIX_NAMES, TARGET
    from harness.compat.run import ClientRun, select_clients
    from harness.install.pieces import require_layers

    started = time.time()
    check_timeout(args.timeout)
    config = target_config(args)
    run = ClientRun(
        clients=select_clients(args.client),
        timeout_s=args.timeout,
        model=config.model,
        headers=config.headers,
        token_key=config.token_key,
        done_key=config.done_key,
    )
    run, notes = ready_run(args, run)
    require_layers(config.layers)
    directory = report_dir(args.report_dir, MATRIX_NAMES)
    get_url = TARGET if args.get else None
    stream = Stream(args.target_name, TARGET, "sse", config.dialect, get_url=get_url)
    return show_matrix(
        (stream,),
        run,
        MatrixOutput("Client compatibility", directory, started, argv),
        lambda found: 1 if found.red() else 0,
        target=config.target_spec(),
        layers=config.layers,
        mock_port=config.mock_port,
        notes=notes,
    )


@dataclass(frozen=True)
class MatrixOutput:
    """Where a matrix command's result goes: its title, the report directory (None:
    the terminal only), and the start time and command line the files are stamped
    with."""

    title: str
    directory: Path | None
    started: float
    argv: Sequence[str]

    @property
    def prog(self) -> str:
        """The command, as its messages start: ``sse-harness clients``."""
        return f"sse-harness {self.argv[1]}" if len(self.argv) > 1 else PROG


def show_matrix(
    streams: Sequence[Stream],
    run: ClientRun,
    out: MatrixOutput,
    finish: Callable[[Matrix], int],
    **where: Any,
) -> int:
    """Read ``streams`` with the clients (``where``: the keywords of
    ``run_matrix``), print the matrix, let ``finish`` print what follows it and say
    the exit status, write the report files. Interrupted: the partial matrix."""
    from harness.compat.matrix import SoFar, run_matrix, to_terminal, write_matrix
    from harness.runtime.files import Stamp

    so_far = SoFar()
    try:
        found = run_matrix(streams, run, so_far=so_far, **where)
    except KeyboardInterrupt as exc:
        return partial(so_far, exc, out)
    print(to_terminal(found))
    status = finish(found)
    if out.directory is not None:
        stamp = Stamp.since(out.started, out.argv)
        paths = write_matrix(found, out.directory, out.title, stamp)
        print(f"{out.prog}: wrote {paths[0]} and {paths[1]}")
    return status


def partial(so_far: SoFar, exc: KeyboardInterrupt, out: MatrixOutput) -> int:
    """Ctrl-C or SIGTERM: every started process is stopped; the cells read so far
    are written (stamped, the matrix noting it is partial); exit 130 or 143."""
    from harness.compat.matrix import write_matrix
    from harness.runtime.files import Stamp
    from harness.runtime.signals import exit_status

    status = exit_status(exc)
    what = stopped_words(status)
    print(f"{out.prog}: {what}; every started process was stopped", file=sys.stderr)
    if out.directory is not None:
        found = so_far.matrix((f"{what}: partial matrix",))
        stamp = Stamp.since(out.started, out.argv)
        paths = write_matrix(found, out.directory, out.title, stamp)
        print(f"{out.prog}: wrote {paths[0]} and {paths[1]}", file=sys.stderr)
    return status


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[2:] if argv is None else argv)
    args = build_parser().parse_args(argv)
    return guarded(PROG, lambda: clients(args, ["sse-harness", "clients", *argv]))
