"""Hostile targets cannot take the gate down: against each mode of tests/harness/gate/
hostile.py the run ends within a bound, exits 1, writes its reports, keeps the
harness's process tree under a memory bound and leaves no process behind.

The probe bounds are tightened by option (--bound-*) so that all modes together stay
within about a minute; docs/measurements.md has each mode with the default bounds.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.tools import pgrep

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
URL = "http://127.0.0.1:{port}/api/v1/complete"
MODES = (
    "endless-head",
    "endless-line",
    "endless-events",
    "broken-chunked",
    "no-status-line",
    "reset-mid-event",
    "head-bytewise",
    "never-ends",
    "lying-length",
    "never-reads",
)
#: the bounds of a test run, and the checks it selects (their roots come with them)
TIGHT = (
    "--idle-seconds=1",
    "--heartbeat-budget=0.5",
    "--bound-head-seconds=1",
    "--bound-probe-seconds=3",
    "--bound-quiet-seconds=1",
    "--bound-after-done-seconds=0.5",
    "--bound-probe-bytes=1048576",
    "--bound-events=2000",
    "--bound-event-bytes=262144",
    "--select=HDR-STATUS-200,END-DONE,FRM-TOKEN-MAPPING,IDLE-HEARTBEAT,"
    "END-UPSTREAM-STATUS",
)
#: a run against any mode ends within this (the slowest takes about 20 s here)
WITHIN_S = 90.0
#: the harness's process tree (the gate, the mock, the target) stays under this
MEMORY = 1 << 30


def _children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        with contextlib.suppress(OSError):  # it ended after the listing
            found += [int(c) for c in task.read_text().split()]
    return found


def _rss(pid: int) -> int:
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


def tree_rss(root: int) -> int:
    """Resident memory of ``root`` and all its descendants, from /proc."""
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += _rss(pid)
        todo += _children(pid)
    return total


def run_against(
    mode: str, reports: Path, *, tight: bool = True
) -> tuple[int, float, int]:
    """(exit status, seconds, peak RSS of the process tree) of ``sse-harness run``."""
    argv = [sys.executable, "-m", "harness.cli", "run", "--quiet"]
    argv += ["--proxy-cmd", f"{sys.executable} {HERE / 'hostile.py'} {mode}"]
    argv += ["--proxy-url", URL, "--report-dir", str(reports), *(TIGHT * tight)]
    env = {**os.environ, "HOSTILE_PACE": "0.3" if tight else "2"}
    t0 = time.monotonic()
    child = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
    peak = 0
    try:
        while child.poll() is None and time.monotonic() - t0 < WITHIN_S * 4:
            peak = max(peak, tree_rss(child.pid))
            time.sleep(0.05)
    finally:
        if child.poll() is None:
            child.kill()  # past the bound: the assertion below says so
        status = child.wait(timeout=30)
    return status, time.monotonic() - t0, peak


#: what a report says where a bound was reached (HDR-STATUS-200 serves the valid probe)
SEEN = {
    "endless-head": "head not complete after 64 KiB",
    "endless-line": "no event boundary in 256 KiB",
    "endless-events": "more than 2000 events",
    "head-bytewise": "head not complete after 1 s",
}


@pytest.mark.parametrize("mode", MODES)
def test_a_hostile_target_gets_a_report_not_a_hang(mode, tmp_path):
    status, took, peak = run_against(mode, tmp_path)
    assert took < WITHIN_S, f"{mode}: still running after {took:.0f} s"
    assert status == 1, f"{mode}: exit {status}"
    report = json.loads((tmp_path / "report.json").read_text())
    assert report["exit_status"] == 1
    assert any(r["outcome"] == "FAILED" for r in report["results"])
    assert (tmp_path / "summary.md").is_file()
    # measured at all (a Python harness alone is tens of MiB), and under the bound
    assert 16 << 20 < peak < MEMORY, f"{mode}: {peak >> 20} MiB"
    assert not pgrep("-af", f"hostile.py {mode}")
    if mode in SEEN:
        found = next(r for r in report["results"] if r["check"] == "HDR-STATUS-200")
        assert found["outcome"] == "FAILED"
        assert f"the target reached a bound (valid: {SEEN[mode]}" in found["detail"]


if __name__ == "__main__":
    # python -m tests.harness.gate.test_hostile [MODE...]: each with the default bounds
    import tempfile

    for name in sys.argv[1:] or MODES:
        with tempfile.TemporaryDirectory() as out:
            code, seconds, rss = run_against(name, Path(out), tight=False)
            written = (Path(out) / "report.json").is_file()
            print(
                f"{name}: {seconds:.1f} s, exit {code}, peak {rss >> 20} MiB, "
                f"report.json {'written' if written else 'MISSING'}",
                flush=True,
            )
