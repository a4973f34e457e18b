"""Start and stop a program layer (I/O shell): its configuration rendered into the
layer's own directory under the run's workdir and shown in the report's logs; the
program in the foreground in its own process group (it dies with us), on a free port
of 127.0.0.1, writing its pid, logs and temp files into that directory only: the
distribution's services, ports and files are never touched.
"""

from __future__ import annotations

import contextlib
import functools
import os
import pwd
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from harness.errors import EnvironmentProblem, UsageError
from harness.layers.base import KINDS, LayerHandle
from harness.layers.programs import PROGRAMS, Requirement, find_program, render
from harness.layers.tls import write_tls_files
from harness.processes import ManagedProcess, free_port, tcp_ready

if TYPE_CHECKING:
    from collections.abc import Iterator

    from harness.layers.base import LayerSpec

__all__ = ["open_program"]

READY_TIMEOUT_S = 20.0
#: the files of a layer's directory the report shows: its config and its logs
SHOWN = (".log", ".out", ".cfg", ".vcl", ".conf", ".Caddyfile")
BIND_ATTEMPTS = 3
#: what a program says when its port was taken between free_port() and its bind
PORT_TAKEN = ("Address already in use", "cannot bind", "Cannot bind", "could not bind")


def _user() -> tuple[str, str]:
    """Who Apache's children run as: www-data (or nobody) when we are root."""
    if os.geteuid() != 0:
        name = pwd.getpwuid(os.geteuid()).pw_name
        return name, f"#{os.getegid()}"
    for name in ("www-data", "nobody"):
        with contextlib.suppress(KeyError):
            pwd.getpwnam(name)
            return name, f"#{pwd.getpwnam(name).pw_gid}"
    return "#65534", "#65534"


def _values(
    directory: Path, kind: str, listen: int, upstream: int
) -> dict[str, str | int]:
    user, group = _user()
    values: dict[str, str | int] = {
        "dir": str(directory),
        "listen": listen,
        "upstream": upstream,
        "modules": "/usr/lib/apache2/modules",
        "user": user,
        "group": group,
    }
    if KINDS[kind].tls:
        values |= {
            "cert": str(directory / "server.pem"),
            "key": str(directory / "server.key"),
        }
    return values


def _read_logs(directory: Path) -> dict[str, str]:
    logs: dict[str, str] = {}
    for path in sorted(directory.iterdir()):
        if path.is_file() and path.suffix in SHOWN:
            with contextlib.suppress(OSError):
                logs[path.name] = path.read_text(errors="replace")
    return logs


def _start(
    binary: str, spec: LayerSpec, directory: Path, upstream: int
) -> tuple[ManagedProcess, int] | None:
    """Start the program on a free port; None if the port was taken meanwhile."""
    facts = spec.facts
    program = PROGRAMS[facts.program]
    port = free_port()
    config = directory / f"{facts.config}{program.suffix}"
    config.write_text(render(spec.kind, _values(directory, spec.kind, port, upstream)))
    env = {
        **os.environ,
        "HOME": str(directory),
        "XDG_DATA_HOME": str(directory / "data"),
        "XDG_CONFIG_HOME": str(directory / "config"),
    }
    process = ManagedProcess(
        program.argv(binary, directory, config, port),
        env=env,
        cwd=str(directory),
        log_path=directory / f"{facts.program}.out",
        name=f"{spec.name} layer ({program.binary})",
    )
    process.start()
    try:
        process.wait_ready(lambda: tcp_ready("127.0.0.1", port), READY_TIMEOUT_S)
    except EnvironmentProblem:
        process.stop()
        if any(text in process.output() for text in PORT_TAKEN):
            return None
        raise
    return process, port


@contextlib.contextmanager
def open_program(
    spec: LayerSpec, upstream_port: int, *, workdir: Path, read_timeout_s: float
) -> Iterator[LayerHandle]:
    """Run the program of layer ``spec`` in front of 127.0.0.1:``upstream_port``.

    ``read_timeout_s`` is ignored: each configuration file carries the program's own
    timeouts (stock or tuned), which is what the layer is there to show.
    """
    del read_timeout_s
    facts = spec.facts
    program = PROGRAMS[facts.program]
    binary = find_program(program)
    if binary is None:
        raise UsageError(
            Requirement(spec.kind, program.binary, program.package, None).message
        )
    directory = Path(tempfile.mkdtemp(prefix=f"{spec.kind}-", dir=workdir))
    directory.chmod(0o755)  # Apache's children (www-data) read nothing else here
    tls_files = write_tls_files(directory) if facts.tls else None
    started: tuple[ManagedProcess, int] | None = None
    try:
        for _attempt in range(BIND_ATTEMPTS):
            started = _start(binary, spec, directory, upstream_port)
            if started is not None:
                break
        if started is None:
            raise EnvironmentProblem(
                f"{program.binary} could not bind a free port in {BIND_ATTEMPTS} attempts"
            )
        yield LayerHandle(
            name=spec.name,
            scheme="https" if facts.tls else "http",
            host="127.0.0.1",
            port=started[1],
            http2=facts.tls,
            ca_path=tls_files.ca_path if tls_files is not None else None,
            log_reader=functools.partial(_read_logs, directory),
        )
    finally:
        if started is not None:
            started[0].stop()
