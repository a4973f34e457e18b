"""harness.runtime.signals: SIGTERM takes the SIGINT path and exits 143 (in a subprocess)."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

from harness.runtime.signals import Terminated, exit_status, trapped

REPO = Path(__file__).resolve().parents[3]

SCRIPT = textwrap.dedent(
    """
    import signal, sys, time
    from harness.runtime.signals import Terminated, exit_status, trapped
    before = signal.getsignal(signal.SIGTERM)
    with trapped() as trap:
        try:
            print("ready", flush=True)
            time.sleep(60)
        except KeyboardInterrupt as exc:
            print(type(exc).__name__, flush=True)
            time.sleep(0.5)  # unwinding: a second signal must not cut this short
            print("cleaned", trap.status, [s.name for s in trap.received], flush=True)
            status = exit_status(exc)
    assert signal.getsignal(signal.SIGTERM) is before
    sys.exit(status)
    """
)


@pytest.mark.parametrize(
    ("first", "name", "status"),
    [(signal.SIGTERM, "Terminated", 143), (signal.SIGINT, "KeyboardInterrupt", 130)],
)
def test_a_signal_raises_in_the_main_thread_and_names_the_exit_status(
    first: signal.Signals, name: str, status: int
) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-c", SCRIPT], stdout=subprocess.PIPE, cwd=REPO, text=True
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "ready"
    proc.send_signal(first)
    assert proc.stdout.readline().strip() == name
    proc.send_signal(signal.SIGTERM if first == signal.SIGINT else signal.SIGINT)
    assert proc.wait(timeout=30) == status
    second = "SIGTERM" if first == signal.SIGINT else "SIGINT"
    assert proc.stdout.read().split() == [
        "cleaned",
        str(status),
        f"['{first.name}',",
        f"'{second}']",
    ]
    proc.stdout.close()


def test_exit_status_of_the_exceptions() -> None:
    assert exit_status(Terminated()) == 143
    assert exit_status(KeyboardInterrupt()) == 130
    assert isinstance(Terminated(), KeyboardInterrupt)


def test_outside_the_main_thread_nothing_is_installed() -> None:
    seen: list[object] = []

    def body() -> None:
        with trapped() as trap:
            seen.extend([signal.getsignal(signal.SIGTERM), trap.status])

    before = signal.getsignal(signal.SIGTERM)
    thread = threading.Thread(target=body)
    thread.start()
    thread.join()
    assert seen == [before, None]
