"""The pytest plugin: the suite as items, options and ini keys, verdicts, reports."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.targets import PYTHON_PROXY, URL

ROOT = Path(__file__).resolve().parents[3]

pytest_plugins = ["pytester"]


@pytest.fixture
def suite(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makepyfile(
        test_suite="from harness.suite.test_conformance import test_check\n"
    )
    return pytester


def run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    return pytester.runpytest_subprocess(
        "-p", "no:cacheprovider", "--sse-proxy-url", URL, *args, timeout=240
    )


@pytest.mark.slow
def test_suite_items_pass_for_a_correct_proxy_and_junit_is_written(suite, tmp_path):
    junit = tmp_path / "junit.xml"
    report_dir = tmp_path / "reports"
    result = run(
        suite,
        "--sse-proxy-cmd",
        PYTHON_PROXY,
        "--sse-env",
        f"PYTHONPATH={ROOT}",
        "--sse-select",
        "HDR-STATUS-200,FRM-TOKEN-MAPPING",
        "--sse-select",
        "REQ-METHOD",
        f"--junitxml={junit}",
        "--sse-report-dir",
        str(report_dir),
        "-v",
    )
    result.assert_outcomes(passed=3)
    result.stdout.fnmatch_lines(
        ["*test_check?HDR-STATUS-200-direct?*PASSED*", "*sse-harness conformance*"]
    )
    assert "HDR-STATUS-200-direct" in junit.read_text()
    assert (report_dir / "report.json").is_file() and (
        report_dir / "summary.md"
    ).is_file()
    assert "REQ-METHOD" in (report_dir / "report.html").read_text()


@pytest.mark.slow
def test_a_defect_fails_its_item_with_the_reason(suite):
    result = run(
        suite,
        "--sse-proxy-cmd",
        f"{PYTHON_PROXY} --defect no-415",
        "--sse-env",
        f"PYTHONPATH={ROOT}",
        "--sse-select",
        "REQ-415-*",
        "-rs",
    )
    # the knock-ons are skipped as BLOCKED (JUnit: skipped, with the reason)
    result.assert_outcomes(failed=1, skipped=2)
    result.stdout.fnmatch_lines(
        [
            "*FAILED REQ-415-WRONG-TYPE ?direct?: Content-Type: text/plain got*",
            "*BLOCKED: blocked by REQ-415-WRONG-TYPE (FAILED)*",
        ]
    )
    # deselect the root: the BLOCKED item carries its failure instead of passing
    alone = run(
        suite,
        "--sse-proxy-cmd",
        f"{PYTHON_PROXY} --defect no-415",
        "--sse-env",
        f"PYTHONPATH={ROOT}",
        "-k",
        "ACCEPT-POST",
    )
    alone.assert_outcomes(failed=1)
    alone.stdout.fnmatch_lines(
        [
            "*BLOCKED by REQ-415-WRONG-TYPE, not selected in this session, which is FAILED*"
        ]
    )


@pytest.mark.slow
def test_options_come_from_the_ini_file_and_non_strict_needs_sse_strict(suite):
    suite.makeini(
        f"""
        [pytest]
        sse_proxy_cmd = {PYTHON_PROXY} --defect no-accel
        sse_proxy_url = {URL}
        sse_env = PYTHONPATH={ROOT}
        sse_select = HDR-ACCEL
        """
    )
    lenient = suite.runpytest_subprocess("-p", "no:cacheprovider", timeout=240)
    lenient.assert_outcomes(passed=1)
    strict = suite.runpytest_subprocess(
        "-p", "no:cacheprovider", "--sse-strict", timeout=240
    )
    strict.assert_outcomes(failed=1)


def test_a_proxy_that_never_starts_fails_the_items_with_one_clear_reason(
    suite, tmp_path
):
    reports = tmp_path / "reports"
    reports.mkdir()
    (reports / "summary.md").write_text("an earlier run\n")
    (reports / "report.html").write_text("an earlier run\n")
    result = run(
        suite,
        "--sse-report-dir",
        str(reports),
        "--sse-proxy-cmd",
        f"{sys.executable} -c 'import sys; sys.exit(3)'",
        "--sse-select",
        "HDR-STATUS-200",
        "--sse-startup-timeout",
        "10",
    )
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        ["*the gate could not run: proxy exited with status 3*"]
    )
    import json

    doc = json.loads((reports / "report.json").read_text())
    assert doc["exit_status"] == 2 and "status 3" in doc["error"]
    assert doc["run"]["argv"][0] == "pytest"
    assert not (reports / "summary.md").exists()  # this run's files only
    assert not (reports / "report.html").exists()


def test_the_plugin_stays_out_of_ordinary_test_runs(pytester):
    pytester.makepyfile(test_plain="def test_one():\n    assert True\n")
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
    assert "sse-harness conformance" not in result.stdout.str()
    assert "mock" not in result.stdout.str()


def test_a_bad_option_is_one_usage_error_naming_the_plugin_option(suite):
    result = run(suite, "--sse-proxy-cmd", PYTHON_PROXY, "--sse-layer", "squid")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["ERROR: --sse-layer: unknown layer 'squid'*"])
    assert "Traceback" not in result.stdout.str() + result.stderr.str()
    assert "passed" not in result.stdout.str() and "failed" not in result.stdout.str()


def test_a_bad_ini_option_is_one_usage_error_once_the_suite_is_collected(suite):
    suite.makeini("[pytest]\nsse_layers = squid\n")
    result = suite.runpytest_inprocess("-p", "no:cacheprovider")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["ERROR: --sse-layer: unknown layer 'squid'*"])
    suite.makepyfile(test_suite="def test_plain():\n    assert True\n")
    plain = suite.runpytest_inprocess("-p", "no:cacheprovider")
    plain.assert_outcomes(passed=1)  # no suite items: the sse options are not read


def test_a_report_dir_that_is_a_file_is_a_usage_error_before_anything_runs(
    suite, tmp_path
):
    (tmp_path / "file").write_text("not a directory")
    result = run(suite, "--sse-report-dir", str(tmp_path / "file" / "sub"))
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["ERROR: --sse-report-dir *: is under a file*"])
    assert "INTERNALERROR" not in result.stdout.str() + result.stderr.str()


def test_options_are_prefixed_and_each_is_an_ini_key(pytester):
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "--help")
    out = result.stdout.str()
    from harness.gate.options import PLUGIN_OPTIONS

    for option in PLUGIN_OPTIONS:
        assert option.flag in out and f"{option.ini} (" in out, option.name
    assert "\n  --layer" not in out and "\n  --proxy-cmd" not in out
