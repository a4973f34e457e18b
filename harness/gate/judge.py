"""Judge one layer's evidence with the planned checks (pure).

A missing probe makes the check UNIMPLEMENTED with the reason; a judge that raises is
a harness bug and becomes UNIMPLEMENTED too, so it never eats the rest of the report.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from harness.checks.fixes import fix_for
from harness.checks.model import Outcome, Result, decide, unimplemented

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from harness.checks.model import Check, Context, Evidence, Verdict


def _verdict(check: Check, evidence: Mapping[str, Evidence], ctx: Context) -> Verdict:
    missing = [p for p in check.probes if p not in evidence]
    if "down" in missing:
        return unimplemented(
            "needs --proxy-cmd (a second instance with a dead upstream)"
        )
    if missing:
        return unimplemented(f"probes not run on this layer: {', '.join(missing)}")
    try:
        return check.judge(evidence, ctx)
    except Exception as exc:  # a judge bug must not eat the report
        return unimplemented(
            f"harness error while judging: {type(exc).__name__}: {exc}"
        )


def judge_layer(
    checks: Iterable[Check], evidence: Mapping[str, Evidence], ctx: Context
) -> list[Result]:
    """The results of ``checks`` that apply on ``ctx.layer``."""
    results = []
    for check in checks:
        if not check.applies(ctx):
            continue
        found = _verdict(check, evidence, ctx)
        outcome = decide(check, found)
        missed = outcome in (Outcome.FAILED, Outcome.NON_STRICT)
        results.append(
            Result(
                check.id,
                ctx.layer,
                check.level,
                outcome,
                found.detail,
                dict(found.metrics),
                check.requirement,
                check.source,
                fix=fix_for(check.id) if missed else "",
            )
        )
    return results
