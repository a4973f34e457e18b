"""A proxy that never starts, hangs, crashes mid-run or never ends its stream gets a
clear FAILED or exit status 2 within bounded time, and nothing of it is left behind."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

from harness.checks.model import Outcome
from harness.cli import main
from harness.gate.run import RunConfig, RunReport, run
from tests.targets import URL
from tests.tools import pgrep

HERE = Path(__file__).resolve().parent


def cmd(mode: str) -> str:
    return f"{sys.executable} {HERE / 'bad_proxies.py'} {mode}"


def leftovers(mode: str) -> list[str]:
    return pgrep("-af", f"bad_proxies.py {mode}")


def timed_run(mode: str, select: tuple[str, ...] = ()) -> tuple[float, RunReport]:
    t0 = time.monotonic()
    config = RunConfig(
        proxy_url=URL, proxy_cmd=cmd(mode), idle_s=2.0, heartbeat_s=1.0, select=select
    )
    report = run(config)
    return time.monotonic() - t0, report


def test_never_ready_is_exit_2_in_bounded_time(capsys):
    t0 = time.monotonic()
    status = main(
        [
            "run",
            "--proxy-cmd",
            cmd("never-listen"),
            "--proxy-url",
            URL,
            "--startup-timeout",
            "3",
        ]
    )
    assert status == 2 and time.monotonic() - t0 < 20
    assert "never became ready within 3 s" in capsys.readouterr().err
    assert not leftovers("never-listen")


@pytest.mark.slow
def test_hanging_proxy_fails_in_bounded_time():
    took, report = timed_run("hang")
    outcomes = {r.check: r.outcome for r in report.results}
    assert outcomes["HDR-STATUS-200"] is Outcome.FAILED
    # nothing answered, so nothing is OK: the rest is BLOCKED by the status (or
    # fails on its own, e.g. a 415 that never came)
    assert Outcome.OK not in outcomes.values(), report.summary()
    assert outcomes["END-DONE"] is Outcome.BLOCKED
    assert took < 120, took
    assert not leftovers("hang")


@pytest.mark.slow
@pytest.mark.slow
def test_garbage_answers_get_no_ok_and_a_framing_selection_fails(tmp_path):
    """A target that answers random bytes gets no OK from any check, and
    --select of only framing and header checks exits 1, never 0."""
    took, report = timed_run("garbage")
    assert took < 120
    outcomes = {r.check: r.outcome for r in report.results}
    assert Outcome.OK not in outcomes.values(), report.summary()
    assert outcomes["HDR-STATUS-200"] is Outcome.FAILED
    blocked = {r.blocked_by for r in report.results if r.outcome is Outcome.BLOCKED}
    assert blocked == {"HDR-STATUS-200"}
    argv = ["run", "--proxy-cmd", cmd("garbage"), "--proxy-url", URL]
    picks = ["--select", "FRM-*", "--select", "HDR-NO-*", "--report-dir", str(tmp_path)]
    assert main([*argv, *picks]) == 1
    assert not leftovers("garbage")


def test_crashing_proxy_is_reported_and_reaped():
    took, report = timed_run("crash", select=("FRM-TOKEN-MAPPING", "REQ-TYPE-PARAMS"))
    failed = [r for r in report.results if r.outcome is Outcome.FAILED]
    assert failed and any("not running" in r.detail for r in failed)
    assert any("exited" in note for note in report.notes)
    assert took < 60
    assert not leftovers("crash")


@pytest.mark.slow
def test_never_ending_stream_fails_end_done():
    took, report = timed_run("endless", select=("END-DONE", "HDR-STATUS-200"))
    done = next(r for r in report.results if r.check == "END-DONE")
    assert done.outcome is Outcome.FAILED and "did not end" in done.detail
    assert took < 60
    assert not leftovers("endless")
