"""What a finished run means for CI: known failures, the comparison with a baseline,
and the exit status they give (docs/ci.md).

``adopt`` is pure; ``conclude`` reads the files the options name (already checked
before the run started) and calls it. Exit status: 1 when a FAILED result (NON-STRICT
too under ``--strict``) is not known; with a baseline, only when such a result is a
regression (it was not failing then); with ``--strict-known``, also when a known
failure is stale. Timing moves are reported, never fail.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from harness.checks.model import Outcome
from harness.gate.diff import Diff, compare
from harness.gate.known import KnownFile, Marked, load, mark
from harness.gate.report_file import load_report

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from harness.checks.model import Result
    from harness.gate.run import RunReport

Key = tuple[str, str]


@dataclass(frozen=True, slots=True)
class Adopted:
    status: int
    marked: Marked | None = None
    diff: Diff | None = None
    #: the baseline as given (``--baseline OLD``)
    baseline: str = ""
    notes: tuple[str, ...] = field(default=())

    @property
    def known(self) -> dict[Key, dict[str, str]]:
        """Each result known to fail: ``{"reason", "link"}`` (for the renderers)."""
        if self.marked is None:
            return {}
        return {
            key: {"reason": k.reason, "link": k.link}
            for key, k in self.marked.marks.items()
        }

    def to_json(self) -> dict[str, Any]:
        """The keys report.json gains: ``known_failures``, ``baseline_diff``."""
        doc: dict[str, Any] = {}
        if self.marked is not None:
            doc["known_failures"] = self.marked.to_json()
        if self.diff is not None:
            doc["baseline_diff"] = {"baseline": self.baseline, **self.diff.to_json()}
        return doc


def as_report(
    results: Sequence[Result], baseline: Mapping[str, float]
) -> dict[str, Any]:
    """The parts of report.json a comparison reads, of a run still in memory."""
    return {
        "results": [
            {
                "check": r.check,
                "layer": r.layer,
                "outcome": r.outcome.value,
                "detail": r.detail,
                "metrics": dict(r.metrics),
            }
            for r in results
        ],
        "baseline": dict(baseline),
    }


def _where(check: str, layer: str | None) -> str:
    return f"{check} [{layer}]" if layer else check


def _notes(marked: Marked | None, diff: Diff | None, baseline: str) -> list[str]:
    out = []
    for k in marked.stale if marked else ():
        out.append(
            f"stale known failure {_where(k.check, k.layer)}: it held this run; "
            f"fixed? remove it from {marked.file if marked else ''}"
        )
    if diff is not None:
        new = ", ".join(
            f"{c.check} [{c.layer}] {c.then} -> {c.now}" for c in diff.new_failures
        )
        out.append(
            f"against the baseline {baseline}: "
            + (f"new failures: {new}" if new else "no new failure")
            + (f"; fixed: {len(diff.fixed)}" if diff.fixed else "")
            + (f"; changed: {len(diff.changed)}" if diff.changed else "")
            + (
                f"; timing moved beyond noise: {len(diff.moves)} figure(s)"
                if diff.moves
                else ""
            )
        )
    return out


def adopt(
    results: Sequence[Result],
    run_baseline: Mapping[str, float],
    *,
    strict: bool = False,
    known: KnownFile | None = None,
    strict_known: bool = False,
    old: Mapping[str, Any] | None = None,
    old_name: str = "",
) -> Adopted:
    """The CI verdict of a finished run's ``results``."""
    marked = mark(known, results) if known is not None else None
    marks = marked.marks if marked else {}
    bad = {Outcome.FAILED, Outcome.NON_STRICT} if strict else {Outcome.FAILED}
    diff = None
    if old is not None:
        diff = compare(old, as_report(results, run_baseline), strict=strict)
        failing = [(c.check, c.layer) for c in diff.new_failures]
    else:
        failing = [(r.check, r.layer) for r in results if r.outcome in bad]
    unknown = [key for key in failing if key not in marks]
    stale = bool(strict_known and marked and marked.stale)
    return Adopted(
        status=1 if unknown or stale else 0,
        marked=marked,
        diff=diff,
        baseline=old_name,
        notes=tuple(_notes(marked, diff, old_name)),
    )


def conclude(found: RunReport, values: Mapping[str, Any]) -> Adopted:
    """``adopt`` with the files the run's options name (``vars(args)`` of ``run``)."""
    known = values.get("known_failures")
    baseline = values.get("baseline")
    return adopt(
        found.results,
        found.baseline,
        strict=bool(values.get("strict")),
        known=load(Path(known)) if known else None,
        strict_known=bool(values.get("strict_known")),
        old=load_report(Path(baseline), "--baseline") if baseline else None,
        old_name=str(baseline or ""),
    )
