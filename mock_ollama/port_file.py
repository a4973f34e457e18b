"""Start-up of ``mock-ollama serve`` seen from outside: its argv and its port file.

Pure: standard library only (no subprocess; the wait polls a file with a timeout).
The one copy of "start the mock, wait for its port file": the harness
(``harness.upstream.mock``, with its own process manager), ``mock_ollama.launch``
(``running_mock``, for the bench and the tests) build the argv here and wait here.
``wait_for_port`` polls every 20 ms until the mock has written its port atomically
(``serve --port-file``: temp file + rename), failing early if the child exits first.
"""

from __future__ import annotations

import sys
import time
from typing import TYPE_CHECKING

from mock_ollama.errors import MockOllamaError

if TYPE_CHECKING:
    from collections.abc import Callable
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
