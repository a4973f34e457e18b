"""Judge one layer's evidence with the planned checks (pure).

A missing probe makes the check UNIMPLEMENTED with the reason; a judge that raises is
a harness bug and becomes UNIMPLEMENTED too, so it never eats the rest of the report.
Then each check's needs (harness.checks.needs) decide whether its verdict stands, or
whether it is BLOCKED by the check whose failure took its evidence away.

Behind a layer, what the layer did to any proxy is the layer's finding, not the
proxy's (docs/layers.md): a check the layer makes impossible to judge is
UNIMPLEMENTED with the reason; a check its stock setting breaks, or that a response
cut by its total timeout missed, is INFO naming what the layer did.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from harness.checks.fixes import fix_for
from harness.checks.model import (
    Level,
    Outcome,
    Result,
    decide,
    failed,
    measured,
    unimplemented,
)
from harness.checks.needs import needs_of

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from harness.checks.facts import Holds
    from harness.checks.model import Check, Context, Verdict
    from harness.checks.needs import Need
    from harness.probe.evidence import Evidence

MISSED = (Outcome.FAILED, Outcome.NON_STRICT)
#: a response that lasted this close to a layer's total timeout was cut by it
CUT_SLACK_NS = 500_000_000


def _cut(check: Check, evidence: Mapping[str, Evidence], ctx: Context) -> bool:
    """Some probe of ``check`` ran into the layer's total timeout."""
    cut_ns = int(ctx.total_cut_s * 1e9) - CUT_SLACK_NS
    return ctx.total_cut_s > 0 and any(
        evidence[p].obs.end_ns - evidence[p].obs.sent_ns >= cut_ns
        for p in check.probes
        if p in evidence
    )


def _attributed(
    check: Check, found: Verdict, evidence: Mapping[str, Evidence], ctx: Context
) -> Verdict:
    """``found``, or what the layer did to any proxy when that decided it."""
    if check.id in ctx.layer_blinds:
        return unimplemented(f"the {ctx.layer} layer: {ctx.layer_blinds[check.id]}")
    if found.ok is not False:
        return found
    if check.id in ctx.layer_breaks:
        return measured(
            f"the {ctx.layer} layer's stock configuration does this to any proxy's "
            f"stream ({ctx.layer_breaks[check.id]}): {found.detail}",
            **found.metrics,
        )
    if _cut(check, evidence, ctx):
        return measured(
            f"the {ctx.layer} layer ended the response after {ctx.total_cut_s:g} s "
            f"(its total timeout; no proxy behaviour lifts it): {found.detail}",
            **found.metrics,
        )
    return found


def _verdict(
    check: Check, evidence: Mapping[str, Evidence], ctx: Context, missing: list[str]
) -> Verdict:
    if "down" in missing:
        return unimplemented(
            "needs --proxy-cmd (a second instance with a dead upstream)"
        )
    if missing:
        return unimplemented(f"probes not run on this layer: {', '.join(missing)}")
    try:
        found = check.judge(evidence, ctx)
    except Exception as exc:  # a judge bug must not eat the report
        return unimplemented(
            f"harness error while judging: {type(exc).__name__}: {exc}"
        )
    return bounded(check, evidence, found)


def bounded(check: Check, evidence: Mapping[str, Evidence], found: Verdict) -> Verdict:
    """A probe of ``check`` stopped at one of its bounds (harness.client.bounds): a
    finding of the check at its level, with what was seen, whatever else it judged."""
    hit = [
        f"{name}: {evidence[name].obs.extra['bound']}"
        for name in check.probes
        if "bound" in evidence[name].obs.extra
    ]
    if not hit:
        return found
    seen = f"; judged on what came before: {found.detail}" if found.detail else ""
    return failed(f"the target reached a bound ({'; '.join(hit)}){seen}")


def _holds(test: Holds, evidence: Mapping[str, Evidence]) -> bool:
    try:
        return test(evidence)
    except Exception:  # a precondition bug must not eat the report: judge as usual
        return True


@dataclass
class _Layer:
    """The results of one layer, resolved root first (memoised, cycle-safe)."""

    evidence: Mapping[str, Evidence]
    own: dict[str, Result]
    #: checks whose probes did not run here: UNIMPLEMENTED stands, needs or not
    unprobed: set[str]
    done: dict[str, Result]
    busy: set[str]

    def resolve(self, check: str) -> Result:
        if check in self.done:
            return self.done[check]
        self.busy.add(check)
        try:
            found = self._decide(self.own[check])
        finally:
            self.busy.discard(check)
        self.done[check] = found
        return found

    def _decide(self, own: Result) -> Result:
        if own.check in self.unprobed:
            return own
        for need in needs_of(own.check):
            if need.holds is not None and not _holds(need.holds, self.evidence):
                root = self.failed_root(need, own.level)
                if root is None:
                    return replace(
                        own,
                        outcome=Outcome.UNIMPLEMENTED,
                        detail=f"nothing to judge without {need.what}",
                        fix="",
                    )
                return self.blocked(own, root, f"nothing to judge without {need.what}")
            knocked = need.holds is None and own.outcome in MISSED
            if knocked and (need.when is None or _holds(need.when, self.evidence)):
                root = self.failed_root(need, own.level)
                if root is not None:
                    return self.blocked(own, root, f"would report: {own.detail}")
        return own

    def failed_root(self, need: Need, level: Level) -> Result | None:
        """The first of ``need``'s roots that failed (followed to its own root)."""
        allowed = MISSED if level is not Level.MUST else (Outcome.FAILED,)
        for name in need.roots:
            if name not in self.own or name in self.busy:
                continue
            found = self.resolve(name)
            if found.outcome is Outcome.BLOCKED:
                found = self.done.get(found.blocked_by, found)
            if found.outcome in allowed:
                return found
        return None

    @staticmethod
    def blocked(own: Result, root: Result, why: str) -> Result:
        return replace(
            own,
            outcome=Outcome.BLOCKED,
            detail=f"blocked by {root.check} ({root.outcome.value}): {why}",
            fix="",
            blocked_by=root.check,
        )


def judge_layer(
    checks: Iterable[Check], evidence: Mapping[str, Evidence], ctx: Context
) -> list[Result]:
    """The results of ``checks`` that apply on ``ctx.layer``."""
    own: dict[str, Result] = {}
    unprobed: set[str] = set()
    for check in checks:
        if not check.applies(ctx):
            continue
        missing = [p for p in check.probes if p not in evidence]
        if missing:
            unprobed.add(check.id)
        found = _verdict(check, evidence, ctx, missing)
        if not missing:
            found = _attributed(check, found, evidence, ctx)
        outcome = decide(check, found)
        own[check.id] = Result(
            check.id,
            ctx.layer,
            check.level,
            outcome,
            found.detail,
            dict(found.metrics),
            check.requirement,
            check.source,
            fix=fix_for(check.id) if outcome in MISSED else "",
        )
    layer = _Layer(evidence, own, unprobed, {}, set())
    return [layer.resolve(check) for check in own]
