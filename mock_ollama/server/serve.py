"""Run the mock under uvicorn: in a thread (tests) or in the foreground (the CLI).

uvicorn is told not to add ``Server``/``Date`` headers (the app writes Go's ``Date``
itself, in Go's header order) and to use h11, which writes one transport write per body
message. Binds 127.0.0.1 unless told otherwise. A ``cut`` fault ends the ASGI call
without the terminating chunk; uvicorn then logs "ASGI callable returned without
completing response." and closes the connection - that message is filtered out.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import tempfile
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import uvicorn

from mock_ollama.server.parent_watch import watch_parent

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from starlette.applications import Starlette

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 11434
STARTUP_TIMEOUT_S = 10.0
#: after the parent is gone: graceful shutdown first, a hard exit after this long
PARENT_GONE_GRACE_S = 5.0
_CUT_MESSAGE = "ASGI callable returned without completing response."


class _QuietCut(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage() != _CUT_MESSAGE


def _install_filter() -> None:
    logger = logging.getLogger("uvicorn.error")
    if not any(isinstance(f, _QuietCut) for f in logger.filters):
        logger.addFilter(_QuietCut())


class MockServer(uvicorn.Server):
    """uvicorn.Server that reports its bound port once listening."""

    def __init__(
        self, config: uvicorn.Config, on_listening: Callable[[int], None] | None = None
    ) -> None:
        super().__init__(config)
        self._on_listening = on_listening

    @property
    def port(self) -> int:
        """The TCP port actually bound (useful with port 0)."""
        sock = self.servers[0].sockets[0]
        return int(sock.getsockname()[1])

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        if self.started and self._on_listening is not None:
            self._on_listening(self.port)


def uvicorn_config(
    app: Starlette, host: str = DEFAULT_HOST, port: int = 0, **kw: Any
) -> uvicorn.Config:
    """The uvicorn settings the mock needs to be byte-faithful."""
    options: dict[str, Any] = {
        "host": host,
        "port": port,
        "http": "h11",
        "loop": "asyncio",
        "lifespan": "off",
        "access_log": False,
        "log_level": "warning",
        "server_header": False,
        "date_header": False,
        "timeout_graceful_shutdown": 1,
    }
    options.update(kw)
    return uvicorn.Config(app, **options)


@contextlib.contextmanager
def serve_in_thread(
    app: Starlette, host: str = DEFAULT_HOST, port: int = 0
) -> Iterator[str]:
    """Serve ``app`` in a daemon thread; yield its base URL (``http://127.0.0.1:PORT``)."""
    _install_filter()
    sock = bind(host, port)
    server = MockServer(uvicorn_config(app, host, port))
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name="mock-ollama", daemon=True
    )
    thread.start()
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError(f"mock-ollama did not start on {host}:{port}")
        time.sleep(0.005)
    try:
        yield f"http://{host}:{server.port}"
    finally:
        server.should_exit = True
        thread.join(timeout=5)
        sock.close()


def bind(host: str, port: int) -> socket.socket:
    """A socket bound to ``host:port``; OSError with a clear text if it is taken."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        return socket.create_server((host, port), family=family, backlog=2048)
    except OSError as exc:
        raise OSError(
            f"could not listen on {host}:{port}: {exc.strerror or exc}"
        ) from None


def write_port_file(path: str | Path, port: int) -> None:
    """Write ``port`` (decimal) to ``path`` atomically (temp file + rename)."""
    target = Path(path)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".port-")
    with os.fdopen(fd, "w") as handle:
        handle.write(f"{port}\n")
    os.replace(tmp, target)


def serve_forever(
    app: Starlette,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    port_file: str | None = None,
    announce: Callable[[str], None] | None = None,
    parent_pid: int | None = None,
) -> bool:
    """Serve in the foreground until SIGINT/SIGTERM (or ``parent_pid`` is gone);
    OSError if it cannot listen."""
    _install_filter()
    sock = bind(host, port)

    def listening(bound: int) -> None:
        if port_file:
            write_port_file(port_file, bound)
        if announce is not None:
            announce(f"mock-ollama listening on http://{host}:{bound}")

    server = MockServer(uvicorn_config(app, host, port), listening)

    def parent_gone() -> None:
        if announce is not None:
            announce(f"mock-ollama: parent process {parent_pid} is gone; exiting")
        server.should_exit = True
        hard = threading.Timer(PARENT_GONE_GRACE_S, os._exit, (0,))
        hard.daemon = True
        hard.start()

    stop = watch_parent(parent_pid, parent_gone) if parent_pid else None
    try:
        with sock:
            server.run(sockets=[sock])
    finally:
        if stop is not None:
            stop.set()
    return server.started
