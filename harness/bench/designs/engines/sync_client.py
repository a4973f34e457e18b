"""A blocking read loop over the observing client's sans-IO HTTP/1.1 session.

For engines that are not asyncio (Locust's users run on gevent, whose patched sockets
make this loop cooperative). Same core as :mod:`harness.client.loop` — h11 session,
ObservationRecorder, every ``recv`` stamped with ``perf_counter_ns`` the moment it
returns — on a plain socket. HTTP/1.1 over TCP only; WebSocket over the native engine's
:class:`~harness.bench.designs.engines.readers.WsSession`.
"""

from __future__ import annotations

import socket
import time
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from harness.bench.designs.engines.readers import WsSession
from harness.bench.designs.metrics import StreamRecord
from harness.client.loop import READ_SIZE, Limits
from harness.client.observation import End, Observation, Request
from harness.client.sessions import H1Session, ObservationRecorder

if TYPE_CHECKING:
    from harness.probe.dialects import Dialect


def observe_sync(request: Request, limits: Limits) -> Observation:
    """Send ``request``; record the response read by read. Never raises for the peer."""
    url = urlsplit(request.url)
    rec = ObservationRecorder(request, "1.1")
    try:
        sock = socket.create_connection(
            (url.hostname or "127.0.0.1", url.port or 80), timeout=limits.connect_s
        )
    except OSError as exc:
        return rec.finish(End.CONNECT_FAILED, f"{type(exc).__name__}: {exc}")
    try:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        session = H1Session(rec, url)
        sock.sendall(session.start())
        rec.sent_ns = time.perf_counter_ns()
        deadline = rec.sent_ns + int(limits.total_s * 1e9)
        while True:
            remaining = (deadline - time.perf_counter_ns()) / 1e9
            if remaining <= 0:
                return rec.finish(End.TIMEOUT, f"exchange exceeded {limits.total_s} s")
            sock.settimeout(min(limits.idle_s, remaining))
            try:
                data = sock.recv(READ_SIZE)
            except TimeoutError:
                return rec.finish(End.TIMEOUT, "no data")
            except OSError as exc:
                return rec.finish(End.CLOSED, f"{type(exc).__name__}: {exc}")
            out, end, error, _ = session.receive(time.perf_counter_ns(), data)
            if out:
                sock.sendall(out)
            if end is not None:
                return rec.finish(end, error)
            if not data:
                return rec.finish(End.CLOSED, "connection closed")
    finally:
        sock.close()


def ws_stream_sync(
    req: str, url: str, body: dict[str, object], dialect: Dialect, limits: Limits
) -> StreamRecord:
    """:func:`.readers.ws_stream` on a blocking socket: the same session."""
    parts = urlsplit(url)
    sent_ns = time.perf_counter_ns()
    try:
        sock = socket.create_connection(
            (parts.hostname or "127.0.0.1", parts.port or 80), timeout=limits.connect_s
        )
    except OSError as exc:
        return StreamRecord(req, sent_ns, None, (), False, f"connect: {exc}", 0)
    session = WsSession(url, body, dialect)
    try:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.sendall(session.start())
        deadline = time.monotonic() + limits.total_s
        while not session.finished:
            wait = min(limits.idle_s, deadline - time.monotonic())
            if wait <= 0:
                session.error = session.error or "timeout"
                break
            sock.settimeout(wait)
            try:
                data = sock.recv(READ_SIZE)
            except OSError as exc:  # TimeoutError included
                session.error = f"{type(exc).__name__}: {exc}"
                break
            out = session.receive(time.perf_counter_ns(), data)
            if out:
                sock.sendall(out)
    except OSError as exc:
        session.error = session.error or f"{type(exc).__name__}: {exc}"
    finally:
        sock.close()
    return session.record(req)
