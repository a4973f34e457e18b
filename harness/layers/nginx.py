"""The real nginx binary between client and proxy (``nginx``, ``-gzip``, ``h2``...).

Its configuration: harness.layers.nginx_config.

Measured with nginx 1.22.1 (tests/harness/layers/test_nginx.py): with
``proxy_http_version 1.1`` a *chunked* upstream body still goes out chunk by chunk even
with buffering on (each complete chunk is passed on); close-delimited bodies, which is
what every upstream sends to nginx's stock ``proxy_http_version 1.0``, are held until a
buffer (4/8 KiB) fills or the response ends. gzip holds everything unless the response
says ``X-Accel-Buffering: no``. Hence ``nginx`` is nginx exactly as shipped (stock
``proxy_http_version 1.0``: every body close-delimited, held), and ``nginx-http11`` the
common keep-alive setup (``proxy_http_version 1.1``), where only close-delimited bodies
are held.

A response head nginx had at once still waits for the first body bytes with
``proxy_buffering`` on, and over HTTP/2 before nginx 1.23.0 even with
``X-Accel-Buffering: no`` (harness.checks.flush). Each response carries
``$upstream_header_time`` so the judge can tell who held it.

nginx runs in the foreground as a single process (``daemon off; master_process off;``),
so it needs no privileges, never switches user, and everything it writes (pid, logs,
temp files) lands inside its own directory under the caller's workdir.
"""

from __future__ import annotations

import contextlib
import functools
import os
import re
import resource
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from harness.deathsig import lifetime_hook
from harness.errors import EnvironmentProblem
from harness.layers.base import LayerHandle
from harness.layers.nginx_config import NginxSettings, render_config
from harness.layers.tls import write_tls_files
from harness.processes import ManagedProcess, free_port, tcp_ready

if TYPE_CHECKING:
    from collections.abc import Iterator

    from harness.layers.base import LayerSpec

__all__ = ["find_nginx", "nginx_version", "open_nginx"]

NGINX_CANDIDATES = (
    "/usr/sbin/nginx",
    "/usr/local/sbin/nginx",
    "/usr/local/nginx/sbin/nginx",
)
MISSING = "nginx not found: install it with `apt-get install nginx-light` (Debian)"
READY_TIMEOUT_S = 15.0
BIND_ATTEMPTS = 3
HTTP2_DIRECTIVE_SINCE = (1, 25, 1)  # `http2 on;`; before: `listen ... ssl http2;`
#: `-e file`: where errors go before the config is read
ERROR_LOG_FLAG_SINCE = (1, 19, 5)


def find_nginx() -> str:
    """The nginx binary or EnvironmentProblem: ``$SSE_HARNESS_NGINX`` (a path, or a
    name looked up on PATH) when set, else ``nginx`` on PATH, else the usual sbin dirs."""
    given = os.environ.get("SSE_HARNESS_NGINX")
    if given:
        found = shutil.which(given)
        if found is None:
            raise EnvironmentProblem(
                f"SSE_HARNESS_NGINX={given}: not an executable file or program on PATH"
            )
        return found
    found = shutil.which("nginx")
    if found is not None:
        return found
    for candidate in NGINX_CANDIDATES:
        if os.access(candidate, os.X_OK):
            return candidate
    raise EnvironmentProblem(MISSING)


@functools.cache
def nginx_version(binary: str) -> tuple[int, ...]:
    """``(1, 22, 1)`` from ``nginx -v``; ``()`` when it cannot be told."""
    try:
        done = subprocess.run(
            [binary, "-v"],
            capture_output=True,
            timeout=10,
            check=False,
            text=True,
            preexec_fn=lifetime_hook(),
        )
    except (OSError, subprocess.TimeoutExpired):
        return ()
    found = re.search(r"nginx/(\d+(?:\.\d+)*)", done.stderr + done.stdout)
    return tuple(int(part) for part in found.group(1).split(".")) if found else ()


def _worker_connections() -> int:
    soft, _hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY:
        return 4096
    return max(64, min(4096, (soft - 32) // 2))


def _first_error(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    for line in lines:
        if "[emerg]" in line or "[alert]" in line or "[crit]" in line:
            return line
    return lines[0] if lines else "(no output)"


def _base_argv(binary: str, directory: Path) -> list[str]:
    argv = [binary, "-p", f"{directory}/", "-c", str(directory / "nginx.conf")]
    if nginx_version(binary) >= ERROR_LOG_FLAG_SINCE:
        argv += ["-e", str(directory / "error.log")]
    return argv


def _test_config(binary: str, directory: Path) -> None:
    argv = [*_base_argv(binary, directory), "-t", "-q"]
    try:
        done = subprocess.run(
            argv,
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
            preexec_fn=lifetime_hook(),  # dies with us even on SIGKILL (Linux)
        )
    except subprocess.TimeoutExpired as exc:
        raise EnvironmentProblem("nginx -t did not finish within 30 s") from exc
    if done.returncode != 0:
        raise EnvironmentProblem(
            f"nginx -t rejected the generated config: {_first_error(done.stderr)}"
        )


def _read_logs(directory: Path) -> dict[str, str]:
    logs: dict[str, str] = {}
    for name in ("error.log", "access.log", "nginx.out"):
        with contextlib.suppress(OSError):
            logs[name] = (directory / name).read_text(errors="replace")
    return logs


def _owns_port(directory: Path, process: ManagedProcess, port: int) -> bool:
    """nginx wrote its pid file (it does so only once its sockets are bound) and the
    port answers: a bare TCP probe could reach whoever took the port meanwhile."""
    try:
        written = (directory / "nginx.pid").read_text().strip()
    except OSError:
        return False
    return written == str(process.pid) and tcp_ready("127.0.0.1", port)


def _start(binary: str, settings: NginxSettings) -> ManagedProcess | None:
    """Start nginx on settings.listen_port; None if that port was taken meanwhile."""
    directory = settings.directory
    (directory / "nginx.conf").write_text(render_config(settings))
    _test_config(binary, directory)
    process = ManagedProcess(
        _base_argv(binary, directory), log_path=directory / "nginx.out", name="nginx"
    )
    process.start()
    try:
        process.wait_ready(
            lambda: _owns_port(directory, process, settings.listen_port),
            READY_TIMEOUT_S,
        )
    except EnvironmentProblem:
        process.stop()
        if "Address already in use" in process.output():
            return None
        raise
    return process


@contextlib.contextmanager
def open_nginx(
    spec: LayerSpec, upstream_port: int, *, workdir: Path, read_timeout_s: float
) -> Iterator[LayerHandle]:
    """Run nginx (``spec.kind``'s flavour) in front of 127.0.0.1:``upstream_port``."""
    flavour = spec.facts
    tls = flavour.tls
    binary = find_nginx()
    directory = Path(tempfile.mkdtemp(prefix=f"{spec.kind}-", dir=workdir))
    (directory / "temp").mkdir()
    tls_files = write_tls_files(directory) if tls else None
    process: ManagedProcess | None = None
    try:
        for _attempt in range(BIND_ATTEMPTS):
            settings = NginxSettings(
                directory=directory,
                listen_port=free_port(),
                upstream_port=upstream_port,
                read_timeout_s=read_timeout_s,
                gzip=flavour.gzip,
                tls=tls_files,
                http2_directive=nginx_version(binary) >= HTTP2_DIRECTIVE_SINCE,
                upstream_http11=flavour.upstream_http11,
                worker_connections=_worker_connections(),
            )
            process = _start(binary, settings)
            if process is not None:
                break
        if process is None:
            raise EnvironmentProblem(
                f"nginx could not bind a free port in {BIND_ATTEMPTS} attempts"
            )
        yield LayerHandle(
            name=spec.name,
            scheme="https" if tls else "http",
            host="127.0.0.1",
            port=settings.listen_port,
            http2=tls,
            ca_path=tls_files.ca_path if tls_files is not None else None,
            log_reader=functools.partial(_read_logs, directory),
        )
    finally:
        if process is not None:
            process.stop()
