"""JUnit XML and shields.io badges of a run (harness.gate.junit, harness.gate.badges)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

from harness.checks import CATALOGUE
from harness.checks.model import Level, Outcome, Result
from harness.gate.badges import FAMILIES, NAMES, badge, documents
from harness.gate.junit import to_junit


def result(check: str, outcome: Outcome, layer: str = "direct") -> Result:
    return Result(
        check, layer, Level.MUST, outcome, f"{check} said so", {}, "r", "s", "fix it"
    )


RESULTS = [
    result("HDR-STATUS-200", Outcome.OK),
    result("HDR-CACHE", Outcome.NON_STRICT),
    result("LAT-FIRST-TOKEN", Outcome.FAILED),
    result("LAT-NO-BATCHING", Outcome.BLOCKED),
    result("IDLE-HEARTBEAT-INVISIBLE", Outcome.UNIMPLEMENTED),
    result("END-DONE", Outcome.FAILED, "nginx"),
]
KNOWN = {("END-DONE", "nginx"): {"reason": "nginx 1.18 on the old host", "link": "#9"}}


def test_junit_has_the_plugins_cases_and_verdicts() -> None:
    root = ET.fromstring(to_junit(RESULTS, known=KNOWN, duration_s=1.5))
    (suite,) = root.findall("testsuite")
    cases = {c.get("name"): c for c in suite.findall("testcase")}
    assert list(cases) == [f"test_check[{r.check}-{r.layer}]" for r in RESULTS]
    assert {c.get("classname") for c in cases.values()} == {
        "harness.suite.test_conformance"
    }
    failed = cases["test_check[LAT-FIRST-TOKEN-direct]"].find("failure")
    assert failed is not None and "Fix: fix it" in (failed.text or "")
    known = cases["test_check[END-DONE-nginx]"].find("skipped")
    assert known is not None and known.get("type") == "known"
    assert "nginx 1.18 on the old host (#9)" in (known.get("message") or "")
    assert cases["test_check[HDR-CACHE-direct]"].find("failure") is None
    assert (suite.get("tests"), suite.get("failures"), suite.get("skipped")) == (
        "6",
        "1",
        "3",
    )
    strict = ET.fromstring(to_junit(RESULTS, strict=True)).find("testsuite")
    assert strict is not None and strict.get("failures") == "3"


def test_one_badge_per_family_in_the_shields_endpoint_schema() -> None:
    files = documents(RESULTS, KNOWN)
    assert tuple(files) == NAMES
    assert tuple(dict.fromkeys(c.id.split("-")[0] for c in CATALOGUE)) == FAMILIES
    docs = {name: json.loads(text) for name, text in files.items()}
    assert all(
        set(d) == {"schemaVersion", "label", "message", "color"} for d in docs.values()
    )
    assert docs["badge.json"] == {
        "schemaVersion": 1,
        "label": "sse-harness",
        "message": "1 failed, 1 known",
        "color": "red",
    }
    assert docs["badge-HDR.json"]["message"] == "1 non-strict"
    assert docs["badge-END.json"]["message"] == "passing, 1 known"
    assert docs["badge-REQ.json"] == {
        "schemaVersion": 1,
        "label": "sse-harness REQ",
        "message": "not run",
        "color": "lightgrey",
    }
    assert badge([result("HDR-CACHE", Outcome.OK)], "x")["color"] == "green"
