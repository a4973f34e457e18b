"""The vocabulary of verdicts (after Autobahn and h2spec): levels, outcomes, results.

The evidence a judge reads is the probe room's record (``harness.probe.evidence``).
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from harness.probe.evidence import Evidence

Metric = float | int | str


class Level(enum.Enum):
    MUST = "MUST"
    SHOULD = "SHOULD"
    INFO = "INFO"


class Outcome(enum.Enum):
    OK = "OK"
    NON_STRICT = "NON-STRICT"
    FAILED = "FAILED"
    INFO = "INFO"
    UNIMPLEMENTED = "UNIMPLEMENTED"
    #: the evidence this check needs is missing because another check failed
    #: (``Result.blocked_by`` names it); never changes the exit status
    BLOCKED = "BLOCKED"


@dataclass(frozen=True, slots=True)
class Verdict:
    """A judge's answer: ok True/False, or None when only measured / not applicable."""

    ok: bool | None
    detail: str
    metrics: Mapping[str, Metric] = field(default_factory=dict)
    unimplemented: bool = False


def passed(detail: str, **metrics: Metric) -> Verdict:
    return Verdict(True, detail, metrics)


def failed(detail: str, **metrics: Metric) -> Verdict:
    return Verdict(False, detail, metrics)


def measured(detail: str, **metrics: Metric) -> Verdict:
    return Verdict(None, detail, metrics)


def unimplemented(detail: str) -> Verdict:
    return Verdict(None, detail, {}, unimplemented=True)


def verdict(ok: bool, good: str, bad: str, **metrics: Metric) -> Verdict:
    return Verdict(ok, good if ok else bad, metrics)


@dataclass(frozen=True, slots=True)
class Context:
    """Facts about the run and the layer that judges need."""

    layer: str
    http2: bool
    #: the per-token latency budget calibrated against the direct-to-mock baseline
    budget_ns: int
    baseline: Mapping[str, float]
    idle_s: float
    heartbeat_s: float
    #: why a layer may be to blame (e.g. nginx buffering), for failure details
    layer_note: str = ""
    #: the response head reaches the client as the proxy sent it (no nginx rewriting it)
    transparent: bool = True
    #: how long the layer itself may hold bytes by design (buffer:BYTES:MS), in ns
    hold_ns: int = 0
    #: the upstream's base URL (the mock), to spot a proxy disclosing it
    upstream_url: str = ""
    #: the response field in which the layer says when it had the proxy's head ("")
    layer_head_field: str = ""
    #: the layer's setting that compresses event streams ("" none: docs/layers.md)
    layer_compresses: str = ""
    #: the Content-Encoding the proxy itself answered Accept-Encoding with ("" none)
    proxy_encoding: str = ""
    #: check id -> the layer's stock setting that breaks it for any proxy
    layer_breaks: Mapping[str, str] = field(default_factory=dict)
    #: check id -> why the layer makes the check impossible to judge
    layer_blinds: Mapping[str, str] = field(default_factory=dict)
    #: the layer ends every response after this many seconds (0: never)
    total_cut_s: float = 0.0


Judge = Callable[[Mapping[str, Evidence], Context], Verdict]


@dataclass(frozen=True, slots=True)
class Check:
    id: str
    level: Level
    requirement: str
    source: str
    probes: tuple[str, ...]
    judge: Judge
    #: only judged where this holds (e.g. HTTP/2-only checks)
    applies: Callable[[Context], bool] = lambda ctx: True


@dataclass(frozen=True, slots=True)
class Result:
    check: str
    layer: str
    level: Level
    outcome: Outcome
    detail: str
    metrics: Mapping[str, Metric]
    requirement: str
    source: str
    #: what to change (FAILED and NON-STRICT only; harness.checks.fixes)
    fix: str = ""
    #: BLOCKED only: the failed check whose failure left this one nothing to judge
    blocked_by: str = ""


def decide(check: Check, found: Verdict) -> Outcome:
    """Map a verdict to an outcome through the check's level.

    A missed MUST is FAILED, a missed SHOULD NON-STRICT; INFO checks only measure.
    """
    if found.unimplemented:
        return Outcome.UNIMPLEMENTED
    if check.level is Level.INFO or found.ok is None:
        return Outcome.INFO
    if found.ok:
        return Outcome.OK
    return Outcome.FAILED if check.level is Level.MUST else Outcome.NON_STRICT
