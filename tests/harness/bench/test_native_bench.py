"""The native engine end to end on a small set-up: what each design must show.

Robust bounds, not tight timing: ratios against the generation time measured in the
same run. One bench run (~20 s) shared by the tests of this module.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from harness.cli.bench import main
from tests.tools import require_tool

ROOT = Path(__file__).resolve().parents[3]
PROXY = f"{sys.executable} -m tests.harness.bench.batching_proxy"
BATCHING = f"""
[[design]]
name = "batch250"
cmd = "{PROXY} --port {{port}} --upstream {{upstream}}"
url = "http://127.0.0.1:{{port}}/api/v1/complete"
cwd = "{ROOT}"
sources = ["{ROOT}/tests/harness/bench/batching_proxy.py"]
"""
#: 22 tokens 60 ms apart: a generation of ~1.3 s
TIMING = "fixed:60"
GENERATION_MS = 21 * 60

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def bench(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("bench")
    (tmp / "designs.toml").write_text(BATCHING)
    status = main(
        [
            "--design", "blocking", "--design", "starlette",
            "--designs", str(tmp / "designs.toml"),
            "--concurrency", "1,3", "--timing", TIMING, "--repeat", "1",
            "--report-dir", str(tmp / "out"),
        ]
    )  # fmt: skip
    assert status == 0
    doc = json.loads((tmp / "out" / "bench.json").read_text())
    rows = {(r["design"], r["concurrency"]): r for r in doc["rows"]}
    return doc, rows, tmp / "out"


def test_the_schema(bench):
    doc, rows, out = bench
    assert [d["name"] for d in doc["designs"]] == ["blocking", "starlette", "batch250"]
    assert all(d["loc"] > 0 for d in doc["designs"])
    assert [b["concurrency"] for b in doc["baseline"]] == [1, 3]
    assert set(doc["baseline"][0]["lag_ms"]) == {"p50", "p99"}
    keys = {
        "design", "layer", "concurrency", "engine", "streams", "completed", "errors",
        "stalls", "ttft_ms", "ttft_overhead_ms", "itl_added_ms", "tokens_per_read",
        "bytes_per_token", "streams_through_layer", "proxy_cpu_s_per_stream",
        "proxy_peak_rss_mb",
    }  # fmt: skip
    assert len(rows) == 6
    for row in rows.values():
        assert keys <= set(row)
        assert row["completed"] == row["streams"] == row["concurrency"]
        assert row["proxy_peak_rss_mb"] > 1
    assert "The article's claims, re-measured" in (out / "summary.md").read_text()


def test_blocking_waits_for_the_whole_generation(bench):
    _, rows, _ = bench
    for conc in (1, 3):
        blocking, stream = rows["blocking", conc], rows["starlette", conc]
        why = (conc, blocking["ttft_ms"], stream["ttft_ms"])
        assert blocking["ttft_ms"]["p50"] >= 0.8 * GENERATION_MS, why
        assert stream["ttft_ms"]["p50"] <= 0.25 * blocking["ttft_ms"]["p50"], why
        assert not blocking["streams_through_layer"]
        assert stream["streams_through_layer"]
        assert blocking["tokens_per_read"]["max"] == 22


def test_a_250_ms_timer_shows_as_bursts_and_lag(bench):
    _, rows, _ = bench
    for conc in (1, 3):
        batched, correct = rows["batch250", conc], rows["starlette", conc]
        why = {k: (batched[k], correct[k]) for k in ("tokens_per_read", "itl_added_ms")}
        assert batched["tokens_per_read"]["mean"] > 1.5, why
        assert batched["itl_added_ms"]["p99"] >= 200, why
        assert correct["tokens_per_read"]["mean"] <= 1.2, why
        assert correct["itl_added_ms"]["p99"] < batched["itl_added_ms"]["p99"] / 2, why


def test_the_html_report_renders_offline_in_chromium(bench):
    chromium = require_tool("chromium", "apt-get install chromium")
    from playwright.sync_api import sync_playwright

    _, _, out = bench
    page_html = (out / "report.html").read_text()
    assert "<script src=" not in page_html.replace('<script src="data:', "")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        try:
            page = browser.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.route("http*://**", lambda route: route.abort())  # no network
            page.goto((out / "report.html").as_uri())
            page.wait_for_selector(".js-plotly-plot .main-svg", timeout=30_000)
            assert page.locator(".js-plotly-plot").count() == 4
            assert errors == []
            assert "Time to first token" in page.content()
        finally:
            browser.close()
