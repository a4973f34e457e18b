"""A tiny scripted stand-in for Ollama, for the proxies' own tests.

Raw sockets in threads, so every byte, cut, pause and close is exactly as scripted,
and the moment the proxy closes its upstream connection is recorded. A request is
routed by the marker the harness uses (``[[mock: scenario=NAME req=ID]]``) in its
body; scripts are registered by the tests themselves. Like Ollama, the response head
goes out only with the first body write (as Go's net/http does for a streamed answer).
"""

from __future__ import annotations

import itertools
import json
import re
import select
import socket
import threading
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from tests.tools import wait_until

if TYPE_CHECKING:
    from collections.abc import Iterable

MARKER = re.compile(rb"\[\[mock:([^\]]*)\]\]")
POLL = 0.02


@dataclass(frozen=True, slots=True)
class Write:
    data: bytes


@dataclass(frozen=True, slots=True)
class Sleep:
    seconds: float


@dataclass(frozen=True, slots=True)
class Gate:
    """Wait until the test calls ``release(name)`` (or ``timeout`` passes)."""

    name: str
    timeout: float = 5.0


@dataclass(frozen=True, slots=True)
class Cut:
    """Close the connection now, without the chunked terminator."""


@dataclass(frozen=True, slots=True)
class Flood:
    """Write ``line`` ``count`` times as fast as the peer takes it."""

    line: bytes
    count: int


Step = Write | Sleep | Gate | Cut | Flood


@dataclass(frozen=True, slots=True)
class Script:
    steps: tuple[Step, ...] = ()
    status: int = 200
    content_type: str = "application/x-ndjson"


@dataclass
class Exchange:
    scenario: str
    req: str | None
    request: object
    head_sent: bool = False
    end: str = "running"  # complete | client-gone | cut | stuck
    ended_at: float | None = None
    gates: dict[str, bool] = field(default_factory=dict)
    bytes_written: int = 0


class PeerGone(Exception):
    pass


def chat_line(content: str, *, done: bool = False) -> bytes:
    """One Ollama /api/chat NDJSON line (compact, like Go's encoding/json)."""
    value: dict[str, object] = {
        "model": "qwen2.5:7b",
        "created_at": "2025-07-30T09:45:03.76711Z",
        "message": {"role": "assistant", "content": content},
        "done": done,
    }
    if done:
        value |= {"done_reason": "stop", "total_duration": 1, "eval_count": 2}
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"


def chat_body(tokens: Iterable[str], *, done: bool = True) -> bytes:
    lines = [chat_line(token) for token in tokens]
    return b"".join(lines) + (chat_line("", done=True) if done else b"")


def cut_at(data: bytes, offsets: Iterable[int]) -> tuple[Write, ...]:
    """Writes of ``data`` cut at the given byte offsets."""
    bounds = [0, *sorted(set(offsets)), len(data)]
    return tuple(Write(data[a:b]) for a, b in itertools.pairwise(bounds) if b > a)


def every(data: bytes, size: int) -> tuple[Write, ...]:
    return cut_at(data, range(size, len(data), size))


def spaced(writes: Iterable[Write], gap: float) -> tuple[Step, ...]:
    """Writes with a pause after each, so the kernel cannot merge them."""
    return tuple(itertools.chain.from_iterable((w, Sleep(gap)) for w in writes))


class FakeOllama:
    """``with FakeOllama() as fake:``; ``fake.url`` is the base URL."""

    def __init__(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port: int = self._listener.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._scripts: dict[str, Script] = {}
        self._gates: dict[str, threading.Event] = {}
        self._lock = threading.Lock()
        self._names = itertools.count()
        self.exchanges: list[Exchange] = []
        self._stopping = False
        self._thread = threading.Thread(target=self._accept_loop, daemon=True)

    def __enter__(self) -> FakeOllama:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stopping = True
        for gate in self._gates.values():
            gate.set()
        self._thread.join(timeout=5)
        self._listener.close()

    # --- the tests' side -------------------------------------------------------
    def prompt(self, script: Script, text: str = "hi") -> tuple[str, str]:
        """Register ``script``; returns (prompt routed to it, its request id)."""
        with self._lock:
            name = f"s{next(self._names)}"
            self._scripts[name] = script
            for step in script.steps:
                if isinstance(step, Gate):
                    self._gates.setdefault(step.name, threading.Event())
        return f"{text} [[mock: scenario={name} req={name}]]", name

    def gate(self) -> str:
        """A fresh gate name (gates open once and stay open)."""
        with self._lock:
            return f"g{next(self._names)}"

    def release(self, gate: str) -> None:
        self._gates[gate].set()

    def find(self, req: str) -> Exchange | None:
        with self._lock:
            return next((e for e in self.exchanges if e.req == req), None)

    def wait_end(self, req: str, timeout: float) -> Exchange | None:
        """The exchange once it is no longer running (None: never seen)."""
        wait_until(
            lambda: (found := self.find(req)) is not None and found.end != "running",
            timeout,
            POLL,
        )
        return self.find(req)

    def wait_seen(self, req: str, timeout: float) -> bool:
        """Whether the request ``req`` reached us within ``timeout``."""
        return wait_until(lambda: self.find(req) is not None, timeout, POLL)

    def count(self) -> int:
        with self._lock:
            return len(self.exchanges)

    # --- the server's side -----------------------------------------------------
    def _accept_loop(self) -> None:
        self._listener.settimeout(0.1)  # so that __exit__ is noticed
        while not self._stopping:
            try:
                conn, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        with conn:
            conn.settimeout(10)
            conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            try:
                body = _read_request(conn)
            except (OSError, ValueError):
                return
            fields = _marker(body)
            name = fields.get("scenario", "")
            try:
                request = json.loads(body)
            except ValueError:
                request = None
            exchange = Exchange(name, fields.get("req"), request)
            with self._lock:
                self.exchanges.append(exchange)
                script = self._scripts.get(name)
            if script is None:
                script = Script(
                    (Write(b'{"error":"model \'x\' not found"}'),),
                    status=404,
                    content_type="application/json",
                )
            try:
                exchange.end = self._play(conn, script, exchange)
            except PeerGone:
                exchange.end = "client-gone"
            except TimeoutError:
                exchange.end = "stuck"
            except OSError:
                exchange.end = "client-gone"
            except Exception as exc:  # a bug here must show in the test, not a thread
                exchange.end = f"fake error: {exc!r}"
            exchange.ended_at = time.monotonic()

    def _play(self, conn: socket.socket, script: Script, exchange: Exchange) -> str:
        def send(data: bytes) -> None:
            if not exchange.head_sent:
                conn.sendall(_head(script))
                exchange.head_sent = True
            if data:
                conn.sendall(b"%x\r\n%s\r\n" % (len(data), data))
                exchange.bytes_written += len(data)

        for step in script.steps:
            match step:
                case Write(data):
                    _check_peer(conn, 0)
                    send(data)
                case Sleep(seconds):
                    _wait_peer(conn, time.monotonic() + seconds)
                case Gate(name, timeout):
                    gate = self._gates[name]
                    deadline = time.monotonic() + timeout
                    while not gate.is_set() and time.monotonic() < deadline:
                        _wait_peer(conn, min(deadline, time.monotonic() + POLL))
                    exchange.gates[name] = gate.is_set()
                case Flood(line, count):
                    for _ in range(count):
                        send(line)
                case Cut():
                    conn.shutdown(socket.SHUT_RDWR)
                    return "cut"
        send(b"")
        conn.sendall(b"0\r\n\r\n")
        return "complete"


def _head(script: Script) -> bytes:
    reason = {200: "OK", 404: "Not Found", 500: "Internal Server Error"}.get(
        script.status, "X"
    )
    return (
        f"HTTP/1.1 {script.status} {reason}\r\n"
        f"Content-Type: {script.content_type}\r\n"
        "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    ).encode()


def _read_request(conn: socket.socket) -> bytes:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            raise ValueError("peer closed before the request head")
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    while len(body) < length:
        chunk = conn.recv(65536)
        if not chunk:
            raise ValueError("peer closed inside the request body")
        body += chunk
    return body


def _marker(body: bytes) -> dict[str, str]:
    match = MARKER.search(body)
    if match is None:
        return {}
    pairs = (item.split("=", 1) for item in match.group(1).decode().split())
    return {key: value for key, value in pairs}


def _check_peer(conn: socket.socket, timeout: float) -> None:
    """Raise PeerGone when the proxy has closed its side of the connection."""
    readable, _, _ = select.select([conn], [], [], timeout)
    if readable:
        try:
            data = conn.recv(1, socket.MSG_PEEK)
        except OSError:
            raise PeerGone from None
        if not data:
            raise PeerGone


def _wait_peer(conn: socket.socket, deadline: float) -> None:
    while (left := deadline - time.monotonic()) > 0:
        _check_peer(conn, min(left, POLL * 5))
