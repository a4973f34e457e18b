"""Every command has the gate's lifetimes: SIGKILL of ``sse-harness bench`` or
``sse-harness clients`` mid-run leaves no process and no temp directory behind.

Each command is started for real; its target command leaves a grandchild (``sleep``)
in its process group that only the watchdog reaches. Processes are found by walking
/proc from the command's pid.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from tests.harness.gate.test_lifetimes import (
    DEADLINE_S,
    REPO,
    alive,
    cmdline,
    descendants,
)
from tests.tools import wait_until

pytestmark = pytest.mark.slow

LEAVES_A_SLEEP = "sh -c 'sleep 600 & exec {python} -m proxies.{module}'"
URL = "http://127.0.0.1:{port}/api/v1/complete"


def bench_argv() -> list[str]:
    design = LEAVES_A_SLEEP.format(
        python=sys.executable,
        module="naive_stream --port {port} --upstream {upstream}",
    )
    return [
        "bench", "--design", f"slow={design}::http://127.0.0.1:{{port}}/api/v1/complete",
        "--concurrency", "1", "--timing", "fixed:20", "--repeat", "3",
        "--streams", "2", "--quiet",
    ]  # fmt: skip


def clients_argv() -> list[str]:
    proxy = LEAVES_A_SLEEP.format(python=sys.executable, module="starlette_proxy")
    return [
        "clients", "--proxy-cmd", proxy, "--proxy-url", URL, "--cwd", str(REPO),
        "--client", "httpx-sse", "--client", "openai-python", "--timeout", "60",
    ]  # fmt: skip


def work_dirs(pid: int) -> set[Path]:
    return set(Path(tempfile.gettempdir()).glob(f"sse-harness-{pid}-*"))


@pytest.mark.parametrize(
    ("argv", "want"),
    [(bench_argv, "naive_stream"), (clients_argv, "starlette_proxy")],
    ids=["bench", "clients"],
)
def test_sigkill_mid_run_leaves_no_process_and_no_temp_dir(argv, want, tmp_path):
    err = (tmp_path / "stderr").open("wb")
    command = subprocess.Popen(
        [sys.executable, "-m", "harness.cli", *argv()],
        stdout=subprocess.DEVNULL, stderr=err, cwd=REPO,
    )  # fmt: skip
    children: dict[int, tuple[str, str]] = {}
    try:
        deadline = time.monotonic() + 120
        while not any(want in " ".join(cmdline(p)) for p in children):
            if command.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"{want} never ran: {(tmp_path / 'stderr').read_text()}")
            time.sleep(0.1)
            children = descendants(command.pid)
        # the target's grandchild started, the streams under way
        assert wait_until(
            lambda: any(c[0] == "sleep" for c in descendants(command.pid).values()),
            30,
        ), descendants(command.pid)
        time.sleep(0.5)
        children = descendants(command.pid)
        dirs = work_dirs(command.pid)
        assert dirs, "the command made no sse-harness-<pid>-* work directory"
        command.send_signal(signal.SIGKILL)
        command.wait(timeout=10)
        t0 = time.monotonic()
        survivors = dict(children)
        while (survivors or any(d.exists() for d in dirs)) and (
            time.monotonic() - t0 < DEADLINE_S
        ):
            survivors = {p: v for p, v in survivors.items() if alive(p, v[1])}
            time.sleep(0.02)
    finally:
        if command.poll() is None:
            command.kill()
        err.close()
    for pid in survivors:  # never leave them to the next test
        os.kill(pid, signal.SIGKILL)
    left = [d for d in dirs if d.exists()]
    for d in left:
        shutil.rmtree(d, ignore_errors=True)
    names = {pid: cmdline(pid)[:3] for pid in survivors}
    assert not survivors, f"alive {DEADLINE_S} s after the SIGKILL: {names}"
    assert not left, f"{left} outlived the SIGKILLed command"


def test_sigterm_of_clients_writes_a_stamped_partial_matrix(tmp_path):
    out = tmp_path / "out"
    argv = [*clients_argv(), "--report-dir", str(out)]
    err = (tmp_path / "stderr").open("wb")
    command = subprocess.Popen(
        [sys.executable, "-m", "harness.cli", *argv],
        stdout=subprocess.DEVNULL, stderr=err, cwd=REPO,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        while not any(
            "starlette_proxy" in " ".join(cmdline(p)) for p in descendants(command.pid)
        ):
            if command.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"no proxy: {(tmp_path / 'stderr').read_text()}")
            time.sleep(0.1)
        children = descendants(command.pid)
        command.send_signal(signal.SIGTERM)
        status = command.wait(timeout=60)
    finally:
        if command.poll() is None:
            command.kill()
        err.close()
    stderr = (tmp_path / "stderr").read_text()
    assert status == 143, stderr[-2000:]
    assert "terminated; every started process was stopped" in stderr
    doc = json.loads((out / "clients.json").read_text())
    assert "terminated: partial matrix" in doc["notes"]
    summary = (out / "summary.md").read_text()
    assert "sse-harness clients --proxy-cmd" in summary.splitlines()[2]
    time.sleep(0.5)
    assert not [p for p, v in children.items() if alive(p, v[1])]
