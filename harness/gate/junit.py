"""A run as JUnit XML (pure): ``sse-harness run --junit FILE``.

The same cases as the pytest plugin's items (harness.pytest_plugin): one testcase per
check and layer, named ``test_check[CHECK-LAYER]`` in ``harness.suite.test_conformance``.
FAILED (NON-STRICT too under ``--strict``) is a ``<failure>``; UNIMPLEMENTED and
BLOCKED are ``<skipped>``, as the plugin skips them; a known failure
(harness.gate.known) is ``<skipped type="known">`` with its reason and link, like an
xfail.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import TYPE_CHECKING

from harness.checks.model import Outcome

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from harness.checks.model import Result

SUITE = "harness.suite.test_conformance"
SKIPPED = frozenset({Outcome.UNIMPLEMENTED, Outcome.BLOCKED})


def case_name(check: str, layer: str) -> str:
    return f"test_check[{check}-{layer}]"


def _case(
    r: Result, strict: bool, known: Mapping[str, str] | None
) -> tuple[ET.Element, str]:
    """The testcase and what it counts as: "", "failure" or "skipped"."""
    case = ET.Element("testcase", classname=SUITE, name=case_name(r.check, r.layer))
    line = f"{r.outcome.value} {r.check} [{r.layer}]: {r.detail}"
    failing = r.outcome is Outcome.FAILED or (
        strict and r.outcome is Outcome.NON_STRICT
    )
    if failing and known is not None:
        note = f"known failure: {known['reason']} ({known['link']}); {line}"
        ET.SubElement(case, "skipped", type="known", message=note)
        return case, "skipped"
    if failing:
        failure = ET.SubElement(case, "failure", message=line, type=r.outcome.value)
        failure.text = line + (f"\nFix: {r.fix}" if r.fix else "")
        return case, "failure"
    if r.outcome in SKIPPED:
        ET.SubElement(case, "skipped", message=line)
        return case, "skipped"
    return case, ""


def to_junit(
    results: Sequence[Result],
    *,
    strict: bool = False,
    known: Mapping[tuple[str, str], Mapping[str, str]] | None = None,
    duration_s: float = 0.0,
) -> str:
    """The JUnit XML document of ``results``."""
    marks = known or {}
    counts = {"failure": 0, "skipped": 0, "": 0}
    cases = []
    for r in results:
        case, kind = _case(r, strict, marks.get((r.check, r.layer)))
        counts[kind] += 1
        cases.append(case)
    attrs = {
        "name": SUITE,
        "tests": str(len(cases)),
        "failures": str(counts["failure"]),
        "errors": "0",
        "skipped": str(counts["skipped"]),
        "time": f"{duration_s:.3f}",
    }
    root = ET.Element("testsuites", {**attrs, "name": "sse-harness"})
    suite = ET.SubElement(root, "testsuite", attrs)
    suite.extend(cases)
    ET.indent(root)
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        + ET.tostring(root, encoding="unicode")
        + "\n"
    )
