"""``sse-harness``: run the gate, parse a captured stream, list the checks.

Exit status of ``run``: 0 when nothing FAILED (with --strict: nothing NON-STRICT either),
1 when something did, 2 for a usage or environment error — never confused with a verdict.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from harness import __version__
from harness.errors import HarnessError, UsageError
from mock_ollama.errors import MockOllamaError

if TYPE_CHECKING:
    from collections.abc import Sequence

    from harness.runner import RunConfig

REPO = Path(__file__).resolve().parent.parent
BUNDLED_URL = "http://127.0.0.1:{port}/api/v1/complete"


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line and exit status 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message}\n")


def bundled_proxy() -> tuple[str, str, str]:
    """(command, url, cwd) of the bundled reference proxy (Starlette)."""
    if not (REPO / "proxies" / "starlette_proxy").is_dir():
        raise UsageError(
            "no bundled proxy in this installation: pass --proxy-cmd and --proxy-url"
        )
    return f"{sys.executable} -m proxies.starlette_proxy", BUNDLED_URL, str(REPO)


def _pair(text: str, sep: str, option: str) -> tuple[str, str]:
    name, found, value = text.partition(sep)
    if not found or not name.strip():
        raise UsageError(f"{option} {text!r}: expected NAME{sep}VALUE")
    return name.strip(), value.strip() if sep == ":" else value


def add_run_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--proxy-cmd",
        help="command template starting the proxy; {port} and {upstream} are filled in",
    )
    p.add_argument(
        "--proxy-url",
        help="URL template of the streaming endpoint, e.g. http://127.0.0.1:{port}/api/v1/complete",
    )
    p.add_argument(
        "--dialect",
        default="seed",
        help="seed | openai | ollama | module:function (default seed)",
    )
    p.add_argument(
        "--token-key",
        default="token",
        help="seed dialect: key of the token (default token)",
    )
    p.add_argument(
        "--done-key",
        default="finished",
        help="seed dialect: key of the completion flag (default finished)",
    )
    p.add_argument("--model", help="model name the dialect sends")
    p.add_argument(
        "--header",
        action="append",
        default=[],
        metavar="'NAME: VALUE'",
        help="extra request header (repeatable)",
    )
    p.add_argument(
        "--env",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="extra environment for the proxy command (repeatable)",
    )
    p.add_argument(
        "--layer",
        action="append",
        default=[],
        help="direct | nginx | nginx-gzip | h2 | buffer:BYTES:MS (repeatable; default direct)",
    )
    p.add_argument(
        "--select",
        action="append",
        default=[],
        metavar="PATTERN",
        help="only checks whose id matches (fnmatch, repeatable, comma-separated)",
    )
    p.add_argument(
        "--startup-timeout",
        type=float,
        default=60.0,
        help="seconds to wait for the proxy to listen (default 60)",
    )
    p.add_argument(
        "--mock-port",
        type=int,
        default=0,
        help="port of the mock upstream (needed when the proxy is already running)",
    )
    p.add_argument(
        "--idle-seconds",
        type=float,
        default=20.0,
        help="upstream silence of IDLE-HEARTBEAT (default 20)",
    )
    p.add_argument(
        "--heartbeat-budget",
        type=float,
        default=15.0,
        help="longest gap allowed between heartbeats (default 15)",
    )
    p.add_argument(
        "--http2",
        action="store_true",
        help="talk HTTP/2 to the proxy itself (h2c, or TLS with an https URL)",
    )
    p.add_argument("--ca", help="CA bundle for an https proxy URL")
    p.add_argument("--cwd", help="working directory of the proxy command")


def config_from(args: argparse.Namespace) -> RunConfig:
    from harness.runner import RunConfig

    cmd, url, cwd = args.proxy_cmd, args.proxy_url, args.cwd
    if cmd is None and url is None:
        cmd, url, cwd = bundled_proxy()
    elif url is None:
        raise UsageError("--proxy-url is required with --proxy-cmd")
    elif cmd is None and not args.mock_port:
        raise UsageError(
            "without --proxy-cmd the proxy is assumed running: give "
            "--mock-port, the port its upstream points at"
        )
    if args.mock_port and not 0 < args.mock_port < 65536:
        raise UsageError(f"--mock-port {args.mock_port}: not a TCP port")
    for name, value in (
        ("--idle-seconds", args.idle_seconds),
        ("--heartbeat-budget", args.heartbeat_budget),
        ("--startup-timeout", args.startup_timeout),
    ):
        if not value > 0:
            raise UsageError(f"{name} {value}: must be > 0")
    from harness.layers import parse_layer

    layers = tuple(args.layer) or ("direct",)
    for layer in layers:
        parse_layer(layer)
    select = tuple(
        p.strip() for item in args.select for p in item.split(",") if p.strip()
    )
    from harness.checks import select as select_checks

    if select and not select_checks(select):
        raise UsageError(
            f"--select {','.join(select)}: matches no check (see `sse-harness checks`)"
        )
    from harness.dialects import make_dialect

    make_dialect(args.dialect, token_key=args.token_key, done_key=args.done_key)
    return RunConfig(
        proxy_url=url,
        proxy_cmd=cmd,
        dialect=args.dialect,
        token_key=args.token_key,
        done_key=args.done_key,
        model=args.model,
        headers=tuple(_pair(h, ":", "--header") for h in args.header),
        env=tuple(_pair(e, "=", "--env") for e in args.env),
        layers=layers,
        select=select,
        startup_timeout=args.startup_timeout,
        mock_port=args.mock_port,
        idle_s=args.idle_seconds,
        heartbeat_s=args.heartbeat_budget,
        http2=args.http2,
        ca_path=args.ca,
        cwd=cwd,
    )


def _write(report_dir: Path, name: str, text: str) -> None:
    report_dir.mkdir(parents=True, exist_ok=True)
    tmp = report_dir / f".{name}.tmp"
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, report_dir / name)


def cmd_run(args: argparse.Namespace) -> int:
    from harness import report
    from harness.runner import run

    report_dir = Path(args.report_dir) if args.report_dir else None
    try:
        config = config_from(args)
        result = run(config)
    except (HarnessError, MockOllamaError) as exc:
        print(f"sse-harness run: error: {exc}", file=sys.stderr)
        if report_dir is not None:
            _write(report_dir, "report.json", _error_report(args, str(exc)))
        return 2
    except KeyboardInterrupt:
        print(
            "sse-harness run: interrupted; every started process was stopped",
            file=sys.stderr,
        )
        if report_dir is not None:
            _write(report_dir, "report.json", _error_report(args, "interrupted", 130))
        return 130
    status = result.exit_status(args.strict)
    print(report.to_terminal(result.results))
    for note in result.notes:
        print(f"note: {note}")
    counts = ", ".join(f"{k}: {v}" for k, v in result.summary().items())
    print(f"sse-harness: {counts} in {result.duration_s:.1f} s -> exit {status}")
    if report_dir is not None:
        target = {
            "cmd": config.proxy_cmd,
            "url": config.proxy_url,
            "dialect": config.dialect,
        }
        _write(
            report_dir,
            "report.json",
            report.to_json(
                result.results,
                version=__version__,
                target=target,
                layers=config.layers,
                baseline=result.baseline,
                notes=result.notes,
                logs=result.logs,
                duration_s=result.duration_s,
                exit_status=status,
            ),
        )
        _write(
            report_dir,
            "summary.md",
            report.to_markdown(
                result.results,
                title=f"sse-harness {__version__}: {config.proxy_cmd or config.proxy_url}",
                notes=result.notes,
                baseline=result.baseline,
            ),
        )
        print(
            f"sse-harness: wrote {report_dir / 'report.json'} and {report_dir / 'summary.md'}"
        )
    return status


def _error_report(args: argparse.Namespace, error: str, status: int = 2) -> str:
    import json

    doc = {
        "harness": {"version": __version__},
        "target": {
            "cmd": args.proxy_cmd,
            "url": args.proxy_url,
            "dialect": args.dialect,
        },
        "results": [],
        "summary": {},
        "error": error,
        "exit_status": status,
        "finished_at": time.time(),
    }
    return json.dumps(doc, indent=2) + "\n"


def cmd_checks(args: argparse.Namespace) -> int:
    from harness.checks import select

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
    add_run_options(run)
    run.add_argument(
        "--strict", action="store_true", help="NON-STRICT outcomes fail the run too"
    )
    run.add_argument("--report-dir", help="write report.json and summary.md here")
    checks = sub.add_parser("checks", help="list the checks")
    checks.add_argument("select", nargs="*", help="patterns")
    sub.add_parser(
        "parse",
        help="parse a captured SSE stream (see sse-harness parse --help)",
        add_help=False,
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "parse":
        from harness import parse_cmd

        return parse_cmd.main(argv[1:])
    args = build_parser().parse_args(argv)
    try:
        handler = {"run": cmd_run, "checks": cmd_checks}[args.command]
        return handler(args)
    except KeyboardInterrupt:
        print("sse-harness: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
