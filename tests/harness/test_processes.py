"""harness.processes: groups die whole, readiness is bounded, failures are one line."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from harness import processes as procs
from harness.errors import EnvironmentProblem
from harness.processes import (
    ManagedProcess,
    free_port,
    install_signal_handlers,
    tcp_ready,
)
from tests.tools import dead, wait_until

REPO = Path(__file__).resolve().parents[2]


def shell(tmp_path: Path, script: str, name: str = "child") -> ManagedProcess:
    return ManagedProcess(
        ["sh", "-c", script], log_path=tmp_path / f"{name}.log", name=name
    )


def pids_in_output(process: ManagedProcess, count: int) -> list[int]:
    assert wait_until(lambda: len(process.output().split()) >= count, 10.0)
    return [int(word) for word in process.output().split()[:count]]


def test_output_captures_stdout_and_stderr_to_a_file(tmp_path: Path) -> None:
    process = shell(tmp_path, "echo out; echo err >&2; printf '\\377\\n'")
    process.start()
    assert wait_until(lambda: process.poll() is not None, 10.0)
    assert process.poll() == 0
    text = process.output()
    assert "out" in text
    assert "err" in text
    assert "\ufffd" in text  # undecodable bytes are replaced, never an exception
    assert process.output(tail_bytes=4) == "r\n\ufffd\n"
    assert (tmp_path / "child.log").is_file()
    process.stop()


def test_stop_kills_the_whole_group_including_grandchildren(tmp_path: Path) -> None:
    process = shell(tmp_path, "sleep 100 & echo $!; sh -c 'sleep 100 & echo $!; wait'")
    process.start()
    grandchildren = pids_in_output(process, 2)
    assert process.pid is not None
    assert not any(dead(pid) for pid in [process.pid, *grandchildren])
    process.stop()
    assert process.poll() is not None
    assert all(dead(pid) for pid in [process.pid, *grandchildren])


def test_stop_kills_children_the_leader_left_behind(tmp_path: Path) -> None:
    process = shell(tmp_path, "sleep 100 & echo $!")
    process.start()
    (orphan,) = pids_in_output(process, 1)
    assert wait_until(lambda: process.poll() is not None, 10.0)
    assert not dead(orphan)
    process.stop()
    assert dead(orphan)


def test_sigterm_ignored_means_sigkill_after_the_grace(tmp_path: Path) -> None:
    process = shell(tmp_path, "trap '' TERM; echo ready; sleep 100 & wait")
    process.start()
    assert wait_until(lambda: "ready" in process.output(), 10.0)
    process.stop(grace=0.3)
    assert process.poll() == -signal.SIGKILL


def test_stop_is_idempotent_and_harmless_before_start(tmp_path: Path) -> None:
    process = shell(tmp_path, "sleep 100")
    process.stop()
    process.start()
    process.stop()
    process.stop()
    assert process.poll() == -signal.SIGTERM


def test_readiness_timeout_is_a_prompt_one_line_environment_problem(
    tmp_path: Path,
) -> None:
    process = shell(tmp_path, "echo starting; echo still loading; sleep 100", "proxy")
    process.start()
    assert wait_until(lambda: "loading" in process.output(), 10.0)
    started = time.monotonic()
    with pytest.raises(EnvironmentProblem) as caught:
        process.wait_ready(lambda: False, timeout=0.3)
    assert time.monotonic() - started < 5
    message = str(caught.value)
    assert message.startswith("proxy never became ready within 0.3 s: ")
    assert message.endswith("starting | still loading")
    assert "\n" not in message
    process.stop()


def test_a_process_that_exits_early_is_reported_with_its_last_words(
    tmp_path: Path,
) -> None:
    process = shell(tmp_path, "echo 'error: port in use' >&2; exit 3", "proxy")
    process.start()
    with pytest.raises(EnvironmentProblem) as caught:
        process.wait_ready(lambda: False, timeout=30)
    assert str(caught.value) == (
        "proxy exited with status 3 before it was ready: error: port in use"
    )


def test_probe_errors_count_as_not_ready(tmp_path: Path) -> None:
    process = shell(tmp_path, "sleep 100")
    process.start()
    calls = []

    def probe() -> bool:
        calls.append(1)
        if len(calls) < 3:
            raise ConnectionRefusedError
        return True

    process.wait_ready(probe, timeout=10, interval=0.01)
    assert len(calls) == 3
    process.stop()


def test_a_missing_command_is_an_environment_problem(tmp_path: Path) -> None:
    process = ManagedProcess(
        ["/nonexistent/proxy-binary"], log_path=tmp_path / "x.log", name="proxy"
    )
    with pytest.raises(EnvironmentProblem, match=r"cannot start proxy .*nonexistent"):
        process.start()


def test_stop_all_stops_every_live_process(tmp_path: Path) -> None:
    first, second = shell(tmp_path, "sleep 100", "a"), shell(tmp_path, "sleep 100", "b")
    first.start()
    second.start()
    procs.stop_all()
    assert first.poll() is not None
    assert second.poll() is not None


@pytest.mark.parametrize(
    ("sig", "status"), [(signal.SIGTERM, 128 + 15), (signal.SIGINT, 130)]
)
def test_signals_stop_children_then_behave_as_by_default(
    tmp_path: Path, sig: signal.Signals, status: int
) -> None:
    script = textwrap.dedent(
        f"""
        import sys, time
        from pathlib import Path
        from harness.processes import ManagedProcess, install_signal_handlers
        child = ManagedProcess(["sleep", "100"], log_path=Path({str(tmp_path)!r}) / "c",
                               name="child")
        child.start()
        assert install_signal_handlers() and install_signal_handlers()
        try:
            print(child.pid, flush=True)
            time.sleep(60)
        except KeyboardInterrupt:
            sys.exit(130)
        """
    )
    parent = subprocess.Popen(
        [sys.executable, "-c", script], stdout=subprocess.PIPE, cwd=REPO, text=True
    )
    assert parent.stdout is not None
    child_pid = int(parent.stdout.readline())
    parent.send_signal(sig)
    assert parent.wait(timeout=30) == status
    parent.stdout.close()
    assert wait_until(lambda: dead(child_pid), 10.0)


def test_atexit_stops_what_was_left_running(tmp_path: Path) -> None:
    script = textwrap.dedent(
        f"""
        from pathlib import Path
        from harness.processes import ManagedProcess
        child = ManagedProcess(["sleep", "100"], log_path=Path({str(tmp_path)!r}) / "c",
                               name="child")
        child.start()
        print(child.pid)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=REPO,
        timeout=30, check=True,
    )  # fmt: skip
    assert dead(int(done.stdout))


def test_signal_handlers_are_only_installed_from_the_main_thread() -> None:
    results: list[bool] = []
    thread = threading.Thread(target=lambda: results.append(install_signal_handlers()))
    thread.start()
    thread.join()
    assert results == [False]


def test_free_port_and_tcp_ready() -> None:
    port = free_port()
    assert not tcp_ready("127.0.0.1", port)
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", port))
        listener.listen()
        assert tcp_ready("127.0.0.1", port)


def test_handlers_installed_by_someone_else_are_left_alone() -> None:
    from harness.runtime.signals import trapped

    with trapped() as trap:
        mine = signal.getsignal(signal.SIGTERM)
        assert install_signal_handlers()
        assert signal.getsignal(signal.SIGTERM) == mine == trap.handle
