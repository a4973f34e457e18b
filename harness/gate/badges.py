"""Badges of a run (pure): shields.io endpoint objects, ``badge.json`` for the whole
run and ``badge-FAMILY.json`` per check family (HDR, FRM, LAT, END, CANCEL, REQ, IDLE).

The endpoint schema (https://shields.io/badges/endpoint-badge):
``{"schemaVersion": 1, "label": str, "message": str, "color": str}``.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from harness.checks import CATALOGUE
from harness.checks.model import Outcome

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from harness.checks.model import Result

#: the check families, in catalogue order (the id's first word)
FAMILIES = tuple(dict.fromkeys(c.id.split("-", 1)[0] for c in CATALOGUE))
NAMES = ("badge.json", *(f"badge-{family}.json" for family in FAMILIES))
LABEL = "sse-harness"


def badge(
    results: Sequence[Result],
    label: str,
    known: Mapping[tuple[str, str], object] | None = None,
) -> dict[str, object]:
    """One endpoint object: red with the failures not known, yellow with NON-STRICT
    ones, else green ("passing", and how many are known); grey when nothing ran."""
    marks = known or {}
    counts = {o: 0 for o in Outcome}
    held = 0
    for r in results:
        if (r.check, r.layer) in marks:
            held += 1
        else:
            counts[r.outcome] += 1
    extra = f", {held} known" if held else ""
    if not results:
        message, color = "not run", "lightgrey"
    elif counts[Outcome.FAILED]:
        message, color = f"{counts[Outcome.FAILED]} failed{extra}", "red"
    elif counts[Outcome.NON_STRICT]:
        message, color = f"{counts[Outcome.NON_STRICT]} non-strict{extra}", "yellow"
    else:
        message, color = f"passing{extra}", "green"
    return {"schemaVersion": 1, "label": label, "message": message, "color": color}


def documents(
    results: Sequence[Result], known: Mapping[tuple[str, str], object] | None = None
) -> dict[str, str]:
    """Every badge file by name (NAMES)."""
    files = {"badge.json": badge(results, LABEL, known)}
    for family in FAMILIES:
        mine = [r for r in results if r.check.split("-", 1)[0] == family]
        files[f"badge-{family}.json"] = badge(mine, f"{LABEL} {family}", known)
    return {name: json.dumps(doc) + "\n" for name, doc in files.items()}
