"""One benchmark stream, read by read: SSE and NDJSON over the gate's observing client,
WebSocket over wsproto (sans-IO) on the same kind of stamped read loop.

Every token shares the ``perf_counter_ns`` stamp of the read that delivered it. An SSE
stream is read by the gate's own reader (``probe.transcript.transcribe``: the parser
closed at the end, a dialect's exception recorded as the stream's error); an NDJSON
line's token by ``probe.expected.content_in``, and a line that is not JSON is the
stream's error, never an exception.
"""

from __future__ import annotations

import asyncio
import json
import socket
import time
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from wsproto import ConnectionType, WSConnection
from wsproto.events import (
    AcceptConnection,
    CloseConnection,
    Message,
    RejectConnection,
    Request as WsRequest,
    TextMessage,
)

from harness.bench.designs.metrics import StreamRecord
from harness.client.loop import Limits, observe
from harness.client.observation import End, Observation, Request
from harness.probe.dialects import Dialect, Kind
from harness.probe.expected import content_in
from harness.probe.transcript import classify_safely, transcribe
from harness.sse import Event

if TYPE_CHECKING:
    from collections.abc import Iterable

READ_SIZE = 65536


def http_request(url: str, body: dict[str, object], accept: str) -> Request:
    headers = (("accept", accept), ("content-type", "application/json"))
    return Request("POST", url, headers, json.dumps(body).encode())


def _wire_bytes(obs: Observation) -> int:
    """Head + body as received; chunk framing estimated as one chunk per read."""
    head = 17 + sum(len(k) + len(v) + 4 for k, v in obs.headers) + 2
    chunked = any(v.lower() == "chunked" for v in obs.header("transfer-encoding"))
    framing = sum(len(f"{len(c.data):x}") + 4 for c in obs.chunks) + 5 if chunked else 0
    return head + obs.wire_body_size + framing


def _error(obs: Observation, done: bool) -> str:
    if obs.status != 200:
        return f"status {obs.status}: {obs.error or obs.end.value}"
    if obs.end not in (End.COMPLETE, End.CLOSED) or not done:
        return f"ended {obs.end.value} without completion {obs.error}".strip()
    return ""


async def sse_stream(
    req: str, url: str, body: dict[str, object], dialect: Dialect, limits: Limits
) -> StreamRecord:
    obs = await observe(http_request(url, body, "text/event-stream"), limits=limits)
    return sse_record(req, obs, dialect)


def sse_record(req: str, obs: Observation, dialect: Dialect) -> StreamRecord:
    """Tokens of an SSE response, each with the stamp of the read that carried it."""
    read = transcribe(obs, dialect)
    tokens = tuple((r.t_ns, r.text) for r in read.tokens)
    done = read.done is not None
    error = _reading_error((r.kind, r.text) for r in read.readings)
    error = error or _error(obs, done)
    return StreamRecord(
        req, obs.sent_ns, obs.head_ns, tokens, done, error, _wire_bytes(obs)
    )


def _reading_error(readings: Iterable[tuple[Kind, str]]) -> str:
    """The stream's error from its readings: the dialect's exception, else the
    stream's own error event; "" when neither."""
    failed = ""
    for kind, text in readings:
        if kind is Kind.OTHER and text.startswith("dialect raised"):
            return text
        if kind is Kind.ERROR:
            failed = "the stream reported an error"
    return failed


def _classify(
    dialect: Dialect, event: Event, t_ns: int, tokens: list[tuple[int, str]]
) -> tuple[bool, str]:
    """One event's tokens into ``tokens``; (a completion came, the error if any)."""
    readings = classify_safely(dialect, event)
    for reading in readings:
        if reading.kind is Kind.TOKEN:
            tokens.append((t_ns, reading.text))
    done = any(r.kind is Kind.DONE for r in readings)
    return done, _reading_error((r.kind, r.text) for r in readings)


async def ndjson_stream(
    req: str, url: str, body: dict[str, object], limits: Limits
) -> StreamRecord:
    """Ollama's own NDJSON, read directly from the mock (the baseline)."""
    obs = await observe(http_request(url, body, "application/x-ndjson"), limits=limits)
    return ndjson_record(req, obs)


def ndjson_record(req: str, obs: Observation) -> StreamRecord:
    """Tokens of Ollama's NDJSON; a line that is not JSON is the stream's error."""
    tokens: list[tuple[int, str]] = []
    done = False
    malformed = ""
    pending = b""
    for chunk in obs.chunks:
        *lines, pending = (pending + chunk.data).split(b"\n")
        for line in lines:
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except ValueError:
                malformed = malformed or f"not a JSON line: {line[:60]!r}"
                continue
            content = content_in(obj)
            if content:
                tokens.append((chunk.t_ns, content))
            done = done or (isinstance(obj, dict) and obj.get("done") is True)
    return StreamRecord(
        req, obs.sent_ns, obs.head_ns, tuple(tokens), done,
        malformed or _error(obs, done), _wire_bytes(obs),
    )  # fmt: skip


async def ws_stream(
    req: str, url: str, body: dict[str, object], dialect: Dialect, limits: Limits
) -> StreamRecord:
    """One WebSocket exchange: send ``body`` as a text message, stamp every read."""
    parts = urlsplit(url)
    sent_ns = time.perf_counter_ns()
    try:
        reader, writer = await asyncio.wait_for(
            asyncio.open_connection(parts.hostname, parts.port or 80), limits.connect_s
        )
    except (OSError, TimeoutError) as exc:
        return StreamRecord(req, sent_ns, None, (), False, f"connect: {exc}", 0)
    sock = writer.get_extra_info("socket")
    if sock is not None:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    session = WsSession(url, body, dialect)
    writer.write(session.start())
    deadline = time.monotonic() + limits.total_s
    try:
        while not session.finished:
            wait = min(limits.idle_s, deadline - time.monotonic())
            if wait <= 0:
                session.error = session.error or "timeout"
                break
            try:
                data = await asyncio.wait_for(reader.read(READ_SIZE), wait)
            except (TimeoutError, OSError) as exc:
                session.error = f"{type(exc).__name__}: {exc}"
                break
            writer.write(session.receive(time.perf_counter_ns(), data))
    finally:
        writer.transport.abort()
    return session.record(req)


class WsSession:
    """One WebSocket exchange over wsproto, sans-IO: bytes in (stamped), bytes out.

    The engines' read loops (asyncio here, gevent in :mod:`.sync_client`)
    only move bytes; the handshake, the one text message sent, message reassembly and
    the dialect's reading of each message live here, once.
    """

    def __init__(self, url: str, body: dict[str, object], dialect: Dialect) -> None:
        self.url, self.first, self.dialect = url, json.dumps(body), dialect
        self.ws = WSConnection(ConnectionType.CLIENT)
        self.sent_ns = 0
        self.head_ns: int | None = None
        self.tokens: list[tuple[int, str]] = []
        self.done = self.finished = False
        self.error = ""
        self.wire = 0
        self.text = ""

    def start(self) -> bytes:
        """The opening handshake; the exchange counts as sent from here."""
        parts = urlsplit(self.url)
        host = f"{parts.hostname}:{parts.port}" if parts.port else str(parts.hostname)
        out = self.ws.send(WsRequest(host=host, target=parts.path or "/"))
        self.sent_ns = time.perf_counter_ns()
        return out

    def receive(self, t_ns: int, data: bytes) -> bytes:
        """Feed one read (``b""``: the peer closed); returns what to send back."""
        self.wire += len(data)
        if not data:
            self.error = self.error or "connection closed"
            self.finished = True
            return b""
        self.ws.receive_data(data)
        return self.handle(t_ns, self.ws.events())

    def handle(self, t_ns: int, events: Iterable[object]) -> bytes:
        out = b""
        for event in events:
            if isinstance(event, AcceptConnection):
                self.head_ns = t_ns
                out += self.ws.send(Message(data=self.first))
            elif isinstance(event, RejectConnection):
                self.error, self.finished = f"rejected: {event.status_code}", True
            elif isinstance(event, TextMessage):
                self.text += event.data
                if event.message_finished:
                    item = Event("message", self.text, "", None, 0, 0)
                    self.text = ""
                    done, failed = _classify(self.dialect, item, t_ns, self.tokens)
                    self.done = self.done or done
                    self.error = self.error or failed
            elif isinstance(event, CloseConnection):
                out += self.ws.send(event.response())
                self.finished = True
                if not self.done:
                    self.error = self.error or f"closed ({event.code}) before done"
        return out

    def record(self, req: str) -> StreamRecord:
        error = "" if self.done and self.error == "connection closed" else self.error
        return StreamRecord(
            req, self.sent_ns, self.head_ns, tuple(self.tokens), self.done,
            error, self.wire,
        )  # fmt: skip
