"""Every check has a fix and a how-to on each stack; results and reports carry them."""

from __future__ import annotations

import json

from harness.checks import BY_ID, CATALOGUE
from harness.checks.doc import render_markdown
from harness.checks.fixes import FIXES, anchor
from harness.checks.howto import HOWTO, STACKS
from harness.checks.model import Level, Outcome, Result
from harness.gate.judge import judge_layer
from harness.gate.report import to_json, to_markdown
from tests.harness.evidence import context, streamed


def test_every_check_has_a_fix_with_a_known_topic():
    assert set(FIXES) == {c.id for c in CATALOGUE}
    assert all(f.what and f.topic in HOWTO for f in FIXES.values())
    assert all(len(lines) == len(STACKS) and all(lines) for lines in HOWTO.values())


def test_docs_show_the_fix_and_every_stack_under_the_checks_heading():
    text = render_markdown([BY_ID["HDR-CONTENT-TYPE"]])
    assert "## HDR-CONTENT-TYPE" in text and "- **Fix:** " in text
    assert all(f"*{stack}:*" in text for stack in STACKS)


def test_a_failed_result_carries_its_fix_an_ok_one_none():
    ndjson = (("content-type", "application/x-ndjson"),)
    checks = [BY_ID["HDR-CONTENT-TYPE"], BY_ID["HDR-STATUS-200"]]
    results = judge_layer(
        checks, {"valid": streamed("valid", headers=ndjson)}, context()
    )
    by_id = {r.check: r for r in results}
    assert by_id["HDR-CONTENT-TYPE"].outcome is Outcome.FAILED
    assert by_id["HDR-CONTENT-TYPE"].fix == FIXES["HDR-CONTENT-TYPE"].what
    assert by_id["HDR-STATUS-200"].outcome is Outcome.OK
    assert by_id["HDR-STATUS-200"].fix == ""


def test_reports_carry_the_fix_and_link_to_the_section():
    r = Result(
        "HDR-ACCEL",
        "direct",
        Level.SHOULD,
        Outcome.NON_STRICT,
        "d",
        {},
        "q",
        "s",
        fix="Send it.",
    )
    doc = json.loads(
        to_json([r], version="0", target={}, layers=["direct"], baseline={})
    )
    assert doc["results"][0]["fix"] == "Send it."
    assert doc["results"][0]["doc"] == "docs/checks.md#hdr-accel" == anchor("HDR-ACCEL")
    summary = to_markdown([r], title="t")
    assert "[HDR-ACCEL](docs/checks.md#hdr-accel)" in summary
    assert "**Fix:** Send it." in summary
