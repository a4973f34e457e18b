"""``idle-timeout:SECONDS`` and ``total-timeout:SECONDS``: the cuts of load balancers
and CDNs, as TCP relays.

- ``idle-timeout`` closes a connection once no bytes have passed in either
  direction for SECONDS, as an AWS Application Load Balancer does ("The connection
  is closed if no data has been sent or received during the idle timeout period";
  60 s by default; HTTP/2 PINGs do not reset it) and as Cloudflare answers 524 after
  100 s (125 s today) without bytes.
- ``total-timeout`` closes a connection SECONDS after it opened, as an Envoy route
  ``timeout`` (15 s by default) ends the whole response, whatever flows.

Each probe opens its own connection just before its request, so a connection's cut
is its response's cut.
Both close the two sides (the client sees its stream end, the proxy sees the client
go away). Bytes pass at once in both directions; nothing is held.
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

__all__ = ["TimeoutRelay", "open_timeout"]


class TimeoutRelay(Relay):
    """A relay that cuts connections: idle for ``seconds``, or ``seconds`` old."""

    def __init__(self, upstream_port: int, *, kind: str, seconds: float) -> None:
        self.label = kind
        super().__init__(upstream_port)
        self.idle = kind == "idle-timeout"
        self.seconds = seconds

    def summary(self) -> str:
        c = self.counters
        what = "without bytes either way" if self.idle else "after the request"
        return (
            f"cut after {self.seconds:g} s {what}; connections {c['connections']} "
            f"(upstream refused {c['refused']}); cut {c['cut']}; "
            f"bytes up {c['bytes-up']}, down {c['bytes-down']}"
        )

    async def _pipe(self, conn: Connection) -> None:
        """Relay both ways until either side ends or the cut comes."""
        loop = asyncio.get_running_loop()
        #: loop.time() of the last byte either way, and of the connection's start
        marks = {"last": loop.time(), "first": loop.time()}
        async with both_ways(
            self._copy(conn.client_r, conn.up_w, "bytes-up", marks),
            self._copy(conn.up_r, conn.client_w, "bytes-down", marks),
        ) as tasks:
            while True:
                deadline = self._deadline(marks)
                done, _ = await asyncio.wait(
                    tasks,
                    timeout=None
                    if deadline is None
                    else max(0.0, deadline - loop.time()),
                    return_when=asyncio.FIRST_COMPLETED,
                )
                if done:
                    return
                deadline = self._deadline(marks)
                if deadline is not None and loop.time() >= deadline:
                    self.counters["cut"] += 1
                    return

    def _deadline(self, marks: dict[str, float]) -> float:
        return (marks["last"] if self.idle else marks["first"]) + self.seconds

    async def _copy(
        self,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        counter: str,
        marks: dict[str, float],
    ) -> None:
        loop = asyncio.get_running_loop()
        while True:
            try:
                data = await reader.read(READ_SIZE)
            except ConnectionError:
                return
            if not data:
                return
            marks["last"] = loop.time()
            self.counters[counter] += len(data)
            writer.write(data)
            await writer.drain()


@contextlib.contextmanager
def open_timeout(
    spec: LayerSpec, upstream_port: int, *, workdir: Path, read_timeout_s: float
) -> Iterator[LayerHandle]:
    """Run the cutting relay of ``spec`` in front of 127.0.0.1:``upstream_port``."""
    del workdir, read_timeout_s  # nothing on disk; the cut is the layer's own
    layer = TimeoutRelay(upstream_port, kind=spec.kind, seconds=spec.seconds)
    with serving(layer, spec.name, spec.kind) as handle:
        yield handle
