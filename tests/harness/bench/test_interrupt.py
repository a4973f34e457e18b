"""Ctrl-C (and SIGTERM, taken the same way) stops every process the bench started and
still writes what was measured, stamped."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


@pytest.mark.parametrize(
    ("signum", "status", "words"),
    [(signal.SIGINT, 130, "interrupted"), (signal.SIGTERM, 143, "terminated")],
    ids=["ctrl-c", "sigterm"],
)
def test_an_interrupt_writes_stamped_partial_reports(
    tmp_path: Path, signum: signal.Signals, status: int, words: str
) -> None:
    out = tmp_path / "out"
    argv = [sys.executable, "-m", "harness.cli", "bench", "--design", "naive-stream",
            "--concurrency", "1,2", "--timing", "fixed:100", "--repeat", "2",
            "--report-dir", str(out)]  # fmt: skip
    proc = subprocess.Popen(
        argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        start_new_session=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        assert proc.stderr is not None
        for line in proc.stderr:  # wait until the first design cell is running
            if "naive-stream" in line or time.monotonic() > deadline:
                break
        time.sleep(1.0)
        children = _children(proc.pid)
        assert children, "the bench started no process"
        proc.send_signal(signum)
        _, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == status, err[-2000:]
    assert f"{words}; partial results" in err
    doc = json.loads((out / "bench.json").read_text())
    assert doc["run"]["interrupted"] is True
    stamp = doc["run"]["stamp"]
    assert stamp["argv"] == ["sse-harness", *argv[3:]]
    assert stamp["harness_version"] and stamp["duration_s"] > 0
    summary = (out / "summary.md").read_text()
    assert f"Run {stamp['started']}, " in summary and "Interrupted" in summary
    assert stamp["started"] in (out / "report.html").read_text()
    assert not list(out.glob(".*.tmp"))
    assert [b["concurrency"] for b in doc["baseline"]] == [1, 2]
    time.sleep(0.5)
    assert [pid for pid in children if _alive(pid)] == []


def _children(parent: int) -> list[int]:
    """Processes whose parent is ``parent`` (mock, proxy, ...)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat[stat.rfind(")") + 2 :].split()[1]) == parent:
                found.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return state[state.rfind(")") + 2] not in "ZX"
