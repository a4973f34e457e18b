"""A TCP relay on its own event loop in a background thread: what the in-process
layers (``buffer``, ``idle-timeout``, ``total-timeout``) share.

A subclass says what happens between the two sockets of one connection (``_pipe``);
the relay accepts on a free port of 127.0.0.1, connects each client to the upstream,
closes both when either side ends, and stops everything within bounded waits.
"""

from __future__ import annotations

import asyncio
import collections
import concurrent.futures
import contextlib
import dataclasses
import threading
from typing import TYPE_CHECKING, Any

from harness.errors import EnvironmentProblem
from harness.layers.base import LayerHandle

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Coroutine, Iterator

__all__ = ["Connection", "Relay", "both_ways", "close_writer", "serving"]

READ_SIZE = 65536
CONNECT_TIMEOUT_S = 10.0
CLOSE_TIMEOUT_S = 5.0
START_TIMEOUT_S = 10.0
JOIN_TIMEOUT_S = 10.0


@dataclasses.dataclass(frozen=True)
class Connection:
    """The two sockets of one relayed connection: the client's and the upstream's."""

    client_r: asyncio.StreamReader
    client_w: asyncio.StreamWriter
    up_r: asyncio.StreamReader
    up_w: asyncio.StreamWriter


class Relay:
    """A running relay server (start/stop from any thread)."""

    #: the layer's name, in messages
    label = "relay"

    def __init__(self, upstream_port: int, host: str = "127.0.0.1") -> None:
        self.upstream_port = upstream_port
        self.host = host
        self.port = 0
        self.counters: collections.Counter[str] = collections.Counter()
        self._ready: concurrent.futures.Future[int] = concurrent.futures.Future()
        self._thread = threading.Thread(
            target=self._run, name=f"{self.label}-layer", daemon=True
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
            raise EnvironmentProblem(
                f"{self.label} layer could not listen: {exc}"
            ) from exc

    def stop(self) -> None:
        """Close the server and every connection, then join the thread."""
        loop, stop = self._loop, self._stop
        if loop is not None and stop is not None:
            with contextlib.suppress(RuntimeError):  # loop already closed
                loop.call_soon_threadsafe(stop.set)
        if self._thread.is_alive():
            self._thread.join(JOIN_TIMEOUT_S)

    def summary(self) -> str:
        """One line for the layer's log: what it did (the subclass's counters)."""
        raise NotImplementedError

    def is_running(self) -> bool:
        """True until stop() has closed everything and the thread has ended."""
        return self._thread.is_alive()

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
                await self._pipe(Connection(client_r, client_w, up_r, up_w))
                abort = False
            finally:
                await close_writer(up_w, abort=abort)
        finally:
            await close_writer(client_w, abort=abort)
            self._tasks.discard(task)

    async def _pipe(self, conn: Connection) -> None:
        """Relay one connection until either side ends (the subclass's behaviour)."""
        raise NotImplementedError


@contextlib.asynccontextmanager
async def both_ways(
    up: Coroutine[Any, Any, None], down: Coroutine[Any, Any, None]
) -> AsyncIterator[set[asyncio.Task[None]]]:
    """Run both directions as tasks; on leaving, cancel whichever still runs."""
    tasks = {asyncio.create_task(up), asyncio.create_task(down)}
    try:
        yield tasks
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


async def close_writer(writer: asyncio.StreamWriter, *, abort: bool) -> None:
    """Close (flushing what is buffered) or abort; wait a few seconds at most."""
    if abort:
        writer.transport.abort()
    else:
        writer.close()
    with contextlib.suppress(Exception):
        await asyncio.wait_for(writer.wait_closed(), CLOSE_TIMEOUT_S)
    writer.transport.abort()


@contextlib.contextmanager
def serving(layer: Relay, name: str, log_key: str) -> Iterator[LayerHandle]:
    """Start ``layer``; yield how the gate reaches it (its ``summary()`` logged under
    ``log_key``); always stop it."""
    layer.start()
    try:
        yield LayerHandle(
            name=name,
            scheme="http",
            host="127.0.0.1",
            port=layer.port,
            log_reader=lambda: {log_key: layer.summary()},
        )
    finally:
        layer.stop()
