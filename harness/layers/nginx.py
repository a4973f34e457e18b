"""The real nginx binary between client and proxy (``nginx``, ``-gzip``, ``h2``...).

Stock buffering on purpose: nginx's ``proxy_buffering`` defaults to on and a response
header ``X-Accel-Buffering: no`` turns it off for that response (ngx_http_proxy_module).
``proxy_read_timeout`` defaults to 60 s between two reads from the upstream.

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
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from harness.checks.flush import LAYER_HEAD_FIELD
from harness.deathsig import lifetime_hook
from harness.errors import EnvironmentProblem
from harness.layers.base import LayerHandle
from harness.layers.tls import TlsFiles, write_tls_files
from harness.processes import ManagedProcess, free_port, tcp_ready

if TYPE_CHECKING:
    from collections.abc import Iterator

    from harness.layers.base import LayerSpec

__all__ = [
    "NginxSettings",
    "find_nginx",
    "nginx_version",
    "open_nginx",
    "render_config",
]

NGINX_CANDIDATES = (
    "/usr/sbin/nginx",
    "/usr/local/sbin/nginx",
    "/usr/local/nginx/sbin/nginx",
)
MISSING = "nginx not found: install it with `apt-get install nginx-light` (Debian)"
READY_TIMEOUT_S = 15.0
BIND_ATTEMPTS = 3
HTTP2_DIRECTIVE_SINCE = (1, 25, 1)  # `http2 on;`; before: `listen ... ssl http2;`
ERROR_LOG_FLAG_SINCE = (
    1,
    19,
    5,
)  # `-e file`: where errors go before the config is read
TEMP_KINDS = ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")


@dataclass(frozen=True, slots=True)
class Variant:
    """What distinguishes the nginx layers from one another."""

    gzip: bool = False
    tls: bool = False  # TLS + HTTP/2 towards the client
    http11: bool = True  # proxy_http_version 1.1 + empty Connection (else stock 1.0)


VARIANTS: dict[str, Variant] = {
    "nginx": Variant(http11=False),
    "nginx-gzip": Variant(gzip=True, http11=False),
    "h2": Variant(tls=True),
    "nginx-http11": Variant(),
}


@dataclass(frozen=True, slots=True)
class NginxSettings:
    """Everything the generated nginx.conf depends on."""

    directory: Path
    listen_port: int
    upstream_port: int
    read_timeout_s: float
    gzip: bool = False
    tls: TlsFiles | None = None
    http2_directive: bool = True
    upstream_http11: bool = True
    worker_connections: int = 1024


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


def _q(path: Path) -> str:
    """A path as an nginx double-quoted string (paths may hold spaces)."""
    escaped = str(path).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def render_config(s: NginxSettings) -> str:
    """The nginx.conf text for ``s`` (pure)."""
    d = s.directory
    listen = f"127.0.0.1:{s.listen_port}"
    server: list[str] = []
    if s.tls is None:
        server.append(f"listen {listen};")
    elif s.http2_directive:
        server += [f"listen {listen} ssl;", "http2 on;"]
    else:
        server.append(f"listen {listen} ssl http2;")
    server.append("server_name localhost 127.0.0.1;")
    if s.tls is not None:
        server += [
            f"ssl_certificate {_q(s.tls.cert_path)};",
            f"ssl_certificate_key {_q(s.tls.key_path)};",
        ]
    if s.gzip:
        server += [
            "gzip on;",
            "gzip_types text/event-stream application/json;",
            "gzip_min_length 1;",
            "gzip_proxied any;",
        ]
    server += [
        "location / {",
        f"    proxy_pass http://127.0.0.1:{s.upstream_port};",
        *(
            ["    proxy_http_version 1.1;", '    proxy_set_header Connection "";']
            if s.upstream_http11
            else [
                "    # proxy_http_version: stock (1.0), so no chunked upstream bodies"
            ]
        ),
        f"    proxy_read_timeout {max(1, round(s.read_timeout_s * 1000))}ms;",
        "    # when nginx had the proxy's head (HDR-EARLY-FLUSH: the layer's doing?)",
        f"    add_header {LAYER_HEAD_FIELD} $upstream_header_time always;",
        "    # proxy_buffering: stock (on), default buffer sizes -- deliberately.",
        "}",
    ]
    temp = [f"{kind}_temp_path {_q(d / 'temp' / kind)};" for kind in TEMP_KINDS]
    lines = [
        "# Generated by sse-harness. Stock proxy buffering on purpose.",
        "daemon off;",
        "master_process off;",
        "worker_processes 1;",
        f"pid {_q(d / 'nginx.pid')};",
        f"lock_file {_q(d / 'nginx.lock')};",
        f"error_log {_q(d / 'error.log')} info;",
        f"events {{ worker_connections {s.worker_connections}; }}",
        "http {",
        '    log_format timed \'$remote_addr [$time_local] "$request" $status '
        "$body_bytes_sent $server_protocol rt=$request_time "
        "uct=$upstream_connect_time uht=$upstream_header_time "
        "urt=$upstream_response_time';",
        f"    access_log {_q(d / 'access.log')} timed;",
        *(f"    {line}" for line in temp),
        "    default_type application/octet-stream;",
        "    server {",
        *(f"        {line}" for line in server),
        "    }",
        "}",
    ]
    return "\n".join(lines) + "\n"


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
    """Run nginx (variant ``spec.kind``) in front of 127.0.0.1:``upstream_port``."""
    variant = VARIANTS[spec.kind]
    tls = variant.tls
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
                gzip=variant.gzip,
                tls=tls_files,
                http2_directive=nginx_version(binary) >= HTTP2_DIRECTIVE_SINCE,
                upstream_http11=variant.http11,
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
