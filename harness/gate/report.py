"""Renderers of a run's results (pure): report.json, a Markdown summary, a terminal table.

The JSON schema (also in reports/README.md):
``{"harness": {...}, "target": {...}, "results": [{check, layer, level, outcome,
detail, metrics, requirement, source, fix, blocked_by, doc}], "summary": {OUTCOME: count}}``
plus ``baseline``, ``notes``, ``layers`` and ``logs``; a result known to fail carries
``"known": {"reason", "link"}``, and the run ``known_failures`` and ``baseline_diff``
(harness.gate.adopt, docs/ci.md). ``fix``: what to change
(FAILED and NON-STRICT only); ``doc``: the check's section of docs/checks.md.
``report.html`` (the matrix with every cell's evidence) is rendered by
harness.gate.html from harness.gate.cells.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from harness import __version__
from harness.checks.fixes import anchor
from harness.checks.model import Outcome, Result
from harness.runtime.table import Table

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence


MARK = {
    Outcome.OK: "OK",
    Outcome.NON_STRICT: "NON-STRICT",
    Outcome.FAILED: "FAILED",
    Outcome.INFO: "INFO",
    Outcome.UNIMPLEMENTED: "UNIMPLEMENTED",
    Outcome.BLOCKED: "BLOCKED",
}


def summary(results: Sequence[Result]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for result in results:
        counts[result.outcome.value] = counts.get(result.outcome.value, 0) + 1
    return {o.value: counts[o.value] for o in Outcome if o.value in counts}


def to_json(
    results: Sequence[Result],
    *,
    version: str,
    target: Mapping[str, Any],
    layers: Sequence[str],
    baseline: Mapping[str, float],
    notes: Sequence[str] = (),
    logs: Mapping[str, str] | None = None,
    duration_s: float | None = None,
    exit_status: int | None = None,
    run: Mapping[str, Any] | None = None,
    known: Mapping[tuple[str, str], Mapping[str, str]] | None = None,
    extra: Mapping[str, Any] | None = None,
) -> str:
    """``report.json``; ``run`` is the stamp (start, duration, version, argv);
    ``known`` marks results known to fail (``"known": {"reason", "link"}``);
    ``extra`` adds top-level keys (``known_failures``, ``baseline_diff``)."""
    marks = known or {}
    doc: dict[str, Any] = {
        "harness": {"version": version},
        "target": dict(target),
        "layers": list(layers),
        "results": [
            {
                "check": r.check,
                "layer": r.layer,
                "level": r.level.value,
                "outcome": r.outcome.value,
                "detail": r.detail,
                "metrics": dict(r.metrics),
                "requirement": r.requirement,
                "source": r.source,
                "fix": r.fix,
                "blocked_by": r.blocked_by,
                "doc": anchor(r.check),
                **(
                    {"known": dict(marks[(r.check, r.layer)])}
                    if (r.check, r.layer) in marks
                    else {}
                ),
            }
            for r in results
        ],
        "summary": summary(results),
        "baseline": dict(baseline),
        "notes": list(notes),
    }
    if duration_s is not None:
        doc["duration_s"] = duration_s
    if exit_status is not None:
        doc["exit_status"] = exit_status
    if run:
        doc["run"] = dict(run)
    doc.update(extra or {})
    if logs:
        doc["logs"] = dict(logs)
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def _matrix(
    results: Sequence[Result],
) -> tuple[list[str], list[str], dict[tuple[str, str], Result]]:
    checks: list[str] = []
    layers: list[str] = []
    cell: dict[tuple[str, str], Result] = {}
    for r in results:
        if r.check not in checks:
            checks.append(r.check)
        if r.layer not in layers:
            layers.append(r.layer)
        cell[(r.check, r.layer)] = r
    return checks, layers, cell


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def to_markdown(
    results: Sequence[Result],
    *,
    title: str,
    notes: Sequence[str] = (),
    baseline: Mapping[str, float] | None = None,
    stamp: str = "",
    known: Mapping[tuple[str, str], Mapping[str, str]] | None = None,
) -> str:
    """A summary fit for a CI job summary: verdict line, matrix, then every failure
    with the checks it BLOCKED beneath it;
    ``stamp`` (when, how long, which harness, which command) under the title."""
    counts = summary(results)
    marks = known or {}
    failed = sum(
        r.outcome is Outcome.FAILED and (r.check, r.layer) not in marks for r in results
    )
    verdict = "❌ FAILED" if failed else "✅ passed"
    if marks:
        counts["known"] = len(marks)
    lines = [
        f"# {title}",
        "",
        *((stamp, "") if stamp else ()),
        f"**{verdict}** — " + ", ".join(f"{k}: {v}" for k, v in counts.items()),
        "",
    ]
    checks, layers, cell = _matrix(results)
    rows = []
    for check in checks:
        level = next(r.level.value for (c, _), r in cell.items() if c == check)
        row = [
            MARK[cell[(check, layer)].outcome] if (check, layer) in cell else "-"
            for layer in layers
        ]
        rows.append([check, level, *row])
    lines += Table.of(["check", "level", *layers], rows).markdown_lines()
    problems = [
        (r, blocked)
        for r, blocked in blocked_under(results)
        if r.outcome in (Outcome.FAILED, Outcome.NON_STRICT)
    ]
    if problems:
        lines += ["", "## Findings", ""]
        for r, blocked in problems:
            mark = marks.get((r.check, r.layer))
            lines.append(
                f"- **[{r.check}]({anchor(r.check)})** [{r.layer}] {r.outcome.value}"
                + (f" (known: {_md(mark['reason'])}, {mark['link']})" if mark else "")
                + f": {_md(r.detail)}"
                + (f" **Fix:** {_md(r.fix)}" if r.fix else "")
            )
            if blocked:
                lines.append(
                    "  - BLOCKED by it (nothing of their own to judge): "
                    + ", ".join(b.check for b in blocked)
                )
    if baseline:
        lines += [
            "",
            "Client self-test against the mock: lag p50 "
            f"{baseline.get('lag_p50_ms')} ms, p99 {baseline.get('lag_p99_ms')} ms.",
        ]
    if notes:
        lines += ["", "## Notes", ""] + [f"- {_md(n)}" for n in notes]
    return "\n".join(lines) + "\n"


def blocked_under(results: Sequence[Result]) -> list[tuple[Result, list[Result]]]:
    """Each result that is not BLOCKED, with the results it blocks on its layer."""
    under: dict[tuple[str, str], list[Result]] = {}
    for r in results:
        if r.outcome is Outcome.BLOCKED:
            under.setdefault((r.blocked_by, r.layer), []).append(r)
    return [
        (r, under.get((r.check, r.layer), []))
        for r in results
        if r.outcome is not Outcome.BLOCKED
    ]


def _line(r: Result, width: int, indent: str = "", known: bool = False) -> str:
    shown = "KNOWN" if known else r.outcome.value
    head = f"{indent}{shown:<13} {r.check:<26} {r.layer:<10}"
    room = max(20, width - len(indent))
    detail = r.detail if len(r.detail) <= room else r.detail[: room - 1] + "…"
    return f"{head} {detail}"


def to_terminal(
    results: Sequence[Result],
    *,
    width: int = 100,
    known: Mapping[tuple[str, str], Mapping[str, str]] | None = None,
) -> str:
    """One line per check and layer, failures with their reason; a BLOCKED check is
    shown under the check that blocked it; a known failure as KNOWN, with its reason
    and link beneath."""
    out, marks = [], known or {}
    for r, blocked in blocked_under(results):
        mark = marks.get((r.check, r.layer))
        out.append(_line(r, width, known=mark is not None))
        if mark is not None:
            out.append(f"  known {r.outcome.value}: {mark['reason']} ({mark['link']})")
        out += [_line(b, width, "  └ ") for b in blocked]
    return "\n".join(out)


def error_json(
    target: Mapping[str, Any],
    error: str,
    exit_status: int,
    finished_at: float,
    run: Mapping[str, Any] | None = None,
) -> str:
    """``report.json`` of a run that could not judge anything (exit 2, or Ctrl-C)."""
    doc: dict[str, Any] = {
        "harness": {"version": __version__},
        "target": dict(target),
        "results": [],
        "summary": {},
        "error": error,
        "exit_status": exit_status,
        "finished_at": finished_at,
    }
    if run:
        doc["run"] = dict(run)
    return json.dumps(doc, indent=2) + "\n"
