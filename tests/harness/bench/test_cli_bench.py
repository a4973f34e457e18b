"""``sse-harness bench`` usage errors: one line, exit status 2, nothing started."""

from __future__ import annotations

import json

import pytest

from harness.cli.main import main


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["bench"], "give --design, --designs or --profile"),
        (["bench", "--design", "blocking", "--concurrency", "0"], "--concurrency"),
        (["bench", "--design", "nope"], "--design 'nope'"),
        (["bench", "--designs", "/nonexistent.toml"], "--designs"),
        (["bench", "--design", "blocking", "--layer", "cdn"], "--layer"),
        (["bench", "--design", "blocking", "--design", "blocking"], "given twice"),
    ],
)
def test_usage_errors(argv, message, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


@pytest.mark.slow
def test_a_design_that_does_not_start_is_reported_and_the_rest_measured(
    tmp_path, capsys
):
    argv = ["bench", "--design", "dead=false::http://127.0.0.1:{port}/x",
            "--design", "naive-stream", "--timing", "fixed:10", "--repeat", "1",
            "--report-dir", str(tmp_path)]  # fmt: skip
    assert main(argv) == 2
    assert "not measured: dead:" in capsys.readouterr().err
    doc = json.loads((tmp_path / "bench.json").read_text())
    assert doc["run"]["failures"][0].startswith("dead: ")
    assert [r["design"] for r in doc["rows"]] == ["naive-stream"]
