"""harness.client.loop against scripted raw servers: what arrived, when, and how it ended."""

from __future__ import annotations

import asyncio
import gzip
import socket
import time
from collections.abc import Awaitable, Callable
from typing import Any

import h2.config
import h2.connection
import h2.events
import pytest

from harness.client.loop import Limits, observe
from harness.client.observation import End, Request

Script = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


def chunk(data: bytes) -> bytes:
    return b"%x\r\n%s\r\n" % (len(data), data)


async def with_server(script: Script, client: Callable[[str], Awaitable[Any]]) -> Any:
    async def handle(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        try:
            await script(reader, writer)
        except (ConnectionError, asyncio.CancelledError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    async with server:
        return await client(f"http://127.0.0.1:{port}/x")


def get(url: str) -> Request:
    return Request("GET", url, (("accept", "text/event-stream"),), b"")


async def read_head(reader: asyncio.StreamReader) -> None:
    await reader.readuntil(b"\r\n\r\n")


def run(script: Script, **kw: Any) -> Any:
    return asyncio.run(with_server(script, lambda url: observe(get(url), **kw)))


def test_reads_are_stamped_and_duplicate_headers_kept():
    async def script(reader, writer):
        await read_head(reader)
        writer.write(
            b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\nx-dup: 1\r\nX-Dup: 2\r\n"
            b"transfer-encoding: chunked\r\n\r\n" + chunk(b"data: a\n\n")
        )
        await writer.drain()
        await asyncio.sleep(0.15)
        writer.write(chunk(b"data: b\n\n") + b"0\r\n\r\n")
        await writer.drain()

    obs = run(script)
    assert obs.status == 200 and obs.end is End.COMPLETE
    assert obs.header("x-dup") == ["1", "2"]
    assert obs.body == b"data: a\n\ndata: b\n\n"
    assert len(obs.chunks) == 2
    assert (obs.chunks[1].t_ns - obs.chunks[0].t_ns) / 1e6 > 100


def test_incomplete_chunked_body_is_closed_not_complete():
    async def script(reader, writer):
        await read_head(reader)
        writer.write(
            b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n"
            + chunk(b"data: a\n\n")
        )
        await writer.drain()

    obs = run(script)
    assert obs.end is End.CLOSED and obs.body == b"data: a\n\n"


def test_gzip_is_undone_incrementally():
    packer = gzip.compress(b"data: hello\n\n")

    async def script(reader, writer):
        await read_head(reader)
        writer.write(
            b"HTTP/1.1 200 OK\r\ncontent-encoding: gzip\r\ncontent-length: %d\r\n\r\n"
            % len(packer)
            + packer
        )
        await writer.drain()

    obs = run(script)
    assert obs.body == b"data: hello\n\n" and obs.content_coding == "gzip"
    assert obs.wire_body_size == len(packer)


def test_garbage_head_is_a_protocol_error_not_an_exception():
    async def script(reader, writer):
        await read_head(reader)
        writer.write(b"NOT HTTP AT ALL\r\n\r\n")
        await writer.drain()

    assert run(script).end is End.PROTOCOL_ERROR


def test_idle_timeout_is_bounded():
    async def script(reader, writer):
        await read_head(reader)
        writer.write(b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n")
        await writer.drain()
        await asyncio.sleep(30)

    t0 = time.monotonic()
    obs = run(script, limits=Limits(idle_s=0.5, total_s=5))
    assert obs.end is End.TIMEOUT and time.monotonic() - t0 < 3


def test_stopper_aborts():
    class AfterFirst:
        def feed(self, data: bytes) -> bool:
            return True

    async def script(reader, writer):
        await read_head(reader)
        writer.write(b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n")
        for _ in range(50):
            writer.write(chunk(b"data: x\n\n"))
            await writer.drain()
            await asyncio.sleep(0.05)

    obs = run(script, stop=AfterFirst())
    assert obs.end is End.ABORTED and len(obs.chunks) == 1


def test_connect_refused():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    obs = asyncio.run(observe(get(f"http://127.0.0.1:{port}/")))
    assert obs.end is End.CONNECT_FAILED and obs.status is None


@pytest.mark.parametrize("forbidden", [b"connection", b"transfer-encoding"])
def test_http2_connection_specific_fields_are_reported_not_rejected(forbidden):
    async def script(reader, writer):
        conn = h2.connection.H2Connection(
            h2.config.H2Configuration(
                client_side=False,
                validate_outbound_headers=False,
                normalize_outbound_headers=False,
            )
        )
        conn.initiate_connection()
        writer.write(conn.data_to_send())
        while True:
            data = await reader.read(65536)
            if not data:
                return
            for event in conn.receive_data(data):
                if isinstance(event, h2.events.RequestReceived):
                    sid = event.stream_id
                    conn.send_headers(
                        sid,
                        [
                            (b":status", b"200"),
                            (b"content-type", b"text/event-stream"),
                            (forbidden, b"keep-alive"),
                        ],
                    )
                    conn.send_data(sid, b"data: a\n\n", end_stream=True)
            writer.write(conn.data_to_send())
            await writer.drain()

    obs = run(script, http2=True)
    assert obs.http_version == "2" and obs.status == 200
    assert obs.header(forbidden.decode()) == ["keep-alive"]
    assert obs.body == b"data: a\n\n" and obs.end is End.COMPLETE


def test_a_body_past_its_bound_is_kept_only_in_its_first_bytes():
    """A probe that reached a bound keeps KEPT_AFTER_BOUND bytes of its body as
    evidence: a run through many layers must not hold every probe's megabytes."""
    from harness.client.bounds import KEPT_AFTER_BOUND

    line = b"data: " + b"y" * 8192

    async def script(reader, writer):
        await read_head(reader)
        writer.write(b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n")
        for _ in range(200):  # 1.6 MB, no event boundary
            writer.write(chunk(line))
            await writer.drain()

    obs = run(script, limits=Limits(max_body=1 << 20))
    assert obs.end is End.ABORTED and "bound" in obs.extra
    assert obs.body == (line * 200)[:KEPT_AFTER_BOUND]
    assert obs.wire_body_size > 1 << 20  # what arrived is still counted
    assert obs.extra["kept"].startswith(f"{KEPT_AFTER_BOUND} of ")
