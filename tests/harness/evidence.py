"""Judge-test tables: one ``pytest.param`` row per case (evidence in, outcome and a
detail fragment out); the evidence builders are the public ``harness.testing.evidence``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from harness.checks.model import Outcome
from harness.testing.evidence import (
    DONE,
    JSON,
    MS,
    SSE,
    T0,
    TOKENS,
    context,
    evidence,
    exchange,
    judged,
    observation,
    raw,
    sse_stream,
    sse_token,
    streamed,
)

if TYPE_CHECKING:
    from collections.abc import Mapping

    from harness.checks.model import Check, Context
    from harness.probe.evidence import Evidence

__all__ = [
    "DONE",
    "JSON",
    "MS",
    "ROW_NAMES",
    "SSE",
    "T0",
    "TOKENS",
    "assert_covered",
    "assert_row",
    "context",
    "evidence",
    "exchange",
    "judged",
    "observation",
    "raw",
    "row",
    "sse_stream",
    "sse_token",
    "streamed",
]


def row(
    check_id: str,
    ev: Mapping[str, Evidence],
    outcome: Outcome,
    fragment: str,
    *,
    ctx: Context | None = None,
    id: str,
    marks: Any = (),
) -> Any:
    """One table row of a judge test: evidence in, outcome and a detail fragment out."""
    return pytest.param(check_id, ev, ctx, outcome, fragment, id=id, marks=marks)


ROW_NAMES = ("check_id", "ev", "ctx", "outcome", "fragment")


def assert_row(
    check_id: str,
    ev: Mapping[str, Evidence],
    ctx: Context | None,
    outcome: Outcome,
    fragment: str,
) -> None:
    got, detail = judged(check_id, ev, ctx)
    assert got is outcome, f"{check_id}: {got.value}: {detail}"
    assert fragment in detail, f"{check_id}: {fragment!r} not in {detail!r}"


def assert_covered(rows: list[Any], checks: tuple[Check, ...]) -> None:
    """Every check has an OK row and a row for something else."""
    seen: dict[str, set[Outcome]] = {}
    for param in rows:
        check_id, _, _, outcome, _ = param.values
        seen.setdefault(check_id, set()).add(outcome)
    for check in checks:
        outcomes = seen.get(check.id, set())
        assert Outcome.OK in outcomes, f"{check.id} has no passing row"
        assert outcomes - {Outcome.OK}, f"{check.id} has no failing row"
