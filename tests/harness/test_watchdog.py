"""Children die with the harness, also on SIGKILL: PDEATHSIG and the watchdog."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from harness import watchdog
from harness.deathsig import lifetime_hook
from tests.tools import dead, wait_until

REPO = Path(__file__).resolve().parents[2]


# A harness stand-in: starts a group whose leader leaves a grandchild behind, makes a
# directory the watchdog must remove, prints the pids, then waits to be killed.
HARNESS = """
import sys, time
from pathlib import Path
from harness.processes import ManagedProcess
from harness.watchdog import WATCHDOG
work = Path(sys.argv[1])
child = ManagedProcess(["sh", "-c", "sleep 300 & echo $!; exec sleep 301"],
                       log_path=work / "child.log", name="child")
child.start()
while not (work / "child.log").read_text().strip():
    time.sleep(0.01)
grandchild = int((work / "child.log").read_text().split()[0])
(work / "scratch").mkdir()
WATCHDOG.watch_dir(work / "scratch")
print(child.pid, grandchild, WATCHDOG.pid, flush=True)
time.sleep(300)
"""


def start_harness(tmp_path: Path) -> tuple[subprocess.Popen[str], list[int]]:
    if not Path("/proc/self/stat").exists():
        pytest.fail("no /proc: cannot tell which processes are alive")
    proc = subprocess.Popen(
        [sys.executable, "-c", HARNESS, str(tmp_path)],
        stdout=subprocess.PIPE,
        cwd=REPO,
        text=True,
    )
    assert proc.stdout is not None
    pids = [int(word) for word in proc.stdout.readline().split()]
    assert len(pids) == 3 and not any(dead(pid) for pid in pids)
    return proc, pids


def test_sigkill_of_the_harness_kills_children_grandchildren_and_the_watchdog(
    tmp_path: Path,
) -> None:
    harness, (child, grandchild, dog) = start_harness(tmp_path)
    harness.kill()
    harness.wait(timeout=10)
    gone = wait_until(lambda: all(dead(p) for p in (child, grandchild, dog)), 5.0)
    assert gone, "a child outlived the SIGKILLed harness by 5 s"
    assert wait_until(lambda: not (tmp_path / "scratch").exists(), 5.0)
    assert harness.stdout is not None
    harness.stdout.close()


def test_a_normal_exit_removes_nothing_still_in_use_and_stops_the_watchdog(
    tmp_path: Path,
) -> None:
    script = textwrap.dedent(
        """
        import sys
        from pathlib import Path
        from harness.processes import ManagedProcess
        from harness.watchdog import WATCHDOG
        child = ManagedProcess(["sleep", "300"], log_path=Path(sys.argv[1]) / "c",
                               name="child")
        child.start()
        child.stop()
        WATCHDOG.watch_dir(Path(sys.argv[1]) / "kept")
        WATCHDOG.forget_dir(Path(sys.argv[1]) / "kept")
        print(WATCHDOG.pid)
        """
    )
    (tmp_path / "kept").mkdir()
    done = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path)],
        capture_output=True, text=True, cwd=REPO, timeout=60, check=True,
    )  # fmt: skip
    assert wait_until(lambda: dead(int(done.stdout)), 5.0)
    assert (tmp_path / "kept").is_dir()


def test_the_death_signal_hook_is_linux_main_thread_only() -> None:
    hook = lifetime_hook()
    assert (hook is not None) == sys.platform.startswith("linux")


def test_a_pdeathsig_child_dies_with_its_parent_even_without_the_watchdog(
    tmp_path: Path,
) -> None:
    if lifetime_hook() is None:
        pytest.skip("PR_SET_PDEATHSIG is Linux only")
    script = textwrap.dedent(
        """
        import subprocess, time
        from harness.deathsig import lifetime_hook
        child = subprocess.Popen(["sleep", "300"], preexec_fn=lifetime_hook(),
                                 start_new_session=True)
        print(child.pid, flush=True)
        time.sleep(300)
        """
    )
    parent = subprocess.Popen(
        [sys.executable, "-c", script], stdout=subprocess.PIPE, cwd=REPO, text=True
    )
    assert parent.stdout is not None
    child = int(parent.stdout.readline())
    assert not dead(child)
    os.kill(parent.pid, signal.SIGKILL)
    parent.wait(timeout=10)
    parent.stdout.close()
    assert wait_until(lambda: dead(child), 5.0)


def test_serve_kills_listed_groups_and_removes_listed_dirs(tmp_path: Path) -> None:
    kept, gone = subprocess.Popen(["sleep", "300"], start_new_session=True), None
    gone = subprocess.Popen(["sleep", "300"], start_new_session=True)
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    orders = [
        ["group", gone.pid],
        ["group", kept.pid],
        ["ungroup", kept.pid],
        ["dir", str(tmp_path / "a")],
        ["dir", str(tmp_path / "b")],
        ["undir", str(tmp_path / "b")],
    ]
    text = "\n".join(map(str, orders)).replace("'", '"') + "\nnot json\n"
    read_end, write_end = os.pipe()
    os.write(write_end, text.encode())
    os.close(write_end)
    with open(read_end, "rb", buffering=0) as stream:
        watchdog.serve(os.getpid(), stream)
    assert gone.wait(timeout=5) == -signal.SIGKILL
    assert kept.poll() is None
    kept.kill()
    kept.wait()
    assert not (tmp_path / "a").exists()
    assert (tmp_path / "b").is_dir()
