"""``mock-ollama``: serve, record, scenarios.

    mock-ollama serve [--host 127.0.0.1] [--port 11434] [--port-file PATH]
                      [--scenario NAME|PATH]... [--timing T] [--fragment F]
                      [--fault X]...
                      [--header-delay MS] [--gap MS] [--seed N] [--model NAME]...
                      [--any-model] [--ollama-version X.Y.Z] [--openai-layout L]
    mock-ollama record --upstream URL --out PATH [--host H] [--port P]
                       [--port-file PATH]
    mock-ollama scenarios

Bad input gives one line on stderr and exit status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, NoReturn

from mock_ollama import __version__
from mock_ollama.catalog import BUNDLED_DIR, load_bundled, resolve
from mock_ollama.errors import MockOllamaError
from mock_ollama.models import DEFAULT_VERSION
from mock_ollama.policies import parse_fault, parse_fragment, parse_timing
from mock_ollama.server import DEFAULT_HOST, DEFAULT_PORT

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

    serve = sub.add_parser("serve", help="answer like Ollama, replaying scenarios")
    serve.add_argument("--host", default=DEFAULT_HOST)
    serve.add_argument("--port", type=int, default=DEFAULT_PORT)
    serve.add_argument("--port-file", help="write the bound port here once listening")
    serve.add_argument(
        "--scenario",
        action="append",
        default=[],
        metavar="NAME|PATH",
        help="default scenario for its endpoint (repeatable)",
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
        "--upstream-mode",
        choices=["ollama", "sse-on-accept", "reject-415", "reject-406"],
        default="ollama",
        help="what-if answers to Accept (mock_ollama.upstream_modes; default ollama)",
    )

    record = sub.add_parser(
        "record", help="pass-through that records real Ollama exchanges"
    )
    record.add_argument("--upstream", required=True, help="e.g. http://127.0.0.1:11434")
    record.add_argument(
        "--out", required=True, help="NAME.ndjson (+ NAME.toml) to write"
    )
    record.add_argument("--host", default=DEFAULT_HOST)
    record.add_argument("--port", type=int, default=11435)
    record.add_argument("--port-file")

    sub.add_parser("scenarios", help="list the bundled scenarios")
    return parser


def _serve(args: argparse.Namespace) -> int:
    from mock_ollama.app import create_app
    from mock_ollama.config import MockConfig
    from mock_ollama.server import serve_forever

    config = MockConfig(
        timing=args.timing,
        fragment=args.fragment,
        faults=tuple(args.fault),
        header_delay_ms=args.header_delay,
        gap_ms=args.gap,
        seed=args.seed,
        models=tuple(args.model),
        any_model=args.any_model,
        version=args.ollama_version,
        openai_layout=args.openai_layout,
    )
    for name in args.scenario:
        config = config.with_default(resolve(name, config.scenarios))
    started = serve_forever(
        create_app(config, args.upstream_mode),
        args.host,
        args.port,
        args.port_file,
        _say,
    )
    if not started:
        raise _Usage(f"could not listen on {args.host}:{args.port}")
    return 0


def _record(args: argparse.Namespace) -> int:
    from mock_ollama.record import create_recorder
    from mock_ollama.server import serve_forever

    app = create_recorder(args.upstream, args.out)
    if not serve_forever(app, args.host, args.port, args.port_file, _say):
        raise _Usage(f"could not listen on {args.host}:{args.port}")
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
    except (_Usage, MockOllamaError, OSError) as exc:
        print(f"mock-ollama: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
