"""The configuration of a gate run, shared by ``sse-harness run`` and the pytest plugin.

``config_from`` turns the option values (harness.gate.options, by ``dest``) into one
validated RunConfig; every problem is a UsageError naming the option, so the entry
points can print one line and exit 2.
"""

from __future__ import annotations

import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from harness.client.bounds import DEFAULT as DEFAULT_BOUNDS, Bounds, from_options
from harness.errors import UsageError
from harness.gate.options import OPTIONS
from harness.probe.dialects import DEFAULT

if TYPE_CHECKING:
    from collections.abc import Mapping

    from harness.target import TargetSpec


@dataclass(frozen=True, slots=True)
class RunConfig:
    proxy_url: str
    proxy_cmd: str | None = None
    dialect: str = DEFAULT
    token_key: str = "token"
    done_key: str = "finished"
    model: str | None = None
    headers: tuple[tuple[str, str], ...] = ()
    env: tuple[tuple[str, str], ...] = ()
    layers: tuple[str, ...] = ("direct",)
    select: tuple[str, ...] = ()
    startup_timeout: float = 60.0
    mock_port: int = 0
    idle_s: float = 20.0
    heartbeat_s: float = 15.0
    http2: bool = False
    ca_path: str | None = None
    cwd: str | None = None
    bounds: Bounds = DEFAULT_BOUNDS

    def target_spec(self) -> TargetSpec:
        """How to start (or find) the proxy under test."""
        from harness.target import TargetSpec

        return TargetSpec(
            cmd=self.proxy_cmd,
            url=self.proxy_url,
            env=dict(self.env),
            startup_timeout=self.startup_timeout,
            cwd=self.cwd,
        )


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


def check_program(argv0: str, cwd: str | None, path: str | None) -> None:
    """The proxy command's program exists and may be run (as the proxy would be
    started: relative to ``cwd``, else looked up on ``path``)."""
    if "/" in argv0:
        found = Path(cwd or ".") / argv0
        if not (found.is_file() and os.access(found, os.X_OK)):
            why = "not an executable file" if found.exists() else "no such file"
            raise UsageError(f"--proxy-cmd: {argv0}: {why}")
    elif shutil.which(argv0, path=path) is None:
        raise UsageError(f"--proxy-cmd: {argv0}: no such program on PATH")


def check_templates(
    cmd: str | None, url: str, cwd: str | None = None, path: str | None = None
) -> None:
    """The proxy command and URL templates as start_target will fill them, checked
    before anything starts (a bad placeholder is a usage error, not a late one)."""
    from harness.target import URL_OPTION, check_url, split_command, substitute

    if cmd is not None:
        argv = split_command(cmd, {"port": "1", "upstream": "http://127.0.0.1:1"})
        check_program(argv[0], cwd, path)
    elif "{port}" in url:
        raise UsageError(
            f"{URL_OPTION} contains {{port}} but there is no --proxy-cmd to start "
            "the proxy on a port of our choice: give the proxy's real port"
        )
    check_url(substitute(url, {"port": "1"}, URL_OPTION))


def config_from(values: Mapping[str, Any]) -> RunConfig:
    """The RunConfig of option values keyed by ``dest`` (``vars(args)`` of the CLI)."""
    from harness.layers import parse_layer, require
    from harness.probe.dialects import make_dialect

    for option in OPTIONS:
        option.check(values.get(option.dest))
    v = {option.dest: values.get(option.dest, option.default) for option in OPTIONS}
    cmd, url, cwd = v["proxy_cmd"], v["proxy_url"], v["cwd"]
    if cmd is None and url is None:
        cmd, url, cwd = bundled_proxy()
    elif url is None:
        raise UsageError("--proxy-url is required with --proxy-cmd")
    elif cmd is None and not v["mock_port"]:
        raise UsageError(
            "without --proxy-cmd the proxy is assumed running: give "
            "--mock-port, the port its upstream points at"
        )
    env = tuple(_pair(e, "=", "--env") for e in v["env"])
    check_templates(cmd, url, cwd, dict(env).get("PATH", os.environ.get("PATH")))
    layers = tuple(v["layer"]) or ("direct",)
    require(parse_layer(layer) for layer in layers)
    select = tuple(p.strip() for item in v["select"] for p in item.split(","))
    make_dialect(v["dialect"], token_key=v["token_key"], done_key=v["done_key"])
    return RunConfig(
        proxy_url=url,
        proxy_cmd=cmd,
        dialect=v["dialect"],
        token_key=v["token_key"],
        done_key=v["done_key"],
        model=v["model"],
        headers=tuple(_pair(h, ":", "--header") for h in v["header"]),
        env=env,
        layers=layers,
        select=select,
        startup_timeout=v["startup_timeout"],
        mock_port=v["mock_port"],
        idle_s=v["idle_seconds"],
        heartbeat_s=v["heartbeat_budget"],
        http2=v["http2"],
        ca_path=v["ca"],
        cwd=cwd,
        bounds=from_options(v),
    )
