"""proxies/README.md's defect table is DEFECTS rendered, and DEFECTS names real checks."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from harness.checks import BY_ID
from harness.checks.model import Level
from proxies.starlette_proxy.defects import DEFECTS, markdown_table

README = Path(__file__).resolve().parents[2] / "proxies" / "README.md"
GENERATED = re.compile(
    r"<!-- generated from DEFECTS[^>]*-->\n(.*?)<!-- end of generated table -->",
    re.DOTALL,
)
#: the outcome a missed check gets at its level (harness.checks.model.decide)
MISSED = {Level.MUST: "FAILED", Level.SHOULD: "NON-STRICT"}


def test_readme_table_is_rendered_from_defects():
    found = GENERATED.search(README.read_text(encoding="utf-8"))
    assert found, "proxies/README.md lost its generated-table markers"
    assert found.group(1) == markdown_table(), (
        "proxies/README.md's defect table differs from DEFECTS; paste this between "
        "the markers:\n" + markdown_table()
    )


@pytest.mark.parametrize("defect", sorted(DEFECTS))
def test_each_listed_outcome_is_what_the_gate_reports_for_a_miss(defect):
    for check, outcome in DEFECTS[defect].fails:
        assert check in BY_ID, f"{defect}: no check {check}"
        assert outcome == MISSED.get(BY_ID[check].level), f"{defect}: {check} {outcome}"
    failed = {check for check, _ in DEFECTS[defect].fails}
    for check, root in DEFECTS[defect].blocked:
        assert check in BY_ID and check not in failed, f"{defect}: {check}"
        assert root in failed, (
            f"{defect}: {check} blocked by {root}, which it does not fail"
        )
