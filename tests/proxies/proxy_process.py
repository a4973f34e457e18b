"""Start a proxy as a subprocess on a free port; kill its process group afterwards."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping, Sequence

from tests.tools import require_tool, wait_until

ROOT = Path(__file__).resolve().parents[2]
READY_TIMEOUT = 20.0
# Short enough to observe in a test, long enough not to matter elsewhere.
TEST_ENV = {"HEARTBEAT_SECONDS": "1", "SLOW_CLIENT_SECONDS": "2"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass(frozen=True, slots=True)
class Proxy:
    base: str
    port: int
    process: subprocess.Popen[bytes]


def python_proxy_argv(*options: str) -> list[str]:
    return [sys.executable, "-m", "proxies.starlette_proxy", *options]


def node_proxy_argv(node: str) -> list[str]:
    return [node, str(ROOT / "proxies" / "node_proxy" / "server.mjs")]


def proxy_argv(kind: str, *options: str) -> list[str]:
    """argv of a reference proxy: ``starlette`` (with options) or ``node``."""
    if kind == "node":
        return node_proxy_argv(
            require_tool("node", "the Node reference proxy needs Node 20")
        )
    return python_proxy_argv(*options)


def _wait_ready(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    def listening() -> bool:
        if process.poll() is not None:
            output = log.read_text(errors="replace")
            raise RuntimeError(f"proxy exited with {process.returncode}:\n{output}")
        with (
            contextlib.suppress(OSError),
            socket.create_connection(("127.0.0.1", port), 0.2),
        ):
            return True
        return False

    if not wait_until(listening, READY_TIMEOUT, 0.05):
        raise RuntimeError(f"proxy not listening on {port} after {READY_TIMEOUT} s")


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)


@contextlib.contextmanager
def running_proxy(
    argv: Sequence[str], upstream: str, env: Mapping[str, str] | None = None
) -> Iterator[Proxy]:
    """The proxy ``argv`` listening on a free port, ``upstream`` as OLLAMA_URL."""
    port = free_port()
    environment = {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": str(ROOT),
        "PORT": str(port),
        "OLLAMA_URL": upstream,
    } | dict(env or {})
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "proxy.log"
        with log.open("wb") as sink:
            process = subprocess.Popen(
                list(argv),
                cwd=ROOT,
                env=environment,
                stdin=subprocess.DEVNULL,
                stdout=sink,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            _wait_ready(port, process, log)
            yield Proxy(f"http://127.0.0.1:{port}", port, process)
        finally:
            _kill_group(process)
