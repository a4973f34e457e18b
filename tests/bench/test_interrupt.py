"""Ctrl-C stops every process the bench started and still writes what was measured."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


def test_ctrl_c_writes_partial_reports(tmp_path: Path) -> None:
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
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130, err[-2000:]
    assert "interrupted; partial results" in err
    doc = json.loads((out / "bench.json").read_text())
    assert doc["run"]["interrupted"] is True
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
