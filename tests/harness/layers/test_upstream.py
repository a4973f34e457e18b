"""A tiny streaming upstream and a read-stamping client for the layer tests.

``GET /stream?n=8&gap=100&size=0&accel=1&close=0`` answers ``text/event-stream`` with
``n`` events ``data: I xxx\\n\\n`` (``size`` padding bytes) every ``gap`` ms, chunked
to HTTP/1.1 requests (close-delimited with ``close=1`` or to HTTP/1.0 requests, as real
servers do), with ``X-Accel-Buffering: no`` when ``accel=1``. Write times and the
moment the peer went away are recorded (``time.perf_counter``) per exchange.
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
import threading
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, urlsplit

import httpx

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path


@dataclass
class Exchange:
    target: str
    version: str
    writes: list[float] = field(default_factory=list)
    peer_gone_at: float | None = None
    finished: bool = False


@dataclass
class Observation:
    status: int
    http_version: str
    headers: httpx.Headers
    arrivals: list[float]  # one stamp per complete event: the read that completed it
    body: bytes  # decoded (Content-Encoding undone)

    @property
    def spread(self) -> float:
        return self.arrivals[-1] - self.arrivals[0]

    def bursts(self, gap: float = 0.03) -> int:
        """Groups of events arriving less than ``gap`` s after the previous one."""
        return 1 + sum(
            b - a >= gap for a, b in zip(self.arrivals, self.arrivals[1:], strict=False)
        )


class StreamingUpstream:
    """The server above on its own event loop in a thread (context manager)."""

    def __init__(self) -> None:
        self.exchanges: list[Exchange] = []
        self.port = 0
        self._loop = asyncio.new_event_loop()
        self._server: asyncio.Server | None = None
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._tasks: set[asyncio.Task[None]] = set()

    def __enter__(self) -> StreamingUpstream:
        self._server = self._loop.run_until_complete(
            asyncio.start_server(self._handle, "127.0.0.1", 0)
        )
        self.port = self._server.sockets[0].getsockname()[1]
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        asyncio.run_coroutine_threadsafe(self._shutdown(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._loop.close()

    def url(self, **params: object) -> str:
        query = "&".join(f"{key}={value}" for key, value in params.items())
        return f"http://127.0.0.1:{self.port}/stream?{query}"

    async def _shutdown(self) -> None:
        assert self._server is not None
        self._server.close()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self._server.wait_closed()

    async def _handle(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        try:
            await self._serve(reader, writer)
        except (ConnectionError, asyncio.IncompleteReadError, TimeoutError):
            pass
        finally:
            writer.transport.abort()
            self._tasks.discard(task)

    async def _serve(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        async with asyncio.timeout(10):
            head = await reader.readuntil(b"\r\n\r\n")
        _method, target, version = head.split(b"\r\n")[0].decode().split(" ")
        exchange = Exchange(target=target, version=version)
        self.exchanges.append(exchange)
        params = {k: v[0] for k, v in parse_qs(urlsplit(target).query).items()}
        count, gap = int(params.get("n", "8")), float(params.get("gap", "100")) / 1000
        pad = "x" * int(params.get("size", "0"))
        chunked = version == "HTTP/1.1" and params.get("close") != "1"
        lines = [
            "HTTP/1.1 200 OK",
            "Content-Type: text/event-stream",
            "Cache-Control: no-cache",
        ]
        if params.get("accel") == "1":
            lines.append("X-Accel-Buffering: no")
        lines.append("Transfer-Encoding: chunked" if chunked else "Connection: close")
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode())
        await writer.drain()
        watcher = asyncio.create_task(self._watch(reader, exchange))
        try:
            start = time.monotonic()
            for index in range(count):
                await asyncio.sleep(max(0.0, start + index * gap - time.monotonic()))
                data = f"data: {index} {pad}\n\n".encode()
                writer.write(b"%x\r\n%s\r\n" % (len(data), data) if chunked else data)
                await writer.drain()
                exchange.writes.append(time.perf_counter())
            if chunked:
                writer.write(b"0\r\n\r\n")
            await writer.drain()
            exchange.finished = True
            writer.close()
            await writer.wait_closed()
        finally:
            watcher.cancel()
            await asyncio.gather(watcher, return_exceptions=True)

    async def _watch(self, reader: asyncio.StreamReader, exchange: Exchange) -> None:
        with contextlib.suppress(ConnectionError):
            while await reader.read(65536):
                pass
        exchange.peer_gone_at = time.perf_counter()


def observe(
    url: str, *, http2: bool = False, ca_path: Path | None = None
) -> Observation:
    """GET ``url``, stamping the read that completes each event (after decoding)."""
    verify: ssl.SSLContext | bool = True
    if ca_path is not None:
        verify = ssl.create_default_context(cafile=str(ca_path))
    arrivals: list[float] = []
    body = bytearray()
    with (
        httpx.Client(http2=http2, verify=verify, timeout=30) as client,
        client.stream("GET", url) as response,
    ):
        for data in response.iter_bytes():
            now = time.perf_counter()
            before = body.count(b"\n\n")
            body += data
            arrivals += [now] * (body.count(b"\n\n") - before)
    return Observation(
        status=response.status_code,
        http_version=response.http_version,
        headers=response.headers,
        arrivals=arrivals,
        body=bytes(body),
    )


@contextlib.contextmanager
def upstream() -> Iterator[StreamingUpstream]:
    with StreamingUpstream() as server:
        yield server


# -- the helper's own tests: without a layer, events arrive as they are written ------


def test_direct_events_arrive_one_by_one_as_written() -> None:
    with upstream() as server:
        seen = observe(server.url(n=5, gap=100))
        (exchange,) = server.exchanges
    assert seen.status == 200
    assert seen.body.count(b"\n\n") == 5
    assert seen.arrivals[0] < exchange.writes[-1]  # the first event did not wait
    assert seen.bursts() == 5


def test_http10_request_gets_close_delimited_body() -> None:
    import socket

    with (
        upstream() as server,
        socket.create_connection(("127.0.0.1", server.port), 5) as sock,
    ):
        sock.sendall(b"GET /stream?n=2&gap=10 HTTP/1.0\r\n\r\n")
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
    assert b"Connection: close" in received
    assert b"Transfer-Encoding" not in received
    assert received.endswith(b"data: 1 \n\n")
