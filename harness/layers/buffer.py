"""``buffer:BYTES:MS`` -- a store-and-forward TCP layer, like a buffering CDN edge.

Client -> upstream bytes are forwarded at once. Upstream -> client bytes are held until
BYTES have accumulated or MS milliseconds have passed since the first held byte,
whichever comes first; then everything held is flushed. Upstream EOF flushes and closes
the client. A client that goes away closes the upstream connection at once (held bytes
are dropped), so the upstream still observes the cancellation.

It works on TCP bytes, below HTTP: response headers are held like any other bytes.
The server runs on its own event loop in a background thread (harness.layers.relay).
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import TYPE_CHECKING

from harness.layers.relay import READ_SIZE, Connection, Relay, both_ways, serving

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from harness.layers.base import LayerHandle, LayerSpec

__all__ = ["StoreAndForward", "open_buffer"]


class StoreAndForward(Relay):
    """The running store-and-forward server (start/stop from any thread)."""

    label = "buffer"

    def __init__(
        self,
        upstream_port: int,
        hold_bytes: int,
        hold_ms: float,
        host: str = "127.0.0.1",
    ) -> None:
        super().__init__(upstream_port, host)
        self.hold_bytes = hold_bytes
        self.hold_ms = hold_ms

    def summary(self) -> str:
        """One line: what was held and how often it was flushed, and why."""
        c = self.counters
        return (
            f"hold {self.hold_bytes} B / {self.hold_ms:g} ms; "
            f"connections {c['connections']} (upstream refused {c['refused']}); "
            f"flushes: size {c['flush-size']}, timer {c['flush-timer']}, "
            f"eof {c['flush-eof']}; bytes up {c['bytes-up']}, down {c['bytes-down']}"
        )

    async def _pipe(self, conn: Connection) -> None:
        """Run both directions until either side ends; then end the other one too."""
        async with both_ways(
            self._forward(conn.client_r, conn.up_w),
            self._hold_and_forward(conn.up_r, conn.client_w),
        ) as tasks:
            await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)

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


@contextlib.contextmanager
def open_buffer(
    spec: LayerSpec, upstream_port: int, *, workdir: Path, read_timeout_s: float
) -> Iterator[LayerHandle]:
    """Run the store-and-forward layer in front of 127.0.0.1:``upstream_port``."""
    del workdir, read_timeout_s  # nothing on disk; no idle timeout of its own
    layer = StoreAndForward(upstream_port, spec.hold_bytes, spec.hold_ms)
    with serving(layer, spec.name, "buffer") as handle:
        yield handle
