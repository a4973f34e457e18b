"""What a benchmark run measures, and the streams of one wave (pure data + builders).

A wave is ``concurrency`` streams; each carries the mock's routing marker (a
``mock_ollama.marker.Marker``: scenario, timing, repeat, a fresh request id) and starts
at its offset:
the streams of a wave are spread over one token interval (``fixed:MS``) so that they
do not write and read in lockstep.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING

from harness.bench.designs.engines.native import Job
from harness.client.loop import Limits
from harness.probe.catalog import PROMPT
from harness.probe.dialects import make_dialect
from mock_ollama.errors import PolicyError
from mock_ollama.scenario.marker import Marker
from mock_ollama.scenario.policies import Policies, parse_timing

if TYPE_CHECKING:
    from harness.bench.designs.design import Design


@dataclass(frozen=True, slots=True)
class BenchConfig:
    designs: tuple[Design, ...]
    layers: tuple[str, ...] = ("direct",)
    concurrency: tuple[int, ...] = (1,)
    scenario: str = "qwen-chat"
    timing: str = "fixed:75"
    repeat: int = 3
    #: streams per cell (run in waves of ``concurrency``); None: one wave
    streams: int | None = None
    duration_s: float | None = None
    profile: str = ""
    startup_timeout: float = 90.0


def marker(config: BenchConfig, req: str, *, warm: bool = False) -> str:
    """The mock's routing marker; a warm-up stream is the scenario at once."""
    timing, repeat = ("zero", 1) if warm else (config.timing, config.repeat)
    policies = Policies(timing=parse_timing(timing))
    return str(Marker(config.scenario, policies, req, repeat))


def stagger_ms(config: BenchConfig) -> float:
    """The streams of a wave start spread over one token interval (``fixed:MS``)."""
    try:
        timing = parse_timing(config.timing)
    except PolicyError:
        return 0.0
    return timing.value if timing.kind == "fixed" else 0.0


def _limits(config: BenchConfig) -> Limits:
    return Limits(connect_s=10.0, idle_s=30.0, total_s=120.0)


def make_jobs(
    config: BenchConfig,
    url: str,
    kind: str,
    dialect: str,
    count: int,
    tag: str,
    *,
    warm: bool = False,
) -> list[Job]:
    jobs = []
    spread_ns = 0 if warm else int(stagger_ms(config) * 1e6)
    for i in range(count):
        req = f"{tag[:40]}-{secrets.token_hex(4)}"
        prompt = PROMPT + marker(config, req, warm=warm)
        if kind == "ndjson":
            body: dict[str, object] = make_dialect("ollama").body(prompt, None)
        elif kind == "ws":
            body = {"prompt": prompt}
        else:
            body = make_dialect(dialect).body(prompt, None)
        offset = spread_ns * i // count
        jobs.append(Job(req, url, body, kind, dialect, _limits(config), offset))
    return jobs
