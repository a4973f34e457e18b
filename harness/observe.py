"""The only client I/O of the harness: send one request, stamp every read.

A thin asyncio loop over sans-IO protocol cores (h11 for HTTP/1.1, h2 for HTTP/2), so
the harness sees exactly what arrived and when: no client-library buffering (httpx
``aiter_raw(chunk_size=…)`` and Locust hold SSE events back), header fields as sent
with duplicates kept, and connection-specific HTTP/2 fields reported instead of
rejected. The moment each ``read()`` returns is stamped with ``perf_counter_ns``;
everything decoded from that read shares the stamp.
"""

from __future__ import annotations

import asyncio
import socket
import ssl
import time
import zlib
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import SplitResult, urlsplit

import h2.config
import h2.connection
import h2.events
import h11

from harness.observation import Chunk, End, Observation, Request

READ_SIZE = 65536
SLOW_READER_RCVBUF = 32 * 1024


@dataclass(frozen=True, slots=True)
class Limits:
    """Every network wait is bounded."""

    connect_s: float = 5.0
    #: give up when no byte arrived for this long
    idle_s: float = 15.0
    #: give up when the whole exchange took this long
    total_s: float = 60.0
    max_body: int = 256 * 1024 * 1024


class Stopper(Protocol):
    """Decides, read by read, when the client aborts (cancellation probes)."""

    def feed(self, data: bytes) -> bool: ...


class _Decoder:
    """Undo a content coding incrementally (gzip/deflate); mark others undecodable."""

    def __init__(self, coding: str) -> None:
        self.coding = coding
        self._zlib = None
        if coding in ("gzip", "x-gzip"):
            self._zlib = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif coding == "deflate":
            self._zlib = zlib.decompressobj()
        elif coding not in ("", "identity"):
            self.coding = "!" + coding

    def decode(self, data: bytes) -> bytes:
        if self._zlib is None:
            return data
        try:
            return self._zlib.decompress(data)
        except zlib.error:
            self._zlib = None
            self.coding = "!" + self.coding
            return data


class _Recorder:
    """Mutable state of one exchange while it runs; frozen into an Observation."""

    def __init__(self, request: Request, http_version: str) -> None:
        self.request = request
        self.http_version = http_version
        self.sent_ns = time.perf_counter_ns()
        self.status: int | None = None
        self.headers: tuple[tuple[str, str], ...] = ()
        self.head_ns: int | None = None
        self.chunks: list[Chunk] = []
        self.wire = 0
        self.decoder = _Decoder("")
        self.extra: dict[str, str] = {}

    def head(self, t_ns: int, status: int, headers: list[tuple[str, str]]) -> None:
        self.status, self.head_ns, self.headers = status, t_ns, tuple(headers)
        codings = [v for k, v in headers if k == "content-encoding"]
        self.decoder = _Decoder(codings[-1].strip().lower() if codings else "")

    def data(self, t_ns: int, data: bytes) -> bytes:
        self.wire += len(data)
        decoded = self.decoder.decode(data)
        if decoded:
            self.chunks.append(Chunk(t_ns, decoded))
        return decoded

    def finish(self, end: End, error: str = "") -> Observation:
        return Observation(
            request=self.request,
            sent_ns=self.sent_ns,
            http_version=self.http_version,
            status=self.status,
            headers=self.headers,
            head_ns=self.head_ns,
            chunks=tuple(self.chunks),
            end=end,
            end_ns=time.perf_counter_ns(),
            error=error,
            content_coding=self.decoder.coding,
            wire_body_size=self.wire,
            extra=self.extra,
        )


async def observe(
    request: Request,
    *,
    limits: Limits = Limits(),
    http2: bool = False,
    ca_path: str | None = None,
    stop: Stopper | None = None,
    abort: asyncio.Event | None = None,
    pause_after_head_s: float | None = None,
) -> Observation:
    """Send ``request`` and record the response read by read.

    ``stop`` aborts once it returns True for decoded body data; ``abort`` aborts when
    set; ``pause_after_head_s`` stops reading after the head for that long, then
    aborts (a slow reader). Never raises for anything the server does.
    """
    url = urlsplit(request.url)
    tls = url.scheme == "https"
    host = url.hostname or "127.0.0.1"
    port = url.port or (443 if tls else 80)
    ctx: ssl.SSLContext | None = None
    if tls:
        ctx = ssl.create_default_context(cafile=ca_path)
        ctx.set_alpn_protocols(["h2", "http/1.1"] if http2 else ["http/1.1"])
    rec = _Recorder(request, "2" if http2 else "1.1")
    try:
        reader, writer = await asyncio.wait_for(
            asyncio.open_connection(host, port, ssl=ctx), limits.connect_s
        )
    except (OSError, TimeoutError, ssl.SSLError) as exc:
        return rec.finish(End.CONNECT_FAILED, f"{type(exc).__name__}: {exc}")
    sock = writer.get_extra_info("socket")
    if sock is not None:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if pause_after_head_s is not None:
            # a slow reader: a small window, so the proxy's side fills up, not ours
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, SLOW_READER_RCVBUF)
    if tls:
        alpn = writer.get_extra_info("ssl_object").selected_alpn_protocol() or ""
        rec.extra["alpn"] = alpn
        if http2 and alpn != "h2":
            rec.http_version = "1.1"
    session: _Session = _H2(rec, url) if rec.http_version == "2" else _H1(rec, url)
    loop = _Loop(reader, writer, rec, session, limits, stop, abort, pause_after_head_s)
    try:
        return await loop.run()
    finally:
        writer.transport.abort()


class _Session(Protocol):
    def start(self) -> bytes: ...

    def receive(self, t_ns: int, data: bytes) -> tuple[bytes, End | None, str, bytes]:
        """Feed wire bytes; returns (bytes to send, end or None, error, decoded body)."""
        ...


def _target(url: SplitResult) -> tuple[str, str]:
    path = url.path or "/"
    if url.query:
        path += "?" + url.query
    return url.netloc, path


class _H1:
    def __init__(self, rec: _Recorder, url: SplitResult) -> None:
        self.rec = rec
        self.authority, self.path = _target(url)
        self.conn = h11.Connection(h11.CLIENT, max_incomplete_event_size=1 << 20)

    def start(self) -> bytes:
        req = self.rec.request
        headers = [("host", self.authority), *req.headers]
        if req.body or req.method in ("POST", "PUT", "PATCH"):
            headers.append(("content-length", str(len(req.body))))
        out = self.conn.send(
            h11.Request(method=req.method, target=self.path, headers=headers)
        )
        out = (
            (out or b"") + (self.conn.send(h11.Data(data=req.body)) or b"")
            if req.body
            else out
        )
        return (out or b"") + (self.conn.send(h11.EndOfMessage()) or b"")

    def receive(self, t_ns: int, data: bytes) -> tuple[bytes, End | None, str, bytes]:
        self.conn.receive_data(data)
        decoded = b""
        try:
            while True:
                event = self.conn.next_event()
                if event is h11.NEED_DATA or event is h11.PAUSED:
                    return b"", None, "", decoded
                if isinstance(event, h11.Response):
                    headers = [
                        (k.decode("latin-1"), v.decode("latin-1"))
                        for k, v in event.headers
                    ]
                    self.rec.head(t_ns, event.status_code, headers)
                elif isinstance(event, h11.Data):
                    decoded += self.rec.data(t_ns, bytes(event.data))
                elif isinstance(event, h11.EndOfMessage):
                    return b"", End.COMPLETE, "", decoded
                elif isinstance(event, h11.ConnectionClosed):
                    return b"", End.CLOSED, "", decoded
        except h11.RemoteProtocolError as exc:
            ended = (
                End.CLOSED if "incomplete" in str(exc) or "closed" in str(exc) else None
            )
            return b"", ended or End.PROTOCOL_ERROR, str(exc), decoded


class _H2:
    def __init__(self, rec: _Recorder, url: SplitResult) -> None:
        self.rec = rec
        self.authority, self.path = _target(url)
        self.scheme = url.scheme or "http"
        config = h2.config.H2Configuration(
            client_side=True,
            header_encoding=None,
            validate_inbound_headers=False,
            normalize_inbound_headers=False,
        )
        self.conn = h2.connection.H2Connection(config=config)
        self.stream_id = 1

    def start(self) -> bytes:
        req = self.rec.request
        self.conn.initiate_connection()
        self.stream_id = self.conn.get_next_available_stream_id()
        pseudo = [
            (":method", req.method),
            (":authority", self.authority),
            (":scheme", self.scheme),
            (":path", self.path),
        ]
        headers = [(k.lower(), v) for k, v in req.headers]
        if req.body:
            headers.append(("content-length", str(len(req.body))))
        self.conn.send_headers(
            self.stream_id, pseudo + headers, end_stream=not req.body
        )
        if req.body:
            self.conn.send_data(self.stream_id, req.body, end_stream=True)
        return self.conn.data_to_send()

    def receive(self, t_ns: int, data: bytes) -> tuple[bytes, End | None, str, bytes]:
        try:
            events = self.conn.receive_data(data)
        except Exception as exc:  # h2 raises many protocol error types
            return b"", End.PROTOCOL_ERROR, f"{type(exc).__name__}: {exc}", b""
        decoded = b""
        end: End | None = None
        error = ""
        for event in events:
            if isinstance(event, h2.events.ResponseReceived):
                fields = [(_s(k), _s(v)) for k, v in event.headers or []]
                status = next((v for k, v in fields if k == ":status"), "0")
                regular = [(k.lower(), v) for k, v in fields if not k.startswith(":")]
                self.rec.head(t_ns, int(status) if status.isdigit() else 0, regular)
            elif isinstance(event, h2.events.DataReceived):
                decoded += self.rec.data(t_ns, event.data or b"")
                if event.flow_controlled_length:
                    self.conn.acknowledge_received_data(
                        event.flow_controlled_length, self.stream_id
                    )
            elif isinstance(event, h2.events.StreamEnded):
                end = End.COMPLETE
            elif isinstance(event, h2.events.StreamReset):
                end, error = End.CLOSED, f"RST_STREAM error code {event.error_code}"
            elif isinstance(event, h2.events.ConnectionTerminated):
                end = end or End.CLOSED
                error = error or f"GOAWAY error code {event.error_code}"
        return self.conn.data_to_send(), end, error, decoded


def _s(value: bytes | str) -> str:
    return value.decode("latin-1") if isinstance(value, bytes) else value


class _Loop:
    """Read until the exchange ends, a limit passes, or the caller aborts."""

    def __init__(
        self,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        rec: _Recorder,
        session: _Session,
        limits: Limits,
        stop: Stopper | None,
        abort: asyncio.Event | None,
        pause_after_head_s: float | None,
    ) -> None:
        self.reader, self.writer, self.rec, self.session = reader, writer, rec, session
        self.limits, self.stop, self.abort, self.pause = (
            limits,
            stop,
            abort,
            pause_after_head_s,
        )

    async def run(self) -> Observation:
        rec = self.rec
        self.writer.write(self.session.start())
        rec.sent_ns = time.perf_counter_ns()
        deadline = rec.sent_ns + int(self.limits.total_s * 1e9)
        abort_wait = asyncio.ensure_future(self.abort.wait()) if self.abort else None
        try:
            while True:
                if rec.head_ns is not None and self.pause is not None:
                    await asyncio.sleep(self.pause)
                    return rec.finish(
                        End.ABORTED, f"stopped reading for {self.pause:g} s"
                    )
                remaining = (deadline - time.perf_counter_ns()) / 1e9
                wait_s = min(self.limits.idle_s, remaining)
                if wait_s <= 0:
                    return rec.finish(
                        End.TIMEOUT, f"exchange exceeded {self.limits.total_s:g} s"
                    )
                read = asyncio.ensure_future(self.reader.read(READ_SIZE))
                waiting = {read} | ({abort_wait} if abort_wait else set())
                done, _ = await asyncio.wait(
                    waiting, timeout=wait_s, return_when=asyncio.FIRST_COMPLETED
                )
                t_ns = time.perf_counter_ns()
                if read not in done:
                    read.cancel()
                    if abort_wait is not None and abort_wait in done:
                        return rec.finish(End.ABORTED, "aborted by the harness")
                    kind = "no data" if wait_s == self.limits.idle_s else "total time"
                    return rec.finish(End.TIMEOUT, f"{kind} for {wait_s:.1f} s")
                try:
                    data = read.result()
                except (OSError, ssl.SSLError) as exc:
                    return rec.finish(End.CLOSED, f"{type(exc).__name__}: {exc}")
                out, end, error, decoded = self.session.receive(t_ns, data)
                if out:
                    self.writer.write(out)
                if end is not None:
                    return rec.finish(end, error)
                if not data:
                    return rec.finish(End.CLOSED, "connection closed")
                if rec.wire > self.limits.max_body:
                    return rec.finish(
                        End.ABORTED, f"body exceeded {self.limits.max_body} bytes"
                    )
                if self.stop is not None and decoded and self.stop.feed(decoded):
                    return rec.finish(End.ABORTED, "aborted by the harness")
        finally:
            if abort_wait is not None:
                abort_wait.cancel()
