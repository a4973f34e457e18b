"""A comparison of two runs as Markdown fit for a pull-request comment (pure):
``sse-harness diff``, and the baseline section of summary.md."""

from __future__ import annotations

from typing import TYPE_CHECKING

from harness.checks.fixes import anchor

if TYPE_CHECKING:
    from harness.gate.diff import Change, Diff


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _changes(title: str, rows: tuple[Change, ...], detail: bool) -> list[str]:
    if not rows:
        return []
    head = "| check | layer | then | now |" + (" detail |" if detail else "")
    rule = "|---|---|---|---|" + ("---|" if detail else "")
    lines = ["", f"### {title} ({len(rows)})", "", head, rule]
    for c in rows:
        lines.append(
            f"| [{c.check}]({anchor(c.check)}) | {c.layer} | {c.then} | {c.now} |"
            + (f" {_cell(c.detail)} |" if detail else "")
        )
    return lines


def to_markdown(diff: Diff, *, old: str, new: str) -> str:
    """The verdict line, then new failures, fixed checks, changed ones and timing
    figures that moved beyond their noise."""
    n = len(diff.new_failures)
    verdict = f"❌ {n} new failure{'s' * (n != 1)}" if n else "✅ no new failure"
    lines = [
        "## sse-harness: changes against the baseline",
        "",
        f"**{verdict}** — `{old}` → `{new}`",
    ]
    lines += _changes("New failures", diff.new_failures, detail=True)
    lines += _changes("Fixed", diff.fixed, detail=False)
    lines += _changes("Changed", diff.changed, detail=True)
    if diff.moves:
        lines += [
            "",
            f"### Timing moved beyond noise ({len(diff.moves)}; reported, never failing)",
            "",
            "| check | layer | figure | then (ms) | now (ms) | noise (ms) |",
            "|---|---|---|---|---|---|",
        ]
        lines += [
            f"| {m.check} | {m.layer} | {m.figure} | {m.then} | {m.now} | ±{m.noise} |"
            for m in diff.moves
        ]
    if not (diff.new_failures or diff.fixed or diff.changed or diff.moves):
        lines += ["", "No check changed; no timing moved beyond its noise."]
    return "\n".join(lines) + "\n"
