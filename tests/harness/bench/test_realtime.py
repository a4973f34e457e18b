"""Real-time scheduling of the instrument: on only inside the block, never inherited,
and off when not wanted; where it is not permitted (no CAP_SYS_NICE) nothing changes."""

from __future__ import annotations

import os
import subprocess
import sys

from harness.bench.designs.engines.native import NativeEngine
from harness.bench.designs.realtime import (
    CLIENT_PRIORITY,
    problem,
    realtime,
    scheduling,
)

RESET = os.SCHED_RESET_ON_FORK


def _policy() -> int:
    return os.sched_getscheduler(0) & ~RESET


def test_the_block_runs_real_time_when_permitted_and_restores_after() -> None:
    permitted = problem() == ""
    with realtime(CLIENT_PRIORITY) as on:
        inside = _policy()
        child = subprocess.run(
            [sys.executable, "-c", "import os; print(os.sched_getscheduler(0))"],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
    assert on is permitted
    assert inside == (os.SCHED_RR if on else os.SCHED_OTHER)
    assert int(child.stdout) == os.SCHED_OTHER  # what the instrument starts is normal
    assert _policy() == os.SCHED_OTHER


def test_switched_off_it_stays_normal() -> None:
    with realtime(CLIENT_PRIORITY, enabled=False) as on:
        assert not on
        assert _policy() == os.SCHED_OTHER
    allowed, line = scheduling(False, 50)
    assert not allowed
    assert "switched off" in line


def test_only_while_a_client_process_carries_at_most_the_floor() -> None:
    engine = NativeEngine(workers=2, floor=50)
    assert engine.realtime_for(1) and engine.realtime_for(100)
    assert not engine.realtime_for(101)  # 51 a process: CPU-bound at RT priority
    assert not NativeEngine(workers=2, floor=50, rt=False).realtime_for(1)
