"""Sans-IO HTTP sessions of the observing client: h11 for HTTP/1.1, h2 for HTTP/2.

Bytes in, response head and decoded body out, recorded with the stamp of the read they
came from. No sockets here: harness.client.loop owns the loop.
"""

from __future__ import annotations

import time
import zlib
from typing import TYPE_CHECKING, Protocol

import h2.config
import h2.connection
import h2.events
import h11

from harness.client.observation import Chunk, End, Observation, Request

if TYPE_CHECKING:
    from urllib.parse import SplitResult


class Decoder:
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


class ObservationRecorder:
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
        self.decoder = Decoder("")
        self.extra: dict[str, str] = {}

    def head(self, t_ns: int, status: int, headers: list[tuple[str, str]]) -> None:
        self.status, self.head_ns, self.headers = status, t_ns, tuple(headers)
        codings = [v for k, v in headers if k == "content-encoding"]
        self.decoder = Decoder(codings[-1].strip().lower() if codings else "")

    def data(self, t_ns: int, data: bytes) -> bytes:
        self.wire += len(data)
        decoded = self.decoder.decode(data)
        if decoded:
            self.chunks.append(Chunk(t_ns, decoded))
        return decoded

    def keep_first(self, limit: int) -> None:
        """Drop the body past its first ``limit`` bytes (``extra["kept"]`` says so)."""
        kept, total = 0, sum(len(chunk.data) for chunk in self.chunks)
        if total <= limit:
            return
        for index, chunk in enumerate(self.chunks):
            if kept + len(chunk.data) >= limit:
                self.chunks[index] = Chunk(chunk.t_ns, chunk.data[: limit - kept])
                del self.chunks[index + 1 :]
                break
            kept += len(chunk.data)
        self.extra["kept"] = f"{limit} of {total} body bytes"

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


class Session(Protocol):
    def start(self) -> bytes: ...

    def receive(self, t_ns: int, data: bytes) -> tuple[bytes, End | None, str, bytes]:
        """Feed wire bytes; returns (bytes to send, end or None, error, decoded body)."""
        ...


def target_of(url: SplitResult) -> tuple[str, str]:
    path = url.path or "/"
    if url.query:
        path += "?" + url.query
    return url.netloc, path


class H1Session:
    def __init__(
        self, rec: ObservationRecorder, url: SplitResult, head_bytes: int = 1 << 20
    ) -> None:
        self.rec = rec
        self.authority, self.path = target_of(url)
        # h11's own limit sits above the caller's, which reports what it saw first
        self.conn = h11.Connection(
            h11.CLIENT, max_incomplete_event_size=2 * head_bytes + 65536
        )

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


class H2Session:
    def __init__(self, rec: ObservationRecorder, url: SplitResult) -> None:
        self.rec = rec
        self.authority, self.path = target_of(url)
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
                fields = [(_text(k), _text(v)) for k, v in event.headers or []]
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


def _text(value: bytes | str) -> str:
    return value.decode("latin-1") if isinstance(value, bytes) else value
