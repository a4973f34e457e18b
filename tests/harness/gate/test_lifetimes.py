"""End to end: nothing the harness starts outlives it, also on SIGKILL.

``sse-harness run`` is started for real against the reference proxy behind nginx; the
proxy command leaves a grandchild (``sleep``) in its process group, which neither the
proxy's own death nor PR_SET_PDEATHSIG reaches: only the watchdog does. Processes are
found by walking /proc from the harness's pid (no /proc: the test fails, never passes).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.targets import URL
from tests.tools import require_tool, wait_until

REPO = Path(__file__).resolve().parents[3]
PROXY = f"sh -c 'sleep 600 & exec {sys.executable} -m proxies.starlette_proxy'"
DEADLINE_S = 5.0


def stat(pid: int) -> tuple[str, str, int, str] | None:
    """(comm, state, ppid, start time) of a process, None when it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    comm = text[text.index("(") + 1 : text.rfind(")")]
    fields = text[text.rfind(")") + 2 :].split()
    return comm, fields[0], int(fields[1]), fields[19]


def descendants(root: int) -> dict[int, tuple[str, str]]:
    """pid -> (comm, start time) of every live process below ``root``."""
    if not Path("/proc/self/stat").exists():
        pytest.fail("no /proc: cannot find the processes the harness started")
    table = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit() and (found := stat(int(entry))) is not None:
            table[int(entry)] = found
    below: dict[int, tuple[str, str]] = {}
    frontier = [root]
    while frontier:
        parent = frontier.pop()
        for pid, (comm, state, ppid, start) in table.items():
            if ppid == parent and state not in "ZX" and pid not in below:
                below[pid] = (comm, start)
                frontier.append(pid)
    return below


def alive(pid: int, start: str) -> bool:
    found = stat(pid)
    return found is not None and found[1] not in "ZX" and found[3] == start


def cmdline(pid: int) -> list[str]:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().decode().split("\0")
    except OSError:
        return []


def gate(tmp: Path, *options: str) -> subprocess.Popen[bytes]:
    argv = [sys.executable, "-m", "harness.cli", "run", "--proxy-cmd", PROXY]
    argv += ["--proxy-url", URL, "--cwd", str(REPO), "--report-dir", str(tmp / "out")]
    argv += ["--idle-seconds", "2", "--heartbeat-budget", "1", *options]
    with (tmp / "stdout").open("wb") as out, (tmp / "stderr").open("wb") as err:
        return subprocess.Popen(argv, stdout=out, stderr=err, cwd=REPO)


def running(harness: subprocess.Popen[bytes], tmp: Path) -> None:
    if harness.poll() is not None:
        pytest.fail(f"the gate ended first: {(tmp / 'stderr').read_text()[-2000:]}")


def wait_for(
    harness: subprocess.Popen[bytes], tmp: Path, want: str
) -> dict[int, tuple[str, str]]:
    """The harness's descendants once one runs ``want`` (its argv[0] or a module)."""

    def found() -> dict[int, tuple[str, str]]:
        running(harness, tmp)
        below = descendants(harness.pid)
        for pid in below:
            argv = cmdline(pid)
            if "-t" not in argv and any(word.endswith(want) for word in argv[:3]):
                return below
        return {}

    below = wait_until(found, 180, 0.1)
    if not below:
        pytest.fail(f"no {want} under the harness within 180 s")
    return below


@dataclass(frozen=True)
class Killed:
    children: dict[int, tuple[str, str]]
    survivors: dict[int, tuple[str, str]]
    seconds: float
    workdir: Path
    workdir_gone: bool


@pytest.fixture(scope="module")
def killed(tmp_path_factory: pytest.TempPathFactory) -> Killed:
    require_tool("nginx")
    tmp = tmp_path_factory.mktemp("killed")
    harness = gate(tmp, "--layer", "nginx")
    wait_for(harness, tmp, "/nginx")
    time.sleep(1.0)  # well into the probes
    children = descendants(harness.pid)
    running(harness, tmp)
    mock = next(p for p in children if "mock_ollama" in cmdline(p))
    args = cmdline(mock)
    workdir = Path(args[args.index("--port-file") + 1]).parent
    harness.send_signal(signal.SIGKILL)
    harness.wait(timeout=10)
    t0 = time.monotonic()

    def alive_now() -> dict[int, tuple[str, str]]:
        return {p: v for p, v in children.items() if alive(p, v[1])}

    wait_until(lambda: not alive_now(), DEADLINE_S)
    survivors = alive_now()
    seconds = time.monotonic() - t0
    left = max(0.0, DEADLINE_S - seconds)
    gone = wait_until(lambda: not workdir.exists(), left)
    dir_seconds = time.monotonic() - t0
    for pid in survivors:  # never leave them to the next test
        os.kill(pid, signal.SIGKILL)
    shutil.rmtree(workdir, ignore_errors=True)
    print(f"all {len(children)} children dead {seconds:.3f} s after the SIGKILL")
    print(f"temp directory gone: {gone}, {dir_seconds:.3f} s after the SIGKILL")
    return Killed(children, survivors, seconds, workdir, gone)


@pytest.mark.slow
@pytest.mark.needs_nginx
def test_sigkill_mid_probe_leaves_no_process_behind(killed: Killed) -> None:
    names = sorted(comm for comm, _ in killed.children.values())
    assert "nginx" in names and "sleep" in names, names
    assert len(killed.children) >= 5, names  # watchdog, mock, proxy, sleep, nginx
    assert not killed.survivors, f"alive {DEADLINE_S} s after the SIGKILL: {names}"
    assert killed.seconds < DEADLINE_S


@pytest.mark.slow
@pytest.mark.needs_nginx
def test_sigkill_mid_probe_leaves_no_temp_dir_behind(killed: Killed) -> None:
    assert killed.workdir.name.startswith("sse-harness-")
    assert killed.workdir_gone, f"{killed.workdir} outlived the SIGKILLed harness"


@pytest.mark.slow
def test_sigterm_writes_the_error_report_and_exits_143(tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "summary.md").write_text("✅ passed (an earlier run)\n")
    harness = gate(tmp_path)
    children = wait_for(harness, tmp_path, "proxies.starlette_proxy")
    harness.send_signal(signal.SIGTERM)
    assert harness.wait(timeout=60) == 143
    doc = json.loads((tmp_path / "out" / "report.json").read_text())
    assert doc["exit_status"] == 143 and doc["error"]
    assert not (tmp_path / "out" / "summary.md").exists()
    assert wait_until(
        lambda: not any(alive(p, s) for p, (_, s) in children.items()), DEADLINE_S, 0.05
    ), "a child outlived the SIGTERMed harness"
