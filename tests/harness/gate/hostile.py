"""A hostile target: ``python hostile.py MODE`` listens on $PORT and misbehaves at HTTP.

Every mode reads the request head first (but ``never-reads``), then:

endless-head      a status line, then header lines without end
endless-line      a 200 event stream whose one ``data:`` line never ends
endless-events    a 200 event stream flooding valid token events without end
broken-chunked    a 200 chunked stream, one event, then chunk framing that is no chunk
no-status-line    event-stream bytes with no status line at all, then close
reset-mid-event   a 200 stream, half an event, then a TCP reset
head-bytewise     the response head one byte every $HOSTILE_PACE s (default 2)
never-ends        tokens and the completion event, then comments every 0.5 s, forever
lying-length      Content-Length: 1000000, a few events, then nothing, never closing
never-reads       accepts the connection, never reads it, never answers

Floods write as fast as the client reads (drain), so memory is the client's problem.
"""

from __future__ import annotations

import asyncio
import os
import socket
import struct
import sys

SSE = b"content-type: text/event-stream\r\ncache-control: no-cache\r\n"
CHUNKED = b"HTTP/1.1 200 OK\r\n" + SSE + b"transfer-encoding: chunked\r\n\r\n"
TOKEN = b'data: {"token": "Hello"}\n\n'
DONE = b'data: {"finished": true}\n\n'
BLOCK = 64 * 1024


def chunk(data: bytes) -> bytes:
    return b"%x\r\n%s\r\n" % (len(data), data)


async def forever(writer: asyncio.StreamWriter, data: bytes) -> None:
    while True:
        writer.write(data)
        await writer.drain()


async def endless_head(w: asyncio.StreamWriter) -> None:
    w.write(b"HTTP/1.1 200 OK\r\n")
    await forever(w, b"x-filler: " + b"a" * 100 + b"\r\n")


async def endless_line(w: asyncio.StreamWriter) -> None:
    w.write(CHUNKED + chunk(b"data: "))
    await forever(w, chunk(b"x" * BLOCK))


async def endless_events(w: asyncio.StreamWriter) -> None:
    w.write(CHUNKED)
    await forever(w, chunk(TOKEN * (BLOCK // len(TOKEN))))


async def broken_chunked(w: asyncio.StreamWriter) -> None:
    w.write(CHUNKED + chunk(TOKEN) + b"zz-not-a-size\r\nwhat\r\n")
    await w.drain()
    await asyncio.sleep(3600)


async def no_status_line(w: asyncio.StreamWriter) -> None:
    w.write(TOKEN + DONE)
    await w.drain()
    w.close()


async def reset_mid_event(w: asyncio.StreamWriter) -> None:
    w.write(CHUNKED + chunk(TOKEN) + chunk(b'data: {"tok'))
    await w.drain()
    sock = w.get_extra_info("socket")
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    w.transport.abort()


async def head_bytewise(w: asyncio.StreamWriter) -> None:
    pace = float(os.environ.get("HOSTILE_PACE", "2"))
    for byte in CHUNKED:
        w.write(bytes([byte]))
        await w.drain()
        await asyncio.sleep(pace)
    await forever(w, chunk(TOKEN))


async def never_ends(w: asyncio.StreamWriter) -> None:
    w.write(CHUNKED + chunk(TOKEN) + chunk(DONE))
    while True:
        await w.drain()
        await asyncio.sleep(0.5)
        w.write(chunk(b": still here\n\n"))


async def lying_length(w: asyncio.StreamWriter) -> None:
    w.write(b"HTTP/1.1 200 OK\r\n" + SSE + b"content-length: 1000000\r\n\r\n")
    w.write(TOKEN * 3 + DONE)
    await w.drain()
    await asyncio.sleep(3600)


MODES = {
    "endless-head": endless_head,
    "endless-line": endless_line,
    "endless-events": endless_events,
    "broken-chunked": broken_chunked,
    "no-status-line": no_status_line,
    "reset-mid-event": reset_mid_event,
    "head-bytewise": head_bytewise,
    "never-ends": never_ends,
    "lying-length": lying_length,
}


async def serve(
    mode: str, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
) -> None:
    try:
        if mode == "never-reads":
            await asyncio.sleep(3600)
        await reader.readuntil(b"\r\n\r\n")
        await MODES[mode](writer)
    except (ConnectionError, asyncio.IncompleteReadError):
        pass  # the client left: what a hostile target does not care about
    finally:
        writer.transport.abort()


async def main(mode: str) -> None:
    if mode not in (*MODES, "never-reads"):
        raise SystemExit(f"unknown mode {mode!r}")
    server = await asyncio.start_server(
        lambda r, w: serve(mode, r, w), "127.0.0.1", int(os.environ["PORT"])
    )
    if mode == "never-reads":
        # a small receive window, so a request does not vanish into the kernel
        for sock in server.sockets:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1]))
