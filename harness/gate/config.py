"""The options of a gate run, shared by ``sse-harness run`` and the pytest plugin.

Turns command-line words into a validated RunConfig; every problem is a UsageError
naming the option, so the entry points can print one line and exit 2.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from harness.errors import UsageError

if TYPE_CHECKING:
    import argparse

    from harness.gate.run import RunConfig

REPO = Path(__file__).resolve().parents[2]
BUNDLED_URL = "http://127.0.0.1:{port}/api/v1/complete"


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
    from harness.gate.run import RunConfig

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
    from harness.probe.dialects import make_dialect

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
