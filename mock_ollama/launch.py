"""Run ``mock-ollama serve`` as a child process for a ``with`` block.

``running_mock`` is "start the mock, wait for its port file" (``mock_ollama.port_file``)
for callers without their own process manager - ``python -m mock_ollama.tools.bench`` and
the tests: a new session, told our pid (``--parent-pid``), killed as a group on the
way out.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
from typing import TYPE_CHECKING

from mock_ollama.port_file import (
    START_TIMEOUT_S,
    serve_argv,
    wait_for_port,
)

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping
    from pathlib import Path


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
