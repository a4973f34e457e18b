"""``mock-ollama``: serve, record, scenarios.

    mock-ollama serve [--host 127.0.0.1] [--port 11434] [--port-file PATH]
                      [--scenario NAME|PATH]... [--scenario-dir DIR]...
                      [--timing T] [--fragment F] [--fault X]...
                      [--header-delay MS] [--gap MS] [--seed N] [--model NAME]...
                      [--any-model] [--ollama-version X.Y.Z] [--openai-layout L]
                      [--max-body BYTES] [--exchange-log N] [--parent-pid PID]
    mock-ollama record --upstream URL --out PATH [--host H] [--port P]
                       [--port-file PATH] [--parent-pid PID]
    mock-ollama scenarios

Bad input gives one line on stderr and exit status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import replace
from typing import TYPE_CHECKING, NoReturn

from mock_ollama import __version__
from mock_ollama.errors import MockOllamaError
from mock_ollama.ollama.config import DEFAULT_MAX_BODY, MockConfig
from mock_ollama.ollama.models import DEFAULT_VERSION
from mock_ollama.replay.exchange_log import DEFAULT_CAPACITY
from mock_ollama.scenario.catalog import BUNDLED_DIR, load_bundled, load_dir, resolve
from mock_ollama.scenario.policies import (
    Policies,
    parse_fault,
    parse_fragment,
    parse_timing,
)
from mock_ollama.server.parent_watch import ENV
from mock_ollama.server.serve import DEFAULT_HOST, DEFAULT_PORT

if TYPE_CHECKING:
    from collections.abc import Callable


class _Usage(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise _Usage(message)


def _policy(parse: Callable[[str], object]) -> Callable[[str], object]:
    def convert(text: str) -> object:
        try:
            return parse(text)
        except MockOllamaError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    convert.__name__ = parse.__name__.removeprefix("parse_")
    return convert


def _ms(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a number of milliseconds"
        ) from None
    if not value >= 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"{text!r} must be a finite number >= 0")
    return value


def _whole(low: int, high: int | None = None) -> Callable[[str], int]:
    def convert(text: str) -> int:
        value = int(text) if text.strip().isdigit() else -1
        if value < low or (high is not None and value > high):
            bound = f"from {low} to {high}" if high is not None else f">= {low}"
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number {bound}")
        return value

    convert.__name__ = "number"
    return convert


_port = _whole(0, 65535)


def _add_common(p: argparse.ArgumentParser, default_port: int) -> None:
    p.add_argument("--host", default=DEFAULT_HOST)
    p.add_argument("--port", type=_port, default=default_port)
    p.add_argument("--port-file", help="write the bound port here once listening")
    p.add_argument(
        "--parent-pid",
        type=_whole(1),
        default=os.environ.get(ENV) or None,
        metavar="PID",
        help=f"exit when process PID is gone (also ${ENV})",
    )


def _add_serve(serve: argparse.ArgumentParser) -> None:
    _add_common(serve, DEFAULT_PORT)
    serve.add_argument(
        "--scenario",
        action="append",
        default=[],
        metavar="NAME|PATH",
        help="default scenario for its endpoint (repeatable)",
    )
    serve.add_argument(
        "--scenario-dir",
        action="append",
        default=[],
        metavar="DIR",
        help="also serve the scenarios in DIR by name (repeatable)",
    )
    serve.add_argument("--timing", type=_policy(parse_timing))
    serve.add_argument("--fragment", type=_policy(parse_fragment))
    serve.add_argument(
        "--fault", type=_policy(parse_fault), action="append", default=[]
    )
    serve.add_argument("--header-delay", type=_ms, metavar="MS")
    serve.add_argument(
        "--gap", type=_ms, metavar="MS", help="between fragments of one line"
    )
    serve.add_argument("--seed", type=int)
    serve.add_argument(
        "--model", action="append", default=[], help="also a known model"
    )
    serve.add_argument(
        "--any-model", action="store_true", help="every model name is known"
    )
    serve.add_argument("--ollama-version", default=DEFAULT_VERSION)
    serve.add_argument("--openai-layout", choices=["legacy", "current"])
    serve.add_argument(
        "--max-body",
        type=_whole(1),
        default=DEFAULT_MAX_BODY,
        metavar="BYTES",
        help="larger request bodies get 400 (default 20 MiB, Ollama's zstd bound)",
    )
    serve.add_argument(
        "--exchange-log",
        type=_whole(1),
        default=DEFAULT_CAPACITY,
        metavar="N",
        help="exchanges /_mock/exchanges keeps (default %(default)s)",
    )
    serve.add_argument(
        "--upstream-mode",
        choices=["ollama", "sse-on-accept", "reject-415", "reject-406"],
        default="ollama",
        help="what-if answers to Accept (mock_ollama.ollama.modes; default ollama)",
    )


def build_parser() -> argparse.ArgumentParser:
    """The argparse tree (exposed for tests and docs)."""
    parser = _Parser(
        prog="mock-ollama",
        description="An Ollama upstream that replays recorded streams.",
    )
    parser.add_argument(
        "--version", action="version", version=f"mock-ollama {__version__}"
    )
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    _add_serve(sub.add_parser("serve", help="answer like Ollama, replaying scenarios"))
    record = sub.add_parser(
        "record", help="pass-through that records real Ollama exchanges"
    )
    record.add_argument("--upstream", required=True, help="e.g. http://127.0.0.1:11434")
    record.add_argument(
        "--out", required=True, help="NAME.ndjson (+ NAME.toml) to write"
    )
    _add_common(record, 11435)

    sub.add_parser("scenarios", help="list the bundled scenarios")
    return parser


def _config(args: argparse.Namespace) -> MockConfig:
    """The server's configuration from ``serve``'s options (ScenarioError if bad)."""
    config = MockConfig(
        policies=Policies(
            timing=args.timing,
            fragment=args.fragment,
            faults=tuple(args.fault),
            header_delay_ms=args.header_delay,
            gap_ms=args.gap,
            seed=args.seed,
        ),
        models=tuple(args.model),
        any_model=args.any_model,
        version=args.ollama_version,
        openai_layout=args.openai_layout,
        max_body=args.max_body,
        exchange_log_size=args.exchange_log,
    )
    for directory in args.scenario_dir:
        config = replace(config, scenarios={**config.scenarios, **load_dir(directory)})
    for name in args.scenario:
        config = config.with_default(resolve(name, config.scenarios))
    _check_faults(config)
    return config


def _check_faults(config: MockConfig) -> None:
    """``--fault`` must fit the scenarios served without a marker (exit 2 if not)."""
    for name in sorted(set(config.defaults.values())):
        rec = config.scenarios.get(name)
        for fault in config.policies.faults if rec else ():
            if fault.kind != "status" and rec and fault.at >= len(rec.lines):
                raise _Usage(
                    f"argument --fault: {fault}: the default scenario {name!r} "
                    f"has only {len(rec.lines)} lines"
                )


def _serve(args: argparse.Namespace) -> int:
    from mock_ollama.server.app import create_app
    from mock_ollama.server.serve import serve_forever

    app = create_app(_config(args), args.upstream_mode)
    listen = (args.host, args.port, args.port_file, _say, args.parent_pid)
    if not serve_forever(app, *listen):
        raise _Usage(f"could not listen on {args.host}:{args.port}")
    return 0


def _record(args: argparse.Namespace) -> int:
    from mock_ollama.server.serve import serve_forever
    from mock_ollama.tools.record import check_out, check_upstream, create_recorder

    check_upstream(args.upstream)
    check_out(args.out)
    app = create_recorder(args.upstream, args.out)
    listen = (args.host, args.port, args.port_file, _say, args.parent_pid)
    if not serve_forever(app, *listen):
        raise _Usage(f"could not listen on {args.host}:{args.port}")
    recorder = app.state.recorder
    if not recorder.flush():
        _say(f"mock-ollama record: {len(recorder.unsaved)} capture(s) NOT saved")
        return 1
    return 0


def _scenarios(args: argparse.Namespace) -> int:
    del args
    for name, rec in load_bundled().items():
        seconds = (rec.header_delay_ns + rec.offsets_ns[-1]) / 1e9
        about = (
            rec.description.strip().splitlines()[0] if rec.description.strip() else ""
        )
        print(
            f"{name:<22} {rec.endpoint:<14} {rec.model:<18} {len(rec.lines):>3} lines "
            f"{seconds:6.2f} s  {about}"
        )
    print(f"(from {BUNDLED_DIR})")
    return 0


def _say(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


_COMMANDS = {"serve": _serve, "record": _record, "scenarios": _scenarios}


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``mock-ollama`` and ``python -m mock_ollama``."""
    try:
        args = build_parser().parse_args(argv)
        return _COMMANDS[args.command](args)
    except BrokenPipeError:  # e.g. ``mock-ollama scenarios | head``: a quiet exit
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except (_Usage, MockOllamaError, OSError) as exc:
        print(f"mock-ollama: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
