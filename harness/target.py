"""The proxy under test: start it from a command template, wait for it, stop it.

README.md, "Gate your own proxy": ``--proxy-cmd`` is a command template (argv split
with shlex, no shell) with placeholders ``{port}`` (where the proxy must listen) and
``{upstream}`` (the mock's base URL); the same values also go in the environment as
``PORT``, ``OLLAMA_URL`` and ``OLLAMA_HOST``. ``--proxy-url`` is the URL template of the
streaming endpoint. Without ``--proxy-cmd`` the proxy is assumed running. The harness
waits for readiness with a bounded timeout, captures the proxy's output, notices if it
dies, and always kills its whole process group.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import string
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from harness.errors import EnvironmentProblem, UsageError
from harness.processes import ManagedProcess, free_port, tcp_ready

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Mapping

__all__ = ["RunningTarget", "TargetSpec", "check_cwd", "start_target"]

CMD_OPTION = "--proxy-cmd"
URL_OPTION = "--proxy-url"
CWD_OPTION = "--cwd"
CMD_PLACEHOLDERS = ("port", "upstream")
URL_PLACEHOLDERS = ("port",)
EXTERNAL_PROBE_TIMEOUT_S = 2.0
DEFAULT_PORTS = {"http": 80, "https": 443}


@dataclass(frozen=True, slots=True)
class TargetSpec:
    """How to reach (and optionally start) the proxy under test.

    ``port``: a fixed listen port; else the port written in ``url`` when it has no
    ``{port}`` placeholder, else a free port.
    """

    cmd: str | None
    url: str
    env: Mapping[str, str] = field(default_factory=dict)
    startup_timeout: float = 60.0
    cwd: str | None = None
    port: int | None = None


@dataclass(frozen=True, slots=True)
class RunningTarget:
    """A listening proxy: its endpoint URL, port and process (None if external)."""

    url: str
    port: int
    process: ManagedProcess | None

    def alive(self) -> bool:
        """The started process still runs (external proxy: it still accepts TCP)."""
        if self.process is not None:
            return self.process.poll() is None
        parts = urlsplit(self.url)
        return tcp_ready(parts.hostname or "127.0.0.1", self.port)

    def output(self) -> str:
        """What the started proxy wrote to stdout/stderr so far ("" if external)."""
        return self.process.output() if self.process is not None else ""


def substitute(template: str, values: Mapping[str, str], option: str) -> str:
    """Fill ``{name}`` placeholders of ``template``; ``{{``/``}}`` are literal braces.

    Unknown or malformed placeholders raise UsageError naming ``option``.
    """
    known = ", ".join("{" + name + "}" for name in values)
    try:
        fields = [
            f for _, f, _, _ in string.Formatter().parse(template) if f is not None
        ]
    except ValueError as exc:
        raise UsageError(f"{option}: bad placeholder in {template!r}: {exc}") from exc
    for name in fields:
        if name not in values:
            raise UsageError(
                f"{option}: unknown placeholder {{{name}}} in {template!r} "
                f"(known: {known})"
            )
    try:
        return template.format_map(values)
    except (ValueError, KeyError, IndexError) as exc:
        raise UsageError(f"{option}: bad placeholder in {template!r}: {exc}") from exc


def split_command(cmd: str, values: Mapping[str, str]) -> list[str]:
    """shlex-split ``cmd``, then fill placeholders in each argv element."""
    try:
        words = shlex.split(cmd)
    except ValueError as exc:
        raise UsageError(f"{CMD_OPTION}: cannot split {cmd!r}: {exc}") from exc
    if not words:
        raise UsageError(f"{CMD_OPTION} is empty")
    return [substitute(word, values, CMD_OPTION) for word in words]


def check_url(url: str) -> tuple[str, int]:
    """(host, port) of an http(s) URL, or UsageError naming ``--proxy-url``."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise UsageError(f"{URL_OPTION}: bad URL {url!r}: {exc}") from exc
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
        raise UsageError(f"{URL_OPTION}: expected http://HOST:PORT/PATH, got {url!r}")
    return parts.hostname, port if port is not None else DEFAULT_PORTS[parts.scheme]


def _choose_port(spec: TargetSpec) -> int:
    if spec.port is not None:
        return spec.port
    if "{port}" not in spec.url:
        return check_url(substitute(spec.url, {"port": "0"}, URL_OPTION))[1]
    return free_port()


def _resolve(spec: TargetSpec) -> tuple[str, str, int]:
    """(url, probe host, port) after validating the templates."""
    if spec.cmd is None and spec.port is None and "{port}" in spec.url:
        raise UsageError(
            f"{URL_OPTION} contains {{port}} but there is no {CMD_OPTION} to start "
            "the proxy on a port of our choice: give the proxy's real port"
        )
    port = _choose_port(spec)
    url = substitute(spec.url, {"port": str(port)}, URL_OPTION)
    host, url_port = check_url(url)
    return url, host, url_port


def check_cwd(cwd: str | None) -> None:
    """``--cwd DIR: no such directory`` (not "cannot start the proxy") when it is not
    a directory we can work in."""
    if cwd is None:
        return
    path = Path(cwd)
    problem = (
        "no such directory"
        if not path.exists()
        else "not a directory"
        if not path.is_dir()
        else "cannot enter it (permission denied)"
        if not os.access(path, os.X_OK)
        else ""
    )
    if problem:
        raise UsageError(f"{CWD_OPTION} {cwd}: {problem}")


@contextlib.contextmanager
def start_target(
    spec: TargetSpec,
    upstream_url: str,
    *,
    workdir: Path,
    name: str = "proxy",
    on_wait: Callable[[float], None] | None = None,
) -> Iterator[RunningTarget]:
    """Start the proxy (or check the running one), yield it, always stop its group.

    ``on_wait(seconds_left)`` is called while waiting for the proxy's port.
    """
    if spec.cmd is not None and not spec.cmd.strip():
        raise UsageError(f"{CMD_OPTION} is empty")
    if spec.cmd is not None:
        check_cwd(spec.cwd)
    url, host, port = _resolve(spec)
    if spec.cmd is None:
        if not tcp_ready(host, port, timeout=EXTERNAL_PROBE_TIMEOUT_S):
            raise EnvironmentProblem(
                f"{name} is not reachable at {host}:{port} ({URL_OPTION} {url}); "
                f"without {CMD_OPTION} it must already be running"
            )
        yield RunningTarget(url=url, port=port, process=None)
        return
    values = {"port": str(port), "upstream": upstream_url}
    argv = split_command(spec.cmd, values)
    env = dict(os.environ)
    env.update(PORT=str(port), OLLAMA_URL=upstream_url, OLLAMA_HOST=upstream_url)
    env.update(spec.env)
    process = ManagedProcess(
        argv, env=env, cwd=spec.cwd, log_path=workdir / f"{name}.log", name=name
    )
    try:
        process.start()
        process.wait_ready(
            lambda: tcp_ready(host, port),
            timeout=spec.startup_timeout,
            on_wait=on_wait,
        )
        yield RunningTarget(url=url, port=port, process=process)
    finally:
        process.stop()
