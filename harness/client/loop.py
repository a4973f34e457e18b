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
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import urlsplit

from harness.client.bounds import KEPT_AFTER_BOUND, size
from harness.client.observation import End, Observation, Request
from harness.client.sessions import H1Session, H2Session, ObservationRecorder, Session

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
    #: a response head must be complete within this many bytes ...
    head_bytes: int = 64 * 1024
    #: ... and this many seconds (None: total_s)
    head_s: float | None = None


class Stopper(Protocol):
    """Decides, read by read, when the client aborts (cancellation probes, bounds);
    a ``bound`` attribute, when set, says which bound the target reached, and a
    ``cut_in()`` method, when there, how many seconds are left before it aborts even
    without another byte (None: no such deadline)."""

    def feed(self, data: bytes) -> bool: ...


def _cut_in(stop: Stopper | None) -> float | None:
    left = getattr(stop, "cut_in", None)
    return None if left is None else left()


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
    rec = ObservationRecorder(request, "2" if http2 else "1.1")
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
    session: Session = (
        H2Session(rec, url)
        if rec.http_version == "2"
        else H1Session(rec, url, limits.head_bytes)
    )
    loop = _Loop(reader, writer, rec, session, limits, stop, abort, pause_after_head_s)
    try:
        return await loop.run()
    finally:
        writer.transport.abort()


class _Loop:
    """Read until the exchange ends, a limit passes, or the caller aborts."""

    def __init__(
        self,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        rec: ObservationRecorder,
        session: Session,
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
        # stamped before the write: write() hands the bytes to the kernel at once, and a
        # stamp taken after it can land after the server already answered
        rec.sent_ns = time.perf_counter_ns()
        self.writer.write(self.session.start())
        deadline = rec.sent_ns + int(self.limits.total_s * 1e9)
        head_s = self.limits.head_s
        head_by = None if head_s is None else rec.sent_ns + int(head_s * 1e9)
        head_seen = 0
        abort_wait = asyncio.ensure_future(self.abort.wait()) if self.abort else None
        try:
            while True:
                if rec.head_ns is not None and self.pause is not None:
                    await asyncio.sleep(self.pause)
                    return rec.finish(
                        End.ABORTED, f"stopped reading for {self.pause:g} s"
                    )
                now = time.perf_counter_ns()
                if rec.head_ns is None and head_by is not None and now >= head_by:
                    return self.bound(
                        End.TIMEOUT,
                        f"head not complete after {head_s:g} s ({size(head_seen)})",
                    )
                end_by = deadline if rec.head_ns or head_by is None else head_by
                remaining = (min(deadline, end_by) - now) / 1e9
                wait_s = min(self.limits.idle_s, remaining)
                cut = _cut_in(self.stop)
                if cut is not None and cut <= 0:
                    return rec.finish(End.ABORTED, "aborted by the harness")
                wait_s = wait_s if cut is None else min(wait_s, cut)
                if wait_s <= 0:
                    return self.bound(
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
                    if wait_s == self.limits.idle_s:
                        return rec.finish(End.TIMEOUT, f"no data for {wait_s:.1f} s")
                    continue  # a deadline passed: the checks above say which
                try:
                    data = read.result()
                except (OSError, ssl.SSLError) as exc:
                    return rec.finish(End.CLOSED, f"{type(exc).__name__}: {exc}")
                if rec.head_ns is None:
                    head_seen += len(data)
                out, end, error, decoded = self.session.receive(t_ns, data)
                if out:
                    self.writer.write(out)
                if rec.head_ns is None and head_seen > self.limits.head_bytes:
                    return self.bound(
                        End.PROTOCOL_ERROR,
                        f"head not complete after {size(self.limits.head_bytes)}",
                    )
                if end is None and not data:
                    end, error = End.CLOSED, "connection closed"
                if end is End.CLOSED and rec.head_ns is None and head_seen:
                    # bytes that never made a response head: no HTTP, not a cut
                    end = End.PROTOCOL_ERROR
                    error = f"no response head in {size(head_seen)}, then {error}"
                if end is not None:
                    return rec.finish(end, error)
                if rec.wire > self.limits.max_body:
                    return self.bound(
                        End.ABORTED, f"body exceeded {size(self.limits.max_body)}"
                    )
                if self.stop is not None and decoded and self.stop.feed(decoded):
                    reached = getattr(self.stop, "bound", "")
                    if reached:
                        return self.bound(End.ABORTED, reached)
                    return rec.finish(End.ABORTED, "aborted by the harness")
        finally:
            if abort_wait is not None:
                abort_wait.cancel()

    def bound(self, end: End, why: str) -> Observation:
        """The target reached one of the probe's bounds: the exchange ends here, and
        its evidence keeps only the start of the body (KEPT_AFTER_BOUND): the finding
        is the bound, and a run through many layers must not hold every probe's
        megabytes until it reports."""
        self.rec.extra["bound"] = why
        self.rec.keep_first(KEPT_AFTER_BOUND)
        return self.rec.finish(end, why)
