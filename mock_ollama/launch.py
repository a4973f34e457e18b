"""Start ``mock-ollama serve`` as a child process and wait for its port file.

The one copy of "start the mock, wait for its port file": the harness
(``harness.upstream.mock``), ``python -m mock_ollama.bench`` and the tests use it.
``wait_for_port`` polls (every 20 ms, with a timeout) until the mock has written its
port atomically (``serve --port-file``, temp file + rename), failing early if the child
exits first. ``running_mock`` is the whole thing for callers without their own process
manager: a new session, killed as a group on the way out.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from typing import TYPE_CHECKING

from mock_ollama.errors import MockOllamaError

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Mapping
    from pathlib import Path

START_TIMEOUT_S = 20.0
_POLL_S = 0.02


class LaunchError(MockOllamaError):
    """The mock did not come up (exited, or no port file within the timeout)."""


def serve_argv(
    port_file: Path, *extra: str, port: int = 0, python: str = sys.executable
) -> list[str]:
    """``python -m mock_ollama serve`` on 127.0.0.1:``port`` writing ``port_file``."""
    return [
        python,
        "-m",
        "mock_ollama",
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--port-file",
        str(port_file),
        *extra,
    ]


def read_port(port_file: Path) -> int | None:
    """The port in ``port_file``, or None while it is not (completely) there."""
    try:
        text = port_file.read_text().strip()
    except OSError:
        return None
    return int(text) if text.isdigit() and 0 < int(text) < 65536 else None


def wait_for_port(
    port_file: Path,
    alive: Callable[[], bool],
    timeout: float = START_TIMEOUT_S,
) -> int:
    """Poll ``port_file`` until it holds a port; LaunchError if ``alive()`` turns
    False or ``timeout`` seconds pass first."""
    deadline = time.monotonic() + timeout
    while True:
        port = read_port(port_file)
        if port is not None:
            return port
        if not alive():
            raise LaunchError("mock-ollama exited before writing its port file")
        if time.monotonic() > deadline:
            raise LaunchError(f"mock-ollama wrote no port file within {timeout:g} s")
        time.sleep(_POLL_S)


@contextlib.contextmanager
def running_mock(
    port_file: Path,
    *extra: str,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    stderr: int | None = subprocess.DEVNULL,
    timeout: float = START_TIMEOUT_S,
) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    """Run the mock for the ``with`` block: yields (process, ``http://127.0.0.1:PORT``).

    The child gets ``--parent-pid`` of this process, so it also goes if we die hard.
    """
    argv = serve_argv(port_file, *extra, "--parent-pid", str(os.getpid()))
    process = subprocess.Popen(
        argv,
        env=dict(env) if env is not None else None,
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=stderr,
        start_new_session=True,
    )
    try:
        port = wait_for_port(port_file, lambda: process.poll() is None, timeout)
        yield process, f"http://127.0.0.1:{port}"
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)
