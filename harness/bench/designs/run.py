"""Run the benchmark: baseline, then every design x layer x concurrency (I/O shell).

One mock for the whole run. At each concurrency the harness first reads the mock
directly (the baseline: what the harness itself adds); then each design is started
once, each layer opened in front of it, and each concurrency run as waves of streams.
After each cell the mock's exchange log gives the write time of every token line.
The mock and the client processes run under real-time scheduling while that keeps the
measurement clean (:mod:`harness.bench.designs.realtime`); ``scheduling`` says what applied.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from harness.bench.designs.engines.native import run_jobs
from harness.bench.designs.metrics import (
    CellStats,
    StreamRecord,
    cell_stats,
    median_offsets,
    scheduled_writes,
)
from harness.bench.designs.plan import BenchConfig, make_jobs
from harness.bench.designs.prepare import prepare_all
from harness.bench.designs.procstat import GroupSampler
from harness.bench.designs.realtime import mock_realtime, scheduling
from harness.errors import HarnessError
from harness.layers import open_layer, parse_layer
from harness.runtime.signals import exit_status
from harness.runtime.workdir import run_workdir
from harness.target import TargetSpec, start_target
from harness.upstream.mock import MockUpstream, start_mock

if TYPE_CHECKING:
    from pathlib import Path

    from harness.bench.designs.design import Design
    from harness.bench.designs.engines.native import Job
    from harness.upstream.exchanges import Exchange


class Engine(Protocol):
    name: str
    #: real-time scheduling wanted; streams a client process takes cleanly
    rt: bool
    floor: int

    def processes_for(self, streams: int) -> int: ...

    def realtime_for(self, streams: int) -> bool: ...

    def run(self, jobs: list[Job]) -> list[StreamRecord]: ...

    def close(self) -> None: ...


@dataclass(slots=True)
class BenchCell:
    design: str
    layer: str
    concurrency: int
    stats: CellStats
    records: list[StreamRecord]
    writes: dict[str, list[int | None]]
    cpu_s: float | None = None
    peak_rss: int | None = None
    processes: int = 1
    #: the mock and the client processes ran under real-time scheduling
    realtime: bool = False


@dataclass(slots=True)
class BenchResult:
    config: BenchConfig
    engine: str
    reference: list[str] = field(default_factory=list)
    baseline: list[BenchCell] = field(default_factory=list)
    cells: list[BenchCell] = field(default_factory=list)
    interrupted: bool = False
    #: the exit status the interrupt asks for: 130 (Ctrl-C), 143 (SIGTERM), else 0
    stopped: int = 0
    error: str = ""
    #: designs that could not be measured (did not start...), one line each
    failures: list[str] = field(default_factory=list)
    started: float = field(default_factory=time.time)
    duration_s: float = 0.0
    #: how the instrument (mock, client processes) was scheduled, one line
    scheduling: str = ""


Progress = Callable[[str, int, int], None]


class Runner:
    def __init__(
        self, config: BenchConfig, engine: Engine, progress: Progress | None = None
    ) -> None:
        self.config, self.engine = config, engine
        self.progress = progress or (lambda _label, _done, _total: None)
        self.result = BenchResult(config, engine.name)
        self.offsets: list[int | None] = []
        self.done = 0
        self.rt_allowed = False

    @property
    def total(self) -> int:
        c = self.config
        return len(c.concurrency) * (1 + len(c.designs) * len(c.layers))

    def run(self) -> BenchResult:
        """Run everything in the run's work directory (removed on the way out, by
        the watchdog if we are killed, or by the next run); Ctrl-C or SIGTERM keeps
        what was measured (``interrupted``, ``stopped``)."""
        started = time.monotonic()
        try:
            with run_workdir() as workdir:
                self._run(workdir)
        except KeyboardInterrupt as exc:
            self.result.interrupted = True
            self.result.stopped = exit_status(exc)
        finally:
            self.engine.close()
            self.result.duration_s = time.monotonic() - started
        return self.result

    def _run(self, workdir: Path) -> None:
        ready, self.result.failures[:0] = prepare_all(self.config.designs)
        with start_mock(workdir) as mock:
            self._scheduling()
            for conc in self.config.concurrency:
                self._baseline(mock, conc)
            for design in self.config.designs:
                if design.name not in ready:  # not available: said in failures
                    self.done = self._done_before(design)
                    continue
                try:
                    self._design(mock, ready[design.name], workdir)
                except HarnessError as exc:  # the others are still measured
                    self.result.failures.append(f"{design.name}: {exc}")
                    self.done = self._done_before(design)

    def _scheduling(self) -> None:
        allowed, self.result.scheduling = scheduling(self.engine.rt, self.engine.floor)
        self.rt_allowed = allowed

    def _instrument(self, mock: MockUpstream, conc: int) -> bool:
        """The mock real-time for this cell when its clients are; whether they are."""
        rt = self.rt_allowed and self.engine.realtime_for(conc)
        return mock_realtime(mock.process.pid if mock.process else None, rt)

    def _done_before(self, design: Design) -> int:
        """Cells finished once ``design`` is over (its own counted as done)."""
        c = self.config
        index = c.designs.index(design) + 1
        return len(c.concurrency) * (1 + index * len(c.layers))

    def _tick(self, label: str) -> None:
        self.progress(label, self.done, self.total)

    def _baseline(self, mock: MockUpstream, conc: int) -> None:
        self._tick(f"baseline x{conc}")
        url = f"{mock.base_url}/api/chat"
        cell = self._cell(mock, "baseline", "direct", conc, url, "ndjson", "", None)
        self.result.baseline.append(cell)
        self.done += 1

    def _design(self, mock: MockUpstream, design: Design, workdir: Path) -> None:
        spec = TargetSpec(
            cmd=design.command(),
            url=design.http_url,
            cwd=design.cwd,
            startup_timeout=self.config.startup_timeout,
        )
        kind = "ws" if design.websocket else "sse"
        with start_target(spec, mock.base_url, workdir=workdir, name=design.name) as t:
            pgid = t.process.pid if t.process else None
            for layer_name in self.config.layers:
                with open_layer(parse_layer(layer_name), t.port, workdir=workdir) as ly:
                    url = ly.rewrite(t.url)
                    if design.websocket:
                        url = "ws" + url[len("http") :]
                    for conc in self.config.concurrency:
                        self._tick(f"{design.name} · {layer_name} x{conc}")
                        cell = self._cell(
                            mock, design.name, layer_name, conc, url, kind,
                            design.dialect, pgid,
                        )  # fmt: skip
                        self.result.cells.append(cell)
                        self.done += 1

    def _cell(
        self,
        mock: MockUpstream,
        design: str,
        layer: str,
        conc: int,
        url: str,
        kind: str,
        dialect: str,
        pgid: int | None,
    ) -> BenchCell:
        # warm-up: as many streams at once, answered at once, not measured (the
        # design's upstream connections, JIT, caches); then a clean exchange log
        rt = self._instrument(mock, conc)
        warm = make_jobs(self.config, url, kind, dialect, conc, "warm", warm=True)
        if self.engine.name == "native":  # through the same worker processes
            self.engine.run(warm)
        else:  # a Locust run per warm-up would double the run time
            asyncio.run(run_jobs(warm, time.perf_counter_ns()))
        _clear(mock)
        records: list[StreamRecord] = []
        sampler = GroupSampler(pgid)
        sampler.start()
        started = time.monotonic()
        wanted = self.config.streams or conc
        waves = 0
        try:
            while len(records) < wanted or self._more_time(started):
                jobs = make_jobs(
                    self.config, url, kind, dialect, conc, f"{design}-{layer}"
                )
                records += self.engine.run(jobs)
                waves += 1
                if self.config.streams is None and self.config.duration_s is None:
                    break
        finally:
            sampler.stop()
        exchanges = {x.req: x for x in _exchanges(mock) if x.req}
        if kind == "ndjson":
            self._learn_reference(records, exchanges)
        writes = {r.req: self._writes(exchanges.get(r.req)) for r in records if r.req}
        stats = cell_stats(records, self.result.reference, writes)
        return BenchCell(
            design, layer, conc, stats, records, writes,
            sampler.cpu_s if pgid else None, sampler.peak_rss if pgid else None,
            self.engine.processes_for(conc), rt,
        )  # fmt: skip

    def _more_time(self, started: float) -> bool:
        limit = self.config.duration_s
        return limit is not None and time.monotonic() - started < limit

    def _learn_reference(
        self, records: list[StreamRecord], exchanges: dict[str, Exchange]
    ) -> None:
        """The upstream tokens and their schedule, from the first baseline cell."""
        if self.result.reference:
            return
        good = [r for r in records if r.completed]
        if not good:
            return
        self.result.reference = [text for _, text in good[0].tokens]
        per_stream = []
        for rec in good:
            ex = exchanges.get(rec.req)
            if ex is not None:
                per_stream.append(
                    [
                        None if w is None else w - ex.received_ns
                        for w in _line_writes(ex, len(self.result.reference))
                    ]
                )
        self.offsets = median_offsets(per_stream)

    def _writes(self, ex: Exchange | None) -> list[int | None]:
        """The mock's write per upstream token: logged per line when it streamed,
        else (``stream: false``) its receive time plus the baseline schedule."""
        n = len(self.result.reference)
        if ex is None:
            return []
        if len(ex.lines) > n:
            return _line_writes(ex, n)
        return scheduled_writes(ex.received_ns, self.offsets)


def _line_writes(ex: Exchange, n: int) -> list[int | None]:
    return [ex.line_written_ns(j) for j in range(n)]


def _clear(mock: MockUpstream) -> None:
    import httpx

    with contextlib.suppress(httpx.HTTPError):
        httpx.delete(f"{mock.base_url}/_mock/exchanges", timeout=5.0, trust_env=False)


def _exchanges(mock: MockUpstream) -> list[Exchange]:
    deadline = time.monotonic() + 3.0
    exchanges = mock.exchanges(full=True)
    while any(x.end == "running" for x in exchanges) and time.monotonic() < deadline:
        time.sleep(0.05)
        exchanges = mock.exchanges(full=True)
    return exchanges
