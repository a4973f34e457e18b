"""The cells of report.html (pure): a run's results and evidence as plain records.

Each cell opens what was sent, the status and headers received, an excerpt of the raw
bytes, the detail and the fix, and for timed probes a timeline (mock write time vs
client arrival per token). A cell is one check on one layer; it shows the evidence
of the probes that check names (``Check.probes``) on that layer. harness.gate.html
renders these records; nothing here knows HTML.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from harness.checks import BY_ID
from harness.checks.common import MS, lags
from harness.checks.fixes import anchor
from harness.checks.model import Outcome

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from harness.checks.model import Result
    from harness.probe.evidence import Evidence

__all__ = ["Page", "Point", "ReportCell", "Shown", "cells_of", "page", "shown"]

#: how much of the response body a cell keeps (the first bytes, as received)
BODY_EXCERPT = 2048
#: how much of the request body a cell keeps
REQUEST_EXCERPT = 512
#: probes whose cells draw the timeline: the token-latency probes
TIMED = frozenset({"lat", "sizes"})


@dataclass(frozen=True, slots=True)
class Point:
    """One upstream token: when the mock wrote it, when the client had it (ms after
    the request was sent)."""

    index: int
    written_ms: float
    arrived_ms: float


@dataclass(frozen=True, slots=True)
class Shown:
    """One probe's evidence as a cell shows it."""

    probe: str
    method: str
    url: str
    request_headers: tuple[tuple[str, str], ...]
    request_body: bytes
    request_size: int
    http_version: str
    status: int | None
    headers: tuple[tuple[str, str], ...]
    #: the first BODY_EXCERPT bytes of the body (after transfer/content decoding)
    body: bytes
    body_size: int
    reads: int
    #: the content coding the client undid ("" when none; "!br" when it could not)
    coding: str
    end: str
    error: str
    #: what the mock saw of this probe, in one line
    upstream: str
    note: str
    #: TIMED probes only: one point per token timed (harness.checks.common.lags)
    timeline: tuple[Point, ...] = ()
    #: TIMED probes only: how many tokens upstream sent
    tokens: int = 0


@dataclass(frozen=True, slots=True)
class ReportCell:
    check: str
    layer: str
    level: str
    outcome: Outcome
    detail: str
    requirement: str
    source: str
    fix: str
    doc: str
    metrics: tuple[tuple[str, str], ...]
    #: BLOCKED only: the failed check this one waits on (same layer)
    blocked_by: str
    #: the checks on this layer BLOCKED by this one's failure
    blocks: tuple[str, ...]
    evidence: tuple[Shown, ...]
    #: a known failure (harness.gate.known): its reason and link
    known: tuple[str, str] | None = None


@dataclass(frozen=True, slots=True)
class Page:
    """Everything report.html shows."""

    title: str
    stamp: str
    target: str
    layers: tuple[str, ...]
    #: the matrix rows, in report order
    checks: tuple[str, ...]
    cells: tuple[ReportCell, ...]
    summary: Mapping[str, int]
    baseline: Mapping[str, float]
    notes: tuple[str, ...] = ()
    logs: Mapping[str, str] | None = None

    def cell(self, check: str, layer: str) -> ReportCell | None:
        return next(
            (c for c in self.cells if c.check == check and c.layer == layer), None
        )


def _upstream(ev: Evidence) -> str:
    if not ev.exchanges:
        seen = f"{ev.unmarked} unmarked request(s)" if ev.unmarked else "no request"
        return f"the mock saw {seen} for this probe"
    last = ev.exchanges[-1]
    count = f" ({len(ev.exchanges)} requests)" if len(ev.exchanges) > 1 else ""
    return (
        f"the mock saw {last.method} {last.path}{count}, answered {last.status}, "
        f"wrote {len(last.writes)} times, ended {last.end or '?'}"
    )


def _timeline(ev: Evidence) -> tuple[Point, ...]:
    origin = ev.obs.sent_ns
    return tuple(
        Point(
            lag.index,
            round((lag.written_ns - origin) / MS, 3),
            round((lag.arrived_ns - origin) / MS, 3),
        )
        for lag in lags(ev)
    )


def shown(ev: Evidence) -> Shown:
    """One probe's evidence, cut to what a cell shows."""
    obs, request = ev.obs, ev.obs.request
    body = obs.body
    timed = ev.probe.name in TIMED
    return Shown(
        probe=ev.probe.name,
        method=request.method,
        url=request.url,
        request_headers=request.headers,
        request_body=request.body[:REQUEST_EXCERPT],
        request_size=len(request.body),
        http_version=obs.http_version,
        status=obs.status,
        headers=obs.headers,
        body=body[:BODY_EXCERPT],
        body_size=len(body),
        reads=len(obs.chunks),
        coding=obs.content_coding,
        end=obs.end.value,
        error=obs.error,
        upstream=_upstream(ev),
        note=ev.note,
        timeline=_timeline(ev) if timed else (),
        tokens=len(ev.expected.tokens) if timed else 0,
    )


def cells_of(
    results: Sequence[Result],
    evidence: Mapping[str, Mapping[str, Evidence]],
    known: Mapping[tuple[str, str], Mapping[str, str]] | None = None,
) -> tuple[ReportCell, ...]:
    """One ReportCell per result, with the evidence of the check's probes on its layer
    (each probe's evidence cut once per layer)."""
    cut: dict[tuple[str, str], Shown] = {}

    def of(layer: str, probe: str) -> Shown | None:
        ev = evidence.get(layer, {}).get(probe)
        if ev is None:
            return None
        if (layer, probe) not in cut:
            cut[(layer, probe)] = shown(ev)
        return cut[(layer, probe)]

    blocks: dict[tuple[str, str], list[str]] = {}
    for r in results:
        if r.outcome is Outcome.BLOCKED and r.blocked_by:
            blocks.setdefault((r.blocked_by, r.layer), []).append(r.check)
    found = []
    for r in results:
        check = BY_ID.get(r.check)
        probes = check.probes if check else ()
        seen = (of(r.layer, p) for p in probes)
        found.append(
            ReportCell(
                check=r.check,
                layer=r.layer,
                level=r.level.value,
                outcome=r.outcome,
                detail=r.detail,
                requirement=r.requirement,
                source=r.source,
                fix=r.fix,
                doc=anchor(r.check),
                metrics=tuple((k, str(v)) for k, v in r.metrics.items()),
                blocked_by=r.blocked_by,
                blocks=tuple(blocks.get((r.check, r.layer), ())),
                evidence=tuple(s for s in seen if s is not None),
                known=_known((known or {}).get((r.check, r.layer))),
            )
        )
    return tuple(found)


def _known(mark: Mapping[str, str] | None) -> tuple[str, str] | None:
    return (mark["reason"], mark["link"]) if mark else None


def rows(results: Sequence[Result]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The matrix's checks and layers, each in the order the results first name it."""
    checks: dict[str, None] = {}
    layers: dict[str, None] = {}
    for r in results:
        checks.setdefault(r.check)
        layers.setdefault(r.layer)
    return tuple(checks), tuple(layers)


def page(
    results: Sequence[Result],
    evidence: Mapping[str, Mapping[str, Evidence]],
    *,
    title: str,
    target: str,
    stamp: str = "",
    baseline: Mapping[str, float] | None = None,
    notes: Sequence[str] = (),
    logs: Mapping[str, str] | None = None,
    known: Mapping[tuple[str, str], Mapping[str, str]] | None = None,
) -> Page:
    """Everything report.html shows of a run."""
    checks, layers = rows(results)
    counts: dict[str, int] = {}
    for r in results:
        counts[r.outcome.value] = counts.get(r.outcome.value, 0) + 1
    return Page(
        title=title,
        stamp=stamp,
        target=target,
        layers=layers,
        checks=checks,
        cells=cells_of(results, evidence, known),
        summary={o.value: counts[o.value] for o in Outcome if o.value in counts},
        baseline=dict(baseline or {}),
        notes=tuple(notes),
        logs=dict(logs) if logs else None,
    )
