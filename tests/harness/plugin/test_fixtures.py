"""The fixtures the plugin offers users' own tests: mock_ollama, proxy_under_test,
probe_evidence."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.targets import PYTHON_PROXY, URL

ROOT = Path(__file__).resolve().parents[3]

pytest_plugins = ["pytester"]

USER_TESTS = """
import json
import urllib.request

from harness.probe.catalog import Probe


def test_mock_ollama_answers_like_ollama_and_records_exchanges(mock_ollama):
    body = json.dumps({"model": "qwen2.5:7b", "prompt": "hi [[mock: req=mine]]"})
    request = urllib.request.Request(
        mock_ollama.base_url + "/api/generate", body.encode(), method="POST"
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.headers["content-type"] == "application/x-ndjson"
        lines = response.read().splitlines()
    assert json.loads(lines[-1])["done"] is True
    assert len(mock_ollama.exchanges("mine")) == 1


def test_proxy_under_test_listens_against_the_mock(proxy_under_test, mock_ollama):
    assert proxy_under_test.alive()
    assert proxy_under_test.url.startswith("http://127.0.0.1:")
    assert str(proxy_under_test.port) in proxy_under_test.url


def test_probe_evidence_by_name(probe_evidence):
    found = probe_evidence("valid")
    assert found.obs.status == 200
    assert found.transcript.text == found.expected.text
    assert len(found.exchanges) == 1 and found.alive_after


def test_probe_evidence_of_an_own_probe(probe_evidence):
    found = probe_evidence(Probe("mine", faults=("status:500",)))
    assert [x.status for x in found.exchanges] == [500]
    assert found.transcript.errors and not found.transcript.text
"""


@pytest.mark.slow
def test_the_three_fixtures_work_in_a_users_tests(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_user=USER_TESTS)
    result = pytester.runpytest_subprocess(
        "-p",
        "no:cacheprovider",
        "--sse-proxy-cmd",
        PYTHON_PROXY,
        "--sse-proxy-url",
        URL,
        "--sse-env",
        f"PYTHONPATH={ROOT}",
        "-v",
        timeout=240,
    )
    result.stdout.fnmatch_lines(
        [
            "*test_mock_ollama_answers_like_ollama_and_records_exchanges PASSED*",
            "*test_proxy_under_test_listens_against_the_mock PASSED*",
            "*test_probe_evidence_by_name PASSED*",
            "*test_probe_evidence_of_an_own_probe PASSED*",
        ]
    )
    result.assert_outcomes(passed=4)
    # the suite's gate never ran: only the fixtures' own processes
    assert "sse-harness conformance" not in result.stdout.str()
