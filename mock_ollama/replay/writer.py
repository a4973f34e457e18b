"""The replay writer: a schedule played on absolute deadlines.

Every deadline is ``anchor + write.at_ns`` on ``time.perf_counter_ns()``
(CLOCK_MONOTONIC): sleeps are never accumulated, so lateness never drifts. The anchor
is the request's arrival, moved to when the first line actually went out if that was
late (a burst of new requests then delays only each stream's first line instead of
making every stream catch up in a burst of merged writes). A write
that is already late still yields once (``await asyncio.sleep(0)``) so one late stream
cannot starve the others (measured while building the mock: without the yield, 500
streams coalesce 21-38% of their lines). The last ``SPIN_NS`` before a deadline are
spent yielding in a loop instead of sleeping, because epoll rounds timeouts up to whole
milliseconds; the spin is skipped when many streams are active. Writes the schedule
planned apart are kept at least ``min(planned gap, SEPARATE_NS)`` apart even when late.

Each write is stamped just before it is handed to the kernel: a stamp taken after
``transport.write`` returns can land after a reader woken by that write (at a higher
priority) has already read it, which shows as a negative lag (measured: median -0.05 ms
with a real-time client). The client going
away is noticed while the writer sleeps or stalls: ``receive()`` is awaited
concurrently for ``http.disconnect``.
"""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable

    from mock_ollama.replay.asgi import Message, Receive, Send
    from mock_ollama.replay.exchange_log import Exchange
    from mock_ollama.replay.schedule import Schedule

SPIN_NS = 1_500_000
SEPARATE_NS = 1_000_000
SPIN_MAX_STREAMS = 4


class _Active:
    count = 0


async def sleep_until(deadline_ns: int) -> None:
    """Sleep until ``deadline_ns`` (perf_counter_ns); always yields at least once."""
    now = time.perf_counter_ns()
    spin = SPIN_NS if _Active.count <= SPIN_MAX_STREAMS else 0
    if deadline_ns - now > spin:
        await asyncio.sleep((deadline_ns - now - spin) / 1e9)
    else:
        await asyncio.sleep(0)
    while spin and time.perf_counter_ns() < deadline_ns:
        await asyncio.sleep(0)


def _head(schedule: Schedule) -> Message:
    headers = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in schedule.headers]
    return {
        "type": "http.response.start",
        "status": schedule.status,
        "headers": headers,
    }


def chunk_writer(
    send: Send, schedule: Schedule
) -> Callable[[bytes], int | None] | None:
    """Under uvicorn's h11 protocol: write each body chunk straight to the transport.

    uvicorn turns one ``http.response.body`` message into exactly one
    ``transport.write(b"%x\\r\\n" + body + b"\\r\\n")`` (via h11's ChunkedWriter); doing
    that write here skips h11's state machine and uvicorn's checks, about a quarter of
    the CPU a write costs at hundreds of streams. The writer answers the write's stamp
    (``perf_counter_ns`` just before the bytes go to the transport), or None (use
    ``send``) when the peer is gone or the transport is paused; ``None`` means the
    response is not a chunked HTTP/1.1 one under uvicorn's h11 (always use ``send``).
    The end of the response still goes through ``send``, so h11's state stays right.
    """
    cycle: Any = getattr(send, "__self__", None)
    if type(cycle).__module__ != "uvicorn.protocols.http.h11_impl":
        return None
    needed = ("scope", "transport", "disconnected", "flow")
    if not all(hasattr(cycle, name) for name in needed):
        return None  # a uvicorn whose cycle looks different: stay on send
    scope = cycle.scope
    if scope.get("http_version") != "1.1" or scope.get("method") == "HEAD":
        return None
    if any(k.lower() == "content-length" for k, _ in schedule.headers):
        return None
    transport = cycle.transport

    def write(data: bytes) -> int | None:
        if cycle.disconnected or cycle.flow.write_paused or transport.is_closing():
            return None
        frame = b"%x\r\n%b\r\n" % (len(data), data)
        t_ns = time.perf_counter_ns()
        transport.write(frame)
        return t_ns

    return write


async def _write_all(
    schedule: Schedule, send: Send, ex: Exchange, *, head_only: bool
) -> None:
    t0 = ex.received_ns
    if schedule.head_at_ns is None:  # stalled forever before the first line
        ex.end = "stalled"
        await asyncio.Event().wait()
    started, last_at, last_ns = False, 0, 0
    fast: Callable[[bytes], int | None] | None = None
    for w in schedule.writes:
        # writes planned apart stay apart even when late (else the kernel merges them)
        apart = min(w.at_ns - last_at, SEPARATE_NS) if started else 0
        await sleep_until(max(t0 + w.at_ns, last_ns + apart))
        last_at = w.at_ns
        if not started:
            await send(_head(schedule))
            ex.head_ns = time.perf_counter_ns()
            started = True
            if head_only:
                break
            fast = chunk_writer(send, schedule)
        t_ns = None if fast is None else fast(w.data)
        if t_ns is None:  # through uvicorn, which may first wait for the drain
            await send(
                {"type": "http.response.body", "body": w.data, "more_body": True}
            )
            t_ns = time.perf_counter_ns()
        last_ns = t_ns
        ex.add_write(last_ns, w.offset, len(w.data), w.line)
        if ex.write_count == 1:  # anchor the schedule on the first write's real time
            t0 = max(t0, last_ns - w.at_ns)
    if not started:
        await sleep_until(t0 + (schedule.head_at_ns or 0))
        await send(_head(schedule))
        ex.head_ns = time.perf_counter_ns()
    if schedule.end == "stall":
        ex.end = "stalled"
        await asyncio.Event().wait()
    if schedule.end == "cut":
        ex.end = "cut"  # return without the terminating chunk: uvicorn closes
    else:
        await send({"type": "http.response.body", "body": b"", "more_body": False})
        ex.end = "complete"
    ex.closed_ns = time.perf_counter_ns()


async def _wait_disconnect(receive: Receive) -> None:
    while (await receive())["type"] != "http.disconnect":
        pass


async def play(
    schedule: Schedule,
    receive: Receive,
    send: Send,
    ex: Exchange,
    *,
    head_only: bool = False,
) -> None:
    """Send ``schedule``, logging into ``ex``; stop when the client goes away."""
    ex.status = schedule.status
    ex.lines = schedule.lines
    _Active.count += 1
    writer = asyncio.ensure_future(_write_all(schedule, send, ex, head_only=head_only))
    watcher = asyncio.ensure_future(_wait_disconnect(receive))
    try:
        await asyncio.wait({writer, watcher}, return_when=asyncio.FIRST_COMPLETED)
        if not writer.done():
            ex.client_gone_ns = time.perf_counter_ns()
            writer.cancel()
            ex.end = "client-gone"
            ex.closed_ns = ex.client_gone_ns
        elif (exc := writer.exception()) is not None:
            ex.end = "error"
            ex.closed_ns = time.perf_counter_ns()
            raise exc
    finally:
        _Active.count -= 1
        watcher.cancel()
        for task in (writer, watcher):
            if not task.done():
                continue
            if not task.cancelled():
                task.exception()
