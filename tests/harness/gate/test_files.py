"""harness.runtime.files: preflight of --report-dir, stale reports, atomic writes, stamps."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from harness.errors import UsageError
from harness.runtime.files import Stamp, preflight, remove_stale, write_atomic


def listing(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*"))


@pytest.mark.parametrize(
    ("layout", "given", "needle"),
    [
        ("file", "f", "--report-dir {}: is a file, not a directory"),
        (
            "file",
            "f/sub",
            "--report-dir {}: is under a file ({root}/f), not a directory",
        ),
        ("file", "f/a/b", "is under a file ({root}/f)"),
        ("dir", "d/report.json", "is a file, not a directory"),
        ("dir", "d", "report.json there is a directory"),
    ],
)
def test_bad_report_dirs_are_one_line_and_leave_nothing(
    tmp_path: Path, layout: str, given: str, needle: str
) -> None:
    (tmp_path / "f").write_text("x")
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "report.json").mkdir()
    if given == "d/report.json":
        (tmp_path / "d" / "report.json").rmdir()
        (tmp_path / "d" / "report.json").write_text("{}")
    before = listing(tmp_path)
    path = tmp_path / given
    with pytest.raises(UsageError) as caught:
        preflight(path)
    message = str(caught.value)
    assert needle.format(path, root=tmp_path) in message
    assert message.startswith("--report-dir ") and "\n" not in message
    assert listing(tmp_path) == before


def test_a_place_where_nothing_can_be_created_is_refused() -> None:
    with pytest.raises(
        UsageError,
        match=r"^--report-dir /proc/sse-report: parent directory /proc (cannot|is not)",
    ):
        preflight(Path("/proc/sse-report"))


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes to read-only modes")
def test_a_read_only_directory_is_refused(tmp_path: Path) -> None:
    ro = tmp_path / "ro"
    ro.mkdir(mode=0o555)
    with pytest.raises(UsageError, match="not writable"):
        preflight(ro / "x" / "y")


def test_good_report_dirs_pass_and_nothing_is_created(tmp_path: Path) -> None:
    (tmp_path / "existing").mkdir()
    preflight(tmp_path / "existing")
    preflight(tmp_path / "new" / "deeper")
    assert listing(tmp_path) == ["existing"]


def test_remove_stale_removes_only_the_named_reports(tmp_path: Path) -> None:
    for name in ("report.json", "summary.md", "other.txt"):
        (tmp_path / name).write_text("old")
    remove_stale(tmp_path)
    remove_stale(tmp_path)
    remove_stale(tmp_path / "missing")
    assert listing(tmp_path) == ["other.txt"]


def test_write_atomic_replaces_whole_and_leaves_no_temp_file(tmp_path: Path) -> None:
    target = tmp_path / "out" / "report.json"
    write_atomic(target, "first")
    write_atomic(target, "second ✅")
    assert target.read_text(encoding="utf-8") == "second ✅"
    assert listing(tmp_path) == ["out", "out/report.json"]
    assert target.stat().st_mode & 0o777 == 0o644


def test_write_atomic_failure_keeps_the_old_file_and_no_temp(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    target.write_text("old")
    with pytest.raises(UnicodeEncodeError):
        write_atomic(target, "bad \udcff surrogate")
    assert target.read_text() == "old"
    assert listing(tmp_path) == ["report.json"]


def test_the_stamp_in_json_and_markdown() -> None:
    stamp = Stamp.of(0.0, 12.3456, "0.1.0", ["sse-harness", "run", "--layer", "a b"])
    assert stamp.started == "1970-01-01T00:00:00Z"
    doc = json.loads(json.dumps({"run": stamp.to_json()}))
    assert doc["run"] == {
        "started": "1970-01-01T00:00:00Z",
        "duration_s": 12.35,
        "harness_version": "0.1.0",
        "argv": ["sse-harness", "run", "--layer", "a b"],
    }
    assert stamp.line() == (
        "Run 1970-01-01T00:00:00Z, 12.3 s, sse-harness 0.1.0: "
        "`sse-harness run --layer 'a b'`"
    )
