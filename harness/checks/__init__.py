"""The conformance checks: pure judges of (probe evidence, context) -> verdict.

Ids, levels, requirements and sources follow ../shared/CHECKS.md; ``CATALOGUE`` is the
ordered table of every check, ``select`` filters it by shell-style patterns.
"""

from __future__ import annotations

import fnmatch
from typing import TYPE_CHECKING

from harness.checks import cancel, end, frm, hdr, lat, req
from harness.checks.model import (
    Check,
    Context,
    Evidence,
    Level,
    Outcome,
    Result,
    Verdict,
    decide,
)

if TYPE_CHECKING:
    from collections.abc import Iterable

CATALOGUE: tuple[Check, ...] = (
    hdr.CHECKS + frm.CHECKS + lat.CHECKS + end.CHECKS + cancel.CHECKS + req.CHECKS
)
BY_ID = {check.id: check for check in CATALOGUE}


def select(patterns: Iterable[str]) -> tuple[Check, ...]:
    """Checks whose id matches any of ``patterns`` (fnmatch, case-insensitive)."""
    wanted = [p.upper() for p in patterns]
    if not wanted:
        return CATALOGUE
    return tuple(
        c for c in CATALOGUE if any(fnmatch.fnmatchcase(c.id, p) for p in wanted)
    )


__all__ = [
    "BY_ID",
    "CATALOGUE",
    "Check",
    "Context",
    "Evidence",
    "Level",
    "Outcome",
    "Result",
    "Verdict",
    "decide",
    "select",
]
