"""The client side of one SSE response: ASGI send messages, one writer at a time."""

from __future__ import annotations

import zlib
from typing import TYPE_CHECKING

import anyio

from proxies.starlette_proxy.events import CACHE_CONTROL, HEARTBEAT, error_body

if TYPE_CHECKING:
    from starlette.types import Message, Send

    from proxies.starlette_proxy.defects import Behaviour


class ClientStalled(Exception):
    """The client has not taken a write for too long (it stopped reading)."""


def _header_list(pairs: list[tuple[str, str]]) -> list[tuple[bytes, bytes]]:
    return [
        (name.lower().encode("latin-1"), value.encode("latin-1"))
        for name, value in pairs
    ]


class ClientOutput:
    """Headers, body chunks and the end of the response, in that order.

    Callers hold :attr:`lock` around every call, so the heartbeat and the pump never
    interleave. Every send is bounded by ``stall_seconds``: uvicorn's ``send`` waits
    while the socket's buffer is full, so a client that stops reading stalls us here
    (and upstream reading with us) instead of growing memory, until we give up.
    """

    def __init__(
        self, send: Send, behaviour: Behaviour, *, gzip: bool, stall_seconds: float
    ) -> None:
        self._send = send
        self._behaviour = behaviour
        self._stall_seconds = stall_seconds
        self._compressor = zlib.compressobj(wbits=31) if gzip else None
        self._held = bytearray() if behaviour.content_length else None
        self.lock = anyio.Lock()
        self.started = False
        self.closed = False
        self.last_activity = anyio.current_time()

    async def open(self) -> None:
        """Commit to 200 and flush the headers now (before any upstream token)."""
        if self._behaviour.early_headers and self._held is None and not self.started:
            await self._start()

    async def write(self, chunk: bytes) -> None:
        if self.closed:
            return
        if self._compressor is not None:
            chunk = self._compressor.compress(chunk)  # the gzip defect: no Z_SYNC_FLUSH
        if self._held is not None:
            self._held += chunk
            return
        if not self.started:
            await self._start()
        if chunk:
            await self._body(chunk, more=True)

    async def heartbeat(self) -> None:
        """A comment, only once the headers are out (so late headers stay late)."""
        if self.started and not self.closed:
            await self.write(HEARTBEAT)

    async def close(self) -> None:
        if self.closed:
            return
        tail = self._compressor.flush() if self._compressor is not None else b""
        if self._held is not None:
            body = bytes(self._held) + tail
            await self._start(content_length=len(body))
            await self._body(body, more=False)
        else:
            if not self.started:
                await self._start()
            await self._body(tail, more=False)
        self.closed = True

    async def refuse(self, status: int, message: str) -> None:
        """A JSON error instead of the stream; only possible before the headers."""
        body = error_body(message)
        headers = [
            ("Content-Type", "application/json"),
            ("Content-Length", str(len(body))),
        ]
        await self._guarded(
            {
                "type": "http.response.start",
                "status": status,
                "headers": _header_list(headers),
            }
        )
        self.started = True
        await self._body(body, more=False)
        self.closed = True

    def _stream_headers(self, content_length: int | None) -> list[tuple[str, str]]:
        headers = [
            ("Content-Type", self._behaviour.content_type),
            ("Cache-Control", CACHE_CONTROL),
        ]
        if self._behaviour.accel_header:
            # nginx: "Setting this to 'no' will allow unbuffered responses suitable
            # for Comet and HTTP streaming applications" (proxy_buffering docs).
            headers.append(("X-Accel-Buffering", "no"))
        if self._compressor is not None:
            headers += [("Content-Encoding", "gzip"), ("Vary", "Accept-Encoding")]
        if content_length is not None:
            headers.append(("Content-Length", str(content_length)))
        return headers

    async def _start(self, content_length: int | None = None) -> None:
        headers = _header_list(self._stream_headers(content_length))
        await self._guarded(
            {"type": "http.response.start", "status": 200, "headers": headers}
        )
        self.started = True

    async def _body(self, data: bytes, *, more: bool) -> None:
        await self._guarded(
            {"type": "http.response.body", "body": data, "more_body": more}
        )

    async def _guarded(self, message: Message) -> None:
        try:
            with anyio.fail_after(self._stall_seconds):
                await self._send(message)
        except TimeoutError:
            raise ClientStalled(
                f"client took no data for {self._stall_seconds:g} s"
            ) from None
        self.last_activity = anyio.current_time()
