"""``sse-harness diff OLD NEW`` (harness.cli.diff): exit status and usage errors."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from harness.cli import main

if TYPE_CHECKING:
    from pathlib import Path

    import pytest


def write(path: Path, *outcomes: str) -> Path:
    results = [
        {"check": f"C{n}", "layer": "direct", "outcome": o, "detail": "", "metrics": {}}
        for n, o in enumerate(outcomes)
    ]
    path.mkdir()
    (path / "report.json").write_text(json.dumps({"results": results, "baseline": {}}))
    return path


def test_exit_1_on_a_new_failure_only(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old = write(tmp_path / "old", "OK", "FAILED")
    new = write(tmp_path / "new", "FAILED", "OK")
    assert main(["diff", str(old), str(new)]) == 1
    out = capsys.readouterr().out
    assert "❌ 1 new failure**" in out and "### Fixed (1)" in out
    assert main(["diff", str(new / "report.json"), str(new)]) == 0
    assert "✅ no new failure" in capsys.readouterr().out


def test_a_file_that_is_no_report_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = write(tmp_path / "good", "OK")
    (tmp_path / "error.json").write_text('{"results": [], "error": "proxy exited"}')
    (tmp_path / "junk.json").write_text("not json")
    for bad, needle in [
        (tmp_path / "missing", "NEW " + str(tmp_path / "missing") + ": no such file"),
        (tmp_path / "junk.json", "not a report.json"),
        (tmp_path / "error.json", "that run judged nothing (proxy exited)"),
    ]:
        assert main(["diff", str(good), str(bad)]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and needle in err, err
