"""Run the gate: mock up, client self-test, proxy up, layers up, probes, judges, results.

The I/O orchestration of a whole run, as a thin loop over a Plan (harness.gate.plan):
open every layer, send every layer's probes through its Prober as plan.schedule says
(harness.gate.layered: timed probes alone, the rest side by side), judge each layer
(harness.gate.judge). One event loop for the whole run. Everything it starts (mock,
proxy, nginx) is a managed process group stopped on exit, Ctrl-C or SIGTERM; every
wait is bounded.
"""

from __future__ import annotations

import asyncio
import time
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from harness import __version__
from harness.checks import Context, Result
from harness.checks.lat import budget_from_baseline
from harness.checks.model import Outcome
from harness.gate import plan as plans
from harness.gate.calibrate import calibrate, noisy_note
from harness.gate.config import RunConfig
from harness.gate.judge import judge_layer
from harness.gate.layered import send_schedule
from harness.layers import LayerHandle, open_layer, parse_layer
from harness.probe.catalog import PROBES, Probe
from harness.probe.dialects import make_dialect
from harness.probe.perform import Front, Prober
from harness.processes import free_port, install_signal_handlers
from harness.runtime.progress import Progress, Silent
from harness.runtime.workdir import run_workdir
from harness.target import RunningTarget, start_target
from harness.upstream.mock import MockUpstream, start_mock

if TYPE_CHECKING:
    from collections.abc import Mapping

    from harness.probe.evidence import Evidence


#: with --layer nginx the proxy must keep the connection alive: nginx's read timeout
#: sits this far above the heartbeat budget (IDLE-HEARTBEAT, docs/checks.md)
READ_TIMEOUT_MARGIN_S = 2.0
#: how much of each log the report keeps (the tail)
LOG_TAIL = {"layer": 20000, "proxy": 20000, "mock": 5000}


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


def prober(
    config: RunConfig,
    proxy: RunningTarget,
    mock: MockUpstream,
    *,
    layer: LayerHandle | None = None,
    name: str = "direct",
) -> Prober:
    """A Prober sending to ``proxy`` (through ``layer``'s front when given)."""
    dialect = make_dialect(
        config.dialect, token_key=config.token_key, done_key=config.done_key
    )
    if layer is None:
        url, http2, ca = proxy.url, config.http2, config.ca_path
    else:
        url, http2, name = layer.rewrite(proxy.url), layer.http2, layer.name
        ca = str(layer.ca_path) if layer.ca_path else config.ca_path
    front = Front(url, dialect, config.model, config.headers, http2, ca, proxy.alive)
    idle_s = plans.silence_s(config.idle_s, layer.spec.cut_s if layer else None)
    return Prober(front, mock, layer=name, idle_s=idle_s, bounds=config.bounds)


@dataclass
class _Gate:
    """A run in progress: the mock and the proxy are up; the layers open together."""

    config: RunConfig
    workdir: Path
    mock: MockUpstream
    proxy: RunningTarget
    baseline: Mapping[str, float]
    progress: Progress = field(default_factory=Silent)
    results: list[Result] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    logs: dict[str, str] = field(default_factory=dict)
    evidence: dict[str, dict[str, Evidence]] = field(default_factory=dict)
    #: the proxy's own response head (a layer's note says what the proxy controls)
    direct_headers: dict[str, str] = field(default_factory=dict)
    #: the Content-Encoding the proxy itself answers Accept-Encoding with
    proxy_encoding: str = ""

    async def layers(self, plan: plans.Plan) -> None:
        """Open every layer of ``plan``, send its probes as scheduled, judge them."""
        c = self.config
        with ExitStack() as stack:
            handles: dict[str, LayerHandle] = {}
            for name, _ in plan.layers:
                self.progress.phase(f"starting layer {name}")
                workdir = self.workdir / name.replace(":", "_")
                workdir.mkdir(exist_ok=True)
                handles[name] = stack.enter_context(
                    open_layer(
                        parse_layer(name),
                        self.proxy.port,
                        workdir=workdir,
                        read_timeout_s=c.heartbeat_s + READ_TIMEOUT_MARGIN_S,
                        http2=c.http2,
                        ca_path=Path(c.ca_path) if c.ca_path else None,
                    )
                )
            found = await self.probe(handles, plan)
            for name, layer in handles.items():
                for key, text in layer.logs().items():
                    self.logs[f"{name}/{key}"] = text[-LOG_TAIL["layer"] :]
        for name, layer in handles.items():
            if layer.identity and "valid" in found[name]:
                self.direct_headers = dict(found[name]["valid"].obs.headers)
        for name, checks in plan.layers:
            layer = handles[name]
            if layer.spec.facts.holds and not self.direct_headers:
                await self.peek_headers()
            if layer.spec.facts.compresses and "compress" in found[name]:
                await self.peek_encoding()
            self.results += judge_layer(checks, found[name], self.context(layer))
            self.evidence[name] = found[name]
        if not self.proxy.alive():
            self.notes.append("the proxy exited during the run")

    def context(self, layer: LayerHandle) -> Context:
        c, p99 = self.config, self.baseline.get("lag_p99_ms")
        spec = layer.spec
        facts = spec.facts
        return Context(
            layer=layer.name,
            http2=layer.http2,
            budget_ns=budget_from_baseline(p99) if p99 is not None else 0,
            baseline=self.baseline,
            idle_s=plans.silence_s(c.idle_s, spec.cut_s),
            heartbeat_s=c.heartbeat_s,
            layer_note=layer.note(self.direct_headers),
            transparent=layer.transparent,
            hold_ns=layer.hold_ns,
            upstream_url=self.mock.base_url,
            layer_head_field=facts.head_field,
            layer_compresses=facts.compresses,
            proxy_encoding=self.proxy_encoding,
            layer_breaks=facts.breaks,
            layer_blinds=facts.blinds,
            total_cut_s=spec.total_cut_s or 0.0,
        )

    async def probe(
        self, handles: Mapping[str, LayerHandle], plan: plans.Plan
    ) -> dict[str, dict[str, Evidence]]:
        """Every layer's probes at once, as plans.schedule decides (gate.layered)."""
        schedule = plans.schedule(
            [
                (name, plans.probes_for(checks), handles[name].identity)
                for name, checks in plan.layers
            ],
            restartable=bool(self.config.proxy_cmd),
        )
        senders = {
            name: prober(self.config, self.proxy, self.mock, layer=layer)
            for name, layer in handles.items()
        }

        async def send(layer: str, probe: Probe) -> Evidence:
            if probe.upstream_down:
                return await self.probe_down(probe)
            return await senders[layer].perform(probe)

        idle_s = self.config.idle_s
        longest = max(plans.silence_s(idle_s, h.spec.cut_s) for h in handles.values())
        found = await send_schedule(
            schedule, send, progress=self.progress, idle_s=longest
        )
        return {name: found.get(name, {}) for name in handles}

    async def probe_down(self, probe: Probe) -> Evidence:
        """A second instance of the proxy whose upstream is a port nothing listens on."""
        dead = f"http://127.0.0.1:{free_port()}"
        spec = self.config.target_spec()
        with start_target(
            spec, dead, workdir=self.workdir, name="proxy-down"
        ) as second:
            return await prober(self.config, second, self.mock).perform(probe)

    async def peek_headers(self) -> None:
        """The proxy's response head, read directly (for the notes of nginx layers)."""
        send = prober(self.config, self.proxy, self.mock, name="peek")
        ev = await send.perform(PROBES["valid"])
        self.direct_headers = dict(ev.obs.headers)

    async def peek_encoding(self) -> None:
        """Whether the proxy itself compresses (for the layers that compress)."""
        if not self.proxy_encoding:
            send = prober(self.config, self.proxy, self.mock, name="peek")
            ev = await send.perform(PROBES["compress"])
            self.proxy_encoding = ", ".join(ev.obs.header("content-encoding"))


async def _run(
    config: RunConfig, plan: plans.Plan, workdir: Path, progress: Progress
) -> _Gate:
    with ExitStack() as stack:
        progress.phase("starting the mock upstream")
        mock = stack.enter_context(start_mock(workdir, port=config.mock_port))
        baseline: Mapping[str, float] = {}
        if plan.needs_baseline:
            progress.phase("calibrating the client against the mock")
            baseline = await calibrate(mock)
        progress.phase("starting the proxy")
        proxy = stack.enter_context(
            start_target(
                config.target_spec(),
                mock.base_url,
                workdir=workdir,
                on_wait=lambda left: progress.countdown(
                    "waiting for the proxy to listen", left
                ),
            )
        )
        notes = noisy_note(baseline)
        gate = _Gate(config, workdir, mock, proxy, baseline, progress, notes=notes)
        await gate.layers(plan)
        gate.logs["proxy"] = proxy.output()[-LOG_TAIL["proxy"] :]
        gate.logs["mock"] = mock.output()[-LOG_TAIL["mock"] :]
    return gate


def run(
    config: RunConfig,
    *,
    workdir: Path | None = None,
    plan: plans.Plan | None = None,
    progress: Progress | None = None,
) -> RunReport:
    """Run the gate once; raises UsageError / EnvironmentProblem (exit 2) only.

    ``plan`` defaults to every selected check on every configured layer. Without
    ``workdir`` the run works in ``sse-harness-<pid>-*`` under the temp dir, removed
    on the way out (or by the watchdog, or by the next run: harness.runtime.workdir).
    ``progress`` (default silent) is told each phase, wait and probe.
    """
    from harness.install.pieces import require_layers

    require_layers(config.layers)  # before anything starts
    install_signal_handlers()
    chosen = plan or plans.every(config.select, config.layers)
    started = time.time()
    t0 = time.monotonic()
    with run_workdir(workdir) as path:
        gate = asyncio.run(_run(config, chosen, path, progress or Silent()))
    return RunReport(
        config=config,
        results=tuple(gate.results),
        baseline=gate.baseline,
        notes=tuple(gate.notes),
        logs=gate.logs,
        duration_s=round(time.monotonic() - t0, 2),
        started_at=started,
        evidence=gate.evidence,
    )


__all__ = ["RunConfig", "RunReport", "__version__", "prober", "run"]
