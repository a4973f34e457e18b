"""``sse-harness bench`` usage errors: one line, exit status 2, nothing started."""

from __future__ import annotations

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
