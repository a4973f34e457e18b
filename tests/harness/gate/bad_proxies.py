"""Proxies that misbehave at the process level: ``python bad_proxies.py MODE``.

hang          accepts requests, never answers
crash         answers the first request with a stream, then the process dies
endless       streams tokens and the completion event, then keeps the response open
              with a comment every 0.5 s, forever
never-listen  never opens its port
garbage       answers every request with random bytes (no HTTP at all), then closes
It also spawns a grandchild (``sleep``) so tests can see the whole group is killed.
"""

from __future__ import annotations

import asyncio
import os
import random
import subprocess
import sys

HEAD = (
    b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n"
    b"transfer-encoding: chunked\r\n\r\n"
)


def chunk(data: bytes) -> bytes:
    return b"%x\r\n%s\r\n" % (len(data), data)


async def serve(
    mode: str, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
) -> None:
    await reader.readuntil(b"\r\n\r\n")
    if mode == "garbage":
        writer.write(random.Random(7).randbytes(4096))
        await writer.drain()
        writer.close()
        return
    if mode == "hang":
        await asyncio.sleep(3600)
    writer.write(HEAD + chunk(b'data: {"token": "Hello"}\n\n'))
    await writer.drain()
    if mode == "crash":
        os._exit(1)
    writer.write(chunk(b'data: {"finished": true}\n\n'))
    while True:
        await asyncio.sleep(0.5)
        writer.write(chunk(b": still here\n\n"))
        await writer.drain()


async def main(mode: str) -> None:
    subprocess.Popen(["sleep", "3600"])  # a grandchild that must die with the group
    if mode == "never-listen":
        await asyncio.sleep(3600)
    server = await asyncio.start_server(
        lambda r, w: serve(mode, r, w), "127.0.0.1", int(os.environ["PORT"])
    )
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1]))
