"""The native engine: asyncio clients in this process, or in worker processes.

One asyncio process measures cleanly only up to some number of concurrent streams (the
measurement floor, ``floor``); past it, the streams are spread over ``workers``
processes (one per core by default) that all start at the same CLOCK_MONOTONIC instant,
so their stamps compare with each other and with the mock's. A process carrying at
most ``floor`` streams runs its event loop under real-time scheduling when permitted
(:mod:`harness.bench.designs.realtime`: the lag tail on a shared machine was the client waiting
for a core).
"""

from __future__ import annotations

import asyncio
import gc
import multiprocessing
import os
import signal
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING

from harness.bench.designs.engines.readers import ndjson_stream, sse_stream, ws_stream
from harness.bench.designs.realtime import CLIENT_PRIORITY, realtime
from harness.deathsig import die_with
from harness.probe.dialects import make_dialect

if TYPE_CHECKING:
    from harness.bench.designs.metrics import StreamRecord
    from harness.client.loop import Limits

#: streams one asyncio process takes before the engine spreads them over workers
FLOOR = 50
#: how far ahead the workers' common start is set (they are already warm)
START_AHEAD_NS = 300_000_000


@dataclass(frozen=True, slots=True)
class Job:
    """One stream to run: ``kind`` is sse, ndjson (direct to the mock) or ws."""

    req: str
    url: str
    body: dict[str, object]
    kind: str
    dialect: str
    limits: Limits
    #: start this long after the wave's common start (streams of a wave are spread
    #: over one token interval instead of writing and reading in lockstep)
    offset_ns: int = 0


async def run_job(job: Job) -> StreamRecord:
    if job.kind == "ndjson":
        return await ndjson_stream(job.req, job.url, job.body, job.limits)
    dialect = make_dialect(job.dialect)
    if job.kind == "ws":
        return await ws_stream(job.req, job.url, job.body, dialect, job.limits)
    return await sse_stream(job.req, job.url, job.body, dialect, job.limits)


async def _at(start_ns: int, job: Job) -> StreamRecord:
    delay = (start_ns + job.offset_ns - time.perf_counter_ns()) / 1e9
    if delay > 0:
        await asyncio.sleep(delay)
    return await run_job(job)


async def run_jobs(
    jobs: list[Job], start_ns: int, *, rt: bool = False
) -> list[StreamRecord]:
    """Run ``jobs`` concurrently; the garbage collector waits until they are done
    (a collection pauses every stream of the process at once: a stall in the data).
    ``rt``: this thread under real-time scheduling meanwhile (when permitted)."""
    gc.disable()
    try:
        with realtime(CLIENT_PRIORITY, rt):
            return list(await asyncio.gather(*(_at(start_ns, job) for job in jobs)))
    finally:
        gc.enable()


def _worker_main(jobs: list[Job], start_ns: int, rt: bool) -> list[StreamRecord]:
    return asyncio.run(run_jobs(jobs, start_ns, rt=rt))


def _warm() -> int:
    return os.getpid()


def _worker_init(parent: int) -> None:
    """Workers leave Ctrl-C to the parent, which stops them (no traceback spam), and
    die with it, also when it is SIGKILLed."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    die_with(parent)


class NativeEngine:
    name = "native"

    def __init__(
        self, workers: int | None = None, floor: int = FLOOR, rt: bool = True
    ) -> None:
        self.workers = max(1, workers or os.cpu_count() or 1)
        self.floor = floor
        self.rt = rt
        self._pool: ProcessPoolExecutor | None = None

    def _ensure_pool(self) -> ProcessPoolExecutor:
        if self._pool is None:
            ctx = multiprocessing.get_context("spawn")
            self._pool = ProcessPoolExecutor(
                self.workers,
                mp_context=ctx,
                initializer=_worker_init,
                initargs=(os.getpid(),),
            )
            for f in [self._pool.submit(_warm) for _ in range(self.workers)]:
                f.result(timeout=60)
        return self._pool

    def processes_for(self, streams: int) -> int:
        return 1 if streams <= self.floor else self.workers

    def realtime_for(self, streams: int) -> bool:
        """Whether the client processes of ``streams`` run real-time (if permitted):
        only while each carries at most ``floor`` streams."""
        return self.rt and -(-streams // self.processes_for(streams)) <= self.floor

    def run(self, jobs: list[Job]) -> list[StreamRecord]:
        rt = self.realtime_for(len(jobs))
        if self.processes_for(len(jobs)) == 1:
            return asyncio.run(run_jobs(jobs, time.perf_counter_ns(), rt=rt))
        pool = self._ensure_pool()
        shares = [jobs[i :: self.workers] for i in range(self.workers)]
        start = time.perf_counter_ns() + START_AHEAD_NS
        futures = [pool.submit(_worker_main, share, start, rt) for share in shares]
        limit = max(j.limits.total_s for j in jobs) + 30
        return [rec for f in futures for rec in f.result(timeout=limit)]

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None
