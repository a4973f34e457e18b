"""Run the gate: mock up, client self-test, proxy up, probes per layer, judges, results.

The I/O orchestration of a whole run. Everything it starts (mock, proxy, nginx) is a
managed process group stopped on exit, Ctrl-C or SIGTERM; every wait is bounded.
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from harness import __version__
from harness.checks import Check, Context, Evidence, Result, decide, select
from harness.checks.common import MS
from harness.checks.lat import budget_from_baseline
from harness.checks.model import Expected, Outcome, unimplemented
from harness.gate.calibrate import calibrate
from harness.layers import LayerHandle, open_layer, parse_layer
from harness.layers.base import layer_note
from harness.probe.catalog import PROBES, Probe
from harness.probe.dialects import make_dialect
from harness.probe.expected import expected_tokens
from harness.probe.perform import Target, perform, unresponsive
from harness.probe.scenarios import scenario_lines
from harness.processes import free_port, install_signal_handlers
from harness.target import RunningTarget, TargetSpec, start_target
from harness.upstream.mock import MockUpstream, start_mock

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Mapping

#: with --layer nginx the proxy must keep the connection alive: nginx's read timeout
#: sits this far above the heartbeat budget (IDLE-HEARTBEAT, docs/checks.md)
READ_TIMEOUT_MARGIN_S = 2.0
#: after this many requests in a row without a response head, stop sending more
UNRESPONSIVE_AFTER = 3


@dataclass(frozen=True, slots=True)
class RunConfig:
    proxy_url: str
    proxy_cmd: str | None = None
    dialect: str = "seed"
    token_key: str = "token"
    done_key: str = "finished"
    model: str | None = None
    headers: tuple[tuple[str, str], ...] = ()
    env: tuple[tuple[str, str], ...] = ()
    layers: tuple[str, ...] = ("direct",)
    select: tuple[str, ...] = ()
    startup_timeout: float = 60.0
    mock_port: int = 0
    idle_s: float = 20.0
    heartbeat_s: float = 15.0
    http2: bool = False
    ca_path: str | None = None
    cwd: str | None = None


@dataclass(frozen=True, slots=True)
class RunReport:
    config: RunConfig
    results: tuple[Result, ...]
    baseline: Mapping[str, float]
    notes: tuple[str, ...]
    logs: Mapping[str, str]
    duration_s: float
    started_at: float
    evidence: Mapping[str, Mapping[str, Evidence]] = field(default_factory=dict)

    def count(self, outcome: Outcome) -> int:
        return sum(r.outcome is outcome for r in self.results)

    def summary(self) -> dict[str, int]:
        return {o.value: self.count(o) for o in Outcome if self.count(o)}

    def exit_status(self, strict: bool) -> int:
        bad = self.count(Outcome.FAILED) + (
            self.count(Outcome.NON_STRICT) if strict else 0
        )
        return 1 if bad else 0


def probes_for(checks: tuple[Check, ...]) -> list[Probe]:
    needed = {name for check in checks for name in check.probes}
    return [probe for name, probe in PROBES.items() if name in needed]


def expected_for(probe: Probe) -> Expected:
    return expected_tokens(scenario_lines(probe.scenario), probe.faults)


class _Run:
    def __init__(self, config: RunConfig, workdir: Path) -> None:
        self.config = config
        self.workdir = workdir
        self.checks = select(config.select)
        self.probes = probes_for(self.checks)
        self.dialect = make_dialect(
            config.dialect, token_key=config.token_key, done_key=config.done_key
        )
        self.results: list[Result] = []
        self.notes: list[str] = []
        self.logs: dict[str, str] = {}
        self.evidence: dict[str, dict[str, Evidence]] = {}

    def target_spec(self) -> TargetSpec:
        c = self.config
        return TargetSpec(
            cmd=c.proxy_cmd,
            url=c.proxy_url,
            env=dict(c.env),
            startup_timeout=c.startup_timeout,
            cwd=c.cwd,
        )

    def target(
        self, url: str, alive: Callable[[], bool], http2: bool, ca: str | None
    ) -> Target:
        return Target(
            url, self.dialect, self.config.model, self.config.headers, http2, ca, alive
        )

    async def probe_layer(
        self, layer: LayerHandle, proxy: RunningTarget, mock: MockUpstream
    ) -> dict[str, Evidence]:
        http2 = layer.http2 or (self.config.http2 and layer.name == "direct")
        ca = str(layer.ca_path) if layer.ca_path else self.config.ca_path
        target = self.target(layer.rewrite(proxy.url), proxy.alive, http2, ca)
        found: dict[str, Evidence] = {}
        background = {}
        for probe in self.probes:
            if probe.idle:
                background[probe.name] = asyncio.ensure_future(
                    perform(
                        probe,
                        target,
                        mock,
                        expected_for(probe),
                        layer=layer.name,
                        idle_s=self.config.idle_s,
                    )
                )
        silent = 0
        for probe in self.probes:
            if probe.idle:
                continue
            if probe.direct_only and layer.name != "direct":
                continue
            if probe.upstream_down:
                if self.config.proxy_cmd:
                    found[probe.name] = await self.probe_down(probe, mock)
                continue
            skip = (
                f"not sent: the proxy left {UNRESPONSIVE_AFTER} requests in a row unanswered"
                if silent >= UNRESPONSIVE_AFTER
                else ""
            )
            found[probe.name] = ev = await perform(
                probe,
                target,
                mock,
                expected_for(probe),
                layer=layer.name,
                idle_s=self.config.idle_s,
                skip=skip,
            )
            silent = silent + 1 if unresponsive(ev) else 0
        for name, task in background.items():
            found[name] = await task
        return found

    async def probe_down(self, probe: Probe, mock: MockUpstream) -> Evidence:
        """A second instance of the proxy whose upstream is a port nothing listens on."""
        dead = f"http://127.0.0.1:{free_port()}"
        with start_target(
            self.target_spec(), dead, workdir=self.workdir, name="proxy-down"
        ) as second:
            target = self.target(
                second.url, second.alive, self.config.http2, self.config.ca_path
            )
            return await perform(
                probe,
                target,
                mock,
                Expected((), ()),
                layer="direct",
                idle_s=self.config.idle_s,
            )

    def judge(self, layer: str, evidence: Mapping[str, Evidence], ctx: Context) -> None:
        for check in self.checks:
            if not check.applies(ctx):
                continue
            missing = [p for p in check.probes if p not in evidence]
            if missing:
                found = unimplemented(
                    "needs --proxy-cmd (a second instance with a dead upstream)"
                    if "down" in missing
                    else f"probes not run on this layer: {', '.join(missing)}"
                )
            else:
                try:
                    found = check.judge(evidence, ctx)
                except Exception as exc:  # a judge bug must not eat the report
                    found = unimplemented(
                        f"harness error while judging: {type(exc).__name__}: {exc}"
                    )
            self.results.append(
                Result(
                    check.id,
                    layer,
                    check.level,
                    decide(check, found),
                    found.detail,
                    dict(found.metrics),
                    check.requirement,
                    check.source,
                )
            )

    def run(self) -> tuple[dict[str, float], dict[str, dict[str, Evidence]]]:
        c = self.config
        read_timeout = c.heartbeat_s + READ_TIMEOUT_MARGIN_S
        with ExitStack() as stack:
            mock = stack.enter_context(start_mock(self.workdir, port=c.mock_port))
            baseline = asyncio.run(calibrate(mock))
            if baseline["lag_p99_ms"] > 100:
                self.notes.append(
                    f"the machine is too noisy to judge timing finely: the client's own p99 lag "
                    f"reading the mock directly is {baseline['lag_p99_ms']:.0f} "
                    "ms; LAT budgets are widened"
                )
            proxy = stack.enter_context(
                start_target(self.target_spec(), mock.base_url, workdir=self.workdir)
            )
            budget = budget_from_baseline(baseline["lag_p99_ms"])
            direct_headers: dict[str, str] = {}
            for name in c.layers:
                spec = parse_layer(name)
                layer_dir = self.workdir / name.replace(":", "_")
                layer_dir.mkdir(exist_ok=True)
                with open_layer(
                    spec, proxy.port, workdir=layer_dir, read_timeout_s=read_timeout
                ) as layer:
                    if name != "direct" and not direct_headers:
                        direct_headers = asyncio.run(self.peek_headers(proxy, mock))
                    evidence = asyncio.run(self.probe_layer(layer, proxy, mock))
                    for key, text in layer.logs().items():
                        self.logs[f"{name}/{key}"] = text[-20000:]
                if name == "direct" and "valid" in evidence:
                    direct_headers = {k: v for k, v in evidence["valid"].obs.headers}
                ctx = Context(
                    layer=name,
                    http2=layer.http2 or (c.http2 and name == "direct"),
                    budget_ns=budget,
                    baseline=baseline,
                    idle_s=c.idle_s,
                    heartbeat_s=c.heartbeat_s,
                    layer_note=layer_note(name, direct_headers),
                    transparent=name == "direct" or name.startswith("buffer:"),
                    hold_ns=int(spec.hold_ms * MS) if spec.kind == "buffer" else 0,
                )
                self.judge(name, evidence, ctx)
                self.evidence[name] = evidence
                if not proxy.alive():
                    self.notes.append(f"the proxy exited during the {name} layer run")
            self.logs["proxy"] = proxy.output()[-20000:]
            self.logs["mock"] = mock.output()[-5000:]
        return baseline, self.evidence

    async def peek_headers(
        self, proxy: RunningTarget, mock: MockUpstream
    ) -> dict[str, str]:
        probe = PROBES["valid"]
        target = self.target(
            proxy.url, proxy.alive, self.config.http2, self.config.ca_path
        )
        ev = await perform(
            probe,
            target,
            mock,
            expected_for(probe),
            layer="peek",
            idle_s=self.config.idle_s,
        )
        return {k: v for k, v in ev.obs.headers}


def run(config: RunConfig, *, workdir: Path | None = None) -> RunReport:
    """Run the gate once; raises UsageError / EnvironmentProblem (exit 2) only."""
    install_signal_handlers()
    started = time.time()
    t0 = time.monotonic()
    with _workdir(workdir) as path:
        job = _Run(config, path)
        baseline, evidence = job.run()
    return RunReport(
        config=config,
        results=tuple(job.results),
        baseline=baseline,
        notes=tuple(job.notes),
        logs=job.logs,
        duration_s=round(time.monotonic() - t0, 2),
        started_at=started,
        evidence=evidence,
    )


@contextmanager
def _workdir(given: Path | None) -> Iterator[Path]:
    if given is not None:
        given.mkdir(parents=True, exist_ok=True)
        yield given
        return
    with tempfile.TemporaryDirectory(prefix="sse-harness-") as tmp:
        yield Path(tmp)


def write_file(directory: Path, name: str, text: str) -> Path:
    """Write ``directory/name`` atomically (a reader never sees half a report)."""
    directory.mkdir(parents=True, exist_ok=True)
    tmp = directory / f".{name}.tmp"
    tmp.write_text(text, encoding="utf-8")
    return tmp.replace(directory / name)


def write_reports(
    found: RunReport, directory: Path, exit_status: int | None = None
) -> tuple[Path, Path]:
    """``report.json`` and ``summary.md`` of a finished run."""
    from harness.gate import report

    c = found.config
    target = {"cmd": c.proxy_cmd, "url": c.proxy_url, "dialect": c.dialect}
    doc = report.to_json(
        found.results,
        version=__version__,
        target=target,
        layers=c.layers,
        baseline=found.baseline,
        notes=found.notes,
        logs=found.logs,
        duration_s=found.duration_s,
        exit_status=exit_status,
    )
    summary = report.to_markdown(
        found.results,
        title=f"sse-harness {__version__}: {c.proxy_cmd or c.proxy_url}",
        notes=found.notes,
        baseline=found.baseline,
    )
    return write_file(directory, "report.json", doc), write_file(
        directory, "summary.md", summary
    )


__all__ = ["RunConfig", "RunReport", "__version__", "run", "write_reports"]
