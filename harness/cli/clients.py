"""``sse-harness clients``: real client libraries read the proxy's stream; the matrix.

Same target options as ``run``; ``--client NAME`` (repeatable, default every client
that fits the target), ``--get`` (the target also serves ``GET URL?prompt=…``, so the
browser's EventSource can read it), ``--report-dir DIR`` → ``clients.json`` and
``summary.md``, ``--chromium PATH`` (the browser of the chromium-* clients). The Node
drivers are installed into the cache on first use (docs/install.md); a client that
cannot run here (no node, no Chromium, a missing library) is left out with one line
naming the fix, or, when named with ``--client``, is an environment error. Exit status
0 when every cell is green, 1 when one is red, 2 for a usage or environment error.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from harness.errors import HarnessError
from mock_ollama.errors import MockOllamaError

if TYPE_CHECKING:
    from collections.abc import Sequence

    from harness.clients.run import ClientRun
    from harness.gate.run import RunConfig


REPO = Path(__file__).resolve().parents[2]


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message}\n")


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
    from harness.clients.ready import ready

    found, notes = ready(run, explicit=bool(args.client), chromium=args.chromium)
    for note in notes:
        print(f"sse-harness: {note}", file=sys.stderr)
    return found, notes


def build_parser() -> argparse.ArgumentParser:
    from harness.gate.adoption_options import NAMES
    from harness.gate.options import add_to_argparse

    p = _Parser(prog="sse-harness clients", description=__doc__)
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
    from harness.gate.config import BUNDLED_URL, config_from

    if args.proxy_cmd is None and args.proxy_url is None:
        args.proxy_cmd = f"{sys.executable} -m proxies.starlette_proxy"
        args.proxy_url = BUNDLED_URL
        args.cwd = args.cwd or str(REPO)
        args.get = True  # the bundled proxy serves GET ?prompt= too
    return config_from(vars(args))


def _run(args: argparse.Namespace) -> int:
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
    from harness.install.pieces import require_layers
    from harness.layers import open_layer, parse_layer
    from harness.target import TargetSpec, start_target

    if not args.timeout > 0:
        raise_usage(f"--timeout {args.timeout}: must be > 0")
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
    spec = TargetSpec(
        cmd=config.proxy_cmd,
        url=config.proxy_url,
        env=dict(config.env),
        startup_timeout=config.startup_timeout,
        cwd=config.cwd,
    )
    cells = []
    streams = []
    with (
        clients_workdir() as workdir,
        mock_for_clients(workdir, port=config.mock_port) as mock,
        start_target(spec, mock.base_url, workdir=workdir) as proxy,
        maybe_browser(run, workdir) as browser,
    ):
        for name in config.layers:
            layer_dir = workdir / name.replace(":", "_")
            layer_dir.mkdir(exist_ok=True)
            with open_layer(
                parse_layer(name), proxy.port, workdir=layer_dir, read_timeout_s=30
            ) as layer:
                url = layer.rewrite(proxy.url)
                stream = Stream(
                    args.target_name,
                    url,
                    "sse",
                    config.dialect,
                    get_url=url if args.get else None,
                )
                streams.append(stream)
                cells += read_stream(stream, run, workdir, browser=browser, layer=name)
    found = matrix(streams[:1], cells, notes)
    print(to_terminal(found))
    if args.report_dir:
        paths = write_matrix(found, Path(args.report_dir), "Client compatibility")
        print(f"sse-harness clients: wrote {paths[0]} and {paths[1]}")
    return 1 if found.red() else 0


def raise_usage(message: str) -> NoReturn:
    from harness.errors import UsageError

    raise UsageError(message)


def main(argv: Sequence[str]) -> int:
    args = build_parser().parse_args(list(argv))
    try:
        return _run(args)
    except (HarnessError, MockOllamaError) as exc:
        print(f"sse-harness clients: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(
            "sse-harness clients: interrupted; every started process was stopped",
            file=sys.stderr,
        )
        return 130
