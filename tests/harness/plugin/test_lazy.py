"""The plugin follows pytest's conventions: collection only builds items, the gate runs
once from a session fixture for the items that survived deselection."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.targets import PYTHON_PROXY, URL

ROOT = Path(__file__).resolve().parents[3]

pytest_plugins = ["pytester"]

#: a conftest for the inner run: every process it starts and every probe it sends is
#: written to spy.log (and with SPY_NO_PROCESS set, starting a process is an error)
SPY = """
import os, subprocess
from pathlib import Path

import harness.gate.run as gate_run
import harness.probe.perform as perform_module

LOG = Path(__file__).with_name("spy.log")
_popen, _perform, _calibrate = subprocess.Popen, perform_module.perform, gate_run.calibrate


class Popen(_popen):
    def __init__(self, args, *rest, **kw):
        with LOG.open("a") as f:
            f.write(f"process {args!r}\\n")
        if os.environ.get("SPY_NO_PROCESS"):
            raise RuntimeError("a process was started")
        super().__init__(args, *rest, **kw)


async def perform(probe, *args, **kw):
    with LOG.open("a") as f:
        f.write(f"probe {probe.name}\\n")
    return await _perform(probe, *args, **kw)


async def calibrate(mock):
    with LOG.open("a") as f:
        f.write("calibrate\\n")
    return await _calibrate(mock)


subprocess.Popen = Popen
perform_module.perform = perform
gate_run.calibrate = calibrate
"""


@pytest.fixture
def suite(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makepyfile(
        test_suite="from harness.suite.test_conformance import test_check\n"
    )
    pytester.makeconftest(SPY)
    return pytester


def spied(pytester: pytest.Pytester) -> list[str]:
    log = pytester.path / "spy.log"
    return log.read_text().splitlines() if log.exists() else []


def test_collect_only_builds_every_item_and_starts_nothing(suite, monkeypatch):
    monkeypatch.setenv("SPY_NO_PROCESS", "1")
    result = suite.runpytest_subprocess(
        "-p",
        "no:cacheprovider",
        "--sse-proxy-cmd",
        PYTHON_PROXY,
        "--sse-proxy-url",
        URL,
        "--sse-layer",
        "direct",
        "--sse-layer",
        "nginx",
        "--collect-only",
        "-q",
        timeout=120,
    )
    assert result.ret == 0, result.stdout.str()
    from harness.checks import CATALOGUE

    result.stdout.fnmatch_lines(
        [
            "*test_check?HDR-STATUS-200-direct?",
            "*test_check?IDLE-HEARTBEAT-nginx?",
            f"{2 * len(CATALOGUE)} tests collected*",
        ]
    )
    assert spied(suite) == []


@pytest.mark.slow
def test_k_runs_only_the_probes_of_the_surviving_item(suite, tmp_path):
    reports = tmp_path / "reports"
    result = suite.runpytest_subprocess(
        "-p",
        "no:cacheprovider",
        "--sse-proxy-cmd",
        PYTHON_PROXY,
        "--sse-proxy-url",
        URL,
        "--sse-env",
        f"PYTHONPATH={ROOT}",
        "--sse-report-dir",
        str(reports),
        "--sse-layer",
        "direct",
        "--sse-layer",
        "nginx",
        "-k",
        "HDR-STATUS-200-direct or REQ-METHOD",
        "--deselect",
        "test_suite.py::test_check[REQ-METHOD-direct]",
        "--deselect",
        "test_suite.py::test_check[REQ-METHOD-nginx]",
        timeout=240,
    )
    result.assert_outcomes(passed=1)
    probes = [line for line in spied(suite) if not line.startswith("process")]
    # one probe, no idle probe, no client self-test (no LAT check survived)
    assert probes == ["probe valid"]
    assert not [line for line in spied(suite) if "nginx" in line]
    doc = json.loads((reports / "report.json").read_text())
    assert [(r["check"], r["layer"]) for r in doc["results"]] == [
        ("HDR-STATUS-200", "direct")
    ]
    assert doc["layers"] == ["direct"]  # the nginx items were deselected: no nginx


@pytest.mark.slow
def test_last_failed_reruns_only_the_failed_items_probes(suite):
    args = (
        "--sse-proxy-cmd",
        f"{PYTHON_PROXY} --defect no-415",
        "--sse-proxy-url",
        URL,
        "--sse-env",
        f"PYTHONPATH={ROOT}",
        "--sse-select",
        "HDR-STATUS-200,REQ-415-WRONG-TYPE",
    )
    first = suite.runpytest_subprocess(*args, timeout=240)
    first.assert_outcomes(passed=1, failed=1)
    (suite.path / "spy.log").unlink()
    again = suite.runpytest_subprocess(*args, "--lf", timeout=240)
    again.assert_outcomes(failed=1)
    probes = [line for line in spied(suite) if not line.startswith("process")]
    # the failed item's probe, and the one of HDR-STATUS-200, which it may be
    # blocked by (harness.checks.needs): nothing else of the suite
    assert sorted(probes) == ["probe valid", "probe wrong-type"]
