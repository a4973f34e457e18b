"""``buffer:BYTES:MS`` -- a store-and-forward TCP layer, like a buffering CDN edge.

Client -> upstream bytes are forwarded at once. Upstream -> client bytes are held until
BYTES have accumulated or MS milliseconds have passed since the first held byte,
whichever comes first; then everything held is flushed. Upstream EOF flushes and closes
the client. A client that goes away closes the upstream connection at once (held bytes
are dropped), so the upstream still observes the cancellation.

It works on TCP bytes, below HTTP: response headers are held like any other bytes.
The server runs on its own event loop in a background thread.
"""

from __future__ import annotations

import asyncio
import collections
import concurrent.futures
import contextlib
import threading
from typing import TYPE_CHECKING

from harness.errors import EnvironmentProblem
from harness.layers.base import LayerHandle

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from harness.layers.base import LayerSpec

__all__ = ["StoreAndForward", "open_buffer"]

READ_SIZE = 65536
CONNECT_TIMEOUT_S = 10.0
CLOSE_TIMEOUT_S = 5.0
START_TIMEOUT_S = 10.0
JOIN_TIMEOUT_S = 10.0


class StoreAndForward:
    """The running store-and-forward server (start/stop from any thread)."""

    def __init__(
        self,
        upstream_port: int,
        hold_bytes: int,
        hold_ms: float,
        host: str = "127.0.0.1",
    ) -> None:
        self.upstream_port = upstream_port
        self.hold_bytes = hold_bytes
        self.hold_ms = hold_ms
        self.host = host
        self.port = 0
        self.counters: collections.Counter[str] = collections.Counter()
        self._ready: concurrent.futures.Future[int] = concurrent.futures.Future()
        self._thread = threading.Thread(
            target=self._run, name="buffer-layer", daemon=True
        )
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    def start(self) -> None:
        """Listen on a free port of 127.0.0.1 (``self.port``); return once listening."""
        self._thread.start()
        try:
            self.port = self._ready.result(timeout=START_TIMEOUT_S)
        except (OSError, concurrent.futures.TimeoutError) as exc:
            self.stop()
            raise EnvironmentProblem(f"buffer layer could not listen: {exc}") from exc

    def stop(self) -> None:
        """Close the server and every connection, then join the thread."""
        loop, stop = self._loop, self._stop
        if loop is not None and stop is not None:
            with contextlib.suppress(RuntimeError):  # loop already closed
                loop.call_soon_threadsafe(stop.set)
        if self._thread.is_alive():
            self._thread.join(JOIN_TIMEOUT_S)

    def is_running(self) -> bool:
        """True until stop() has closed everything and the thread has ended."""
        return self._thread.is_alive()

    def summary(self) -> str:
        """One line: what was held and how often it was flushed, and why."""
        c = self.counters
        return (
            f"hold {self.hold_bytes} B / {self.hold_ms:g} ms; "
            f"connections {c['connections']} (upstream refused {c['refused']}); "
            f"flushes: size {c['flush-size']}, timer {c['flush-timer']}, "
            f"eof {c['flush-eof']}; bytes up {c['bytes-up']}, down {c['bytes-down']}"
        )

    # -- the event loop thread ----------------------------------------------------

    def _run(self) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        try:
            loop.run_until_complete(self._serve())
        except BaseException as exc:
            if not self._ready.done():
                self._ready.set_exception(exc)
        finally:
            loop.close()

    async def _serve(self) -> None:
        self._stop = asyncio.Event()
        server = await asyncio.start_server(self._handle, self.host, 0)
        self._ready.set_result(server.sockets[0].getsockname()[1])
        try:
            await self._stop.wait()
        finally:
            server.close()
            await asyncio.sleep(0)  # let handlers of just-accepted connections register
            for task in list(self._tasks):
                task.cancel()
            await asyncio.gather(*self._tasks, return_exceptions=True)
            await server.wait_closed()

    async def _handle(
        self, client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter
    ) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        self.counters["connections"] += 1
        abort = True
        try:
            try:
                async with asyncio.timeout(CONNECT_TIMEOUT_S):
                    up_r, up_w = await asyncio.open_connection(
                        "127.0.0.1", self.upstream_port
                    )
            except (OSError, TimeoutError):
                self.counters["refused"] += 1
                return
            try:
                await self._pipe(client_r, client_w, up_r, up_w)
                abort = False
            finally:
                await _close(up_w, abort=abort)
        finally:
            await _close(client_w, abort=abort)
            self._tasks.discard(task)

    async def _pipe(
        self,
        client_r: asyncio.StreamReader,
        client_w: asyncio.StreamWriter,
        up_r: asyncio.StreamReader,
        up_w: asyncio.StreamWriter,
    ) -> None:
        """Run both directions until either side ends; then end the other one too."""
        tasks = {
            asyncio.create_task(self._forward(client_r, up_w)),
            asyncio.create_task(self._hold_and_forward(up_r, client_w)),
        }
        try:
            await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

    async def _forward(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        while data := await reader.read(READ_SIZE):
            self.counters["bytes-up"] += len(data)
            writer.write(data)
            await writer.drain()

    async def _hold_and_forward(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        loop = asyncio.get_running_loop()
        held = bytearray()
        deadline: float | None = None  # loop.time() when the held bytes must go
        while True:
            if deadline is not None and loop.time() >= deadline:
                await self._flush(writer, held, "flush-timer")
                deadline = None
            try:
                async with asyncio.timeout_at(deadline):
                    data = await reader.read(READ_SIZE)
            except TimeoutError:
                continue
            except ConnectionError:
                data = b""
            if not data:
                await self._flush(writer, held, "flush-eof")
                return
            if not held:
                deadline = loop.time() + self.hold_ms / 1000.0
            held += data
            if len(held) >= self.hold_bytes:
                await self._flush(writer, held, "flush-size")
                deadline = None

    async def _flush(
        self, writer: asyncio.StreamWriter, held: bytearray, why: str
    ) -> None:
        if not held:
            return
        self.counters[why] += 1
        self.counters["bytes-down"] += len(held)
        writer.write(bytes(held))
        held.clear()
        await writer.drain()


async def _close(writer: asyncio.StreamWriter, *, abort: bool) -> None:
    """Close (flushing what is buffered) or abort; wait a few seconds at most."""
    if abort:
        writer.transport.abort()
    else:
        writer.close()
    with contextlib.suppress(Exception):
        await asyncio.wait_for(writer.wait_closed(), CLOSE_TIMEOUT_S)
    writer.transport.abort()


@contextlib.contextmanager
def open_buffer(
    spec: LayerSpec, upstream_port: int, *, workdir: Path, read_timeout_s: float
) -> Iterator[LayerHandle]:
    """Run the store-and-forward layer in front of 127.0.0.1:``upstream_port``."""
    del workdir, read_timeout_s  # nothing on disk; no idle timeout of its own
    layer = StoreAndForward(upstream_port, spec.hold_bytes, spec.hold_ms)
    layer.start()
    try:
        yield LayerHandle(
            name=spec.name,
            scheme="http",
            host="127.0.0.1",
            port=layer.port,
            log_reader=lambda: {"buffer": layer.summary()},
        )
    finally:
        layer.stop()
