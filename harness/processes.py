"""Child processes the harness starts (proxy, nginx), killed with their whole group.

Every process leads its own process group (``start_new_session=True``), writes its
stdout and stderr to a log file (never a pipe that could fill), and is stopped with
SIGTERM to the whole group, then SIGKILL after a grace period. A module-level registry
stops whatever is still running at interpreter exit or on SIGINT/SIGTERM.

Lifetimes are bounded from both sides, also when the harness is SIGKILLed:

- on Linux each child gets ``PR_SET_PDEATHSIG(SIGKILL)`` between fork and exec, so the
  kernel kills it the moment the harness dies (started from the main thread only: the
  death signal follows the *thread* that forked);
- every group is also listed with the watchdog (harness.watchdog), a survivor in its
  own session that SIGKILLs the listed groups — grandchildren included — when the
  harness dies, on every platform.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import signal
import socket
import subprocess
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

from harness.deathsig import lifetime_hook
from harness.errors import EnvironmentProblem
from harness.watchdog import WATCHDOG

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence
    from types import FrameType

__all__ = [
    "ManagedProcess",
    "free_port",
    "install_signal_handlers",
    "lifetime_hook",
    "stop_all",
    "tcp_ready",
]

_LIVE: dict[int, ManagedProcess] = {}
_LIVE_LOCK = threading.Lock()


class ManagedProcess:
    """One child process leading its own process group, output captured to a file.

    ``env`` is the complete environment of the child (None: inherit ours).
    """

    def __init__(
        self,
        argv: Sequence[str],
        *,
        env: Mapping[str, str] | None = None,
        cwd: str | None = None,
        log_path: Path,
        name: str,
    ) -> None:
        if not argv:
            raise ValueError("ManagedProcess needs a non-empty argv")
        self.argv = tuple(argv)
        self.env = dict(env) if env is not None else None
        self.cwd = cwd
        self.log_path = Path(log_path)
        self.name = name
        self._popen: subprocess.Popen[bytes] | None = None
        self._stopped = False

    def __repr__(self) -> str:
        return f"<ManagedProcess {self.name} pid={self.pid} argv={self.argv!r}>"

    @property
    def pid(self) -> int | None:
        """Process id of the leader (also the process group id), None before start."""
        return self._popen.pid if self._popen is not None else None

    def start(self) -> None:
        """Start the process; EnvironmentProblem when the command cannot be run."""
        if self._popen is not None:
            raise RuntimeError(f"{self.name} was already started")
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("wb") as log:
            try:
                self._popen = subprocess.Popen(
                    self.argv,
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    env=self.env,
                    cwd=self.cwd,
                    start_new_session=True,
                    close_fds=True,
                    preexec_fn=lifetime_hook(),
                )
            except OSError as exc:
                reason = exc.strerror or str(exc)
                raise EnvironmentProblem(
                    f"cannot start {self.name} ({self.argv[0]}): {reason}"
                ) from exc
        WATCHDOG.watch_group(self._popen.pid)
        with _LIVE_LOCK:
            _LIVE[id(self)] = self

    def poll(self) -> int | None:
        """Exit status of the leader (negative: killed by that signal) or None."""
        return self._popen.poll() if self._popen is not None else None

    def output(self, tail_bytes: int = 65536) -> str:
        """The last ``tail_bytes`` of what the process wrote (stdout and stderr)."""
        try:
            with self.log_path.open("rb") as log:
                size = log.seek(0, os.SEEK_END)
                log.seek(max(0, size - tail_bytes))
                data = log.read()
        except FileNotFoundError:
            return ""
        return data.decode("utf-8", errors="replace")

    def last_lines(self, count: int = 3, width: int = 300) -> str:
        """The last ``count`` non-empty output lines on one line, or "(no output)"."""
        lines = [
            line.strip() for line in self.output(8192).splitlines() if line.strip()
        ]
        text = " | ".join(lines[-count:]) or "(no output)"
        return text if len(text) <= width else "…" + text[-width:]

    def stop(self, grace: float = 3.0) -> None:
        """SIGTERM the process group, wait ``grace`` s, then SIGKILL it. Idempotent.

        The group is signalled even when the leader has already exited, so orphaned
        children (``sh -c 'server & worker'``) die too.
        """
        popen = self._popen
        if popen is None or self._stopped:
            return
        pgid = popen.pid
        _signal_group(pgid, signal.SIGTERM)
        deadline = time.monotonic() + grace
        with contextlib.suppress(subprocess.TimeoutExpired):
            popen.wait(timeout=grace)
        while time.monotonic() < deadline and _group_alive(pgid):
            time.sleep(0.02)
        _signal_group(pgid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            popen.wait(timeout=5.0)
        self._stopped = True
        WATCHDOG.forget_group(pgid)
        with _LIVE_LOCK:
            _LIVE.pop(id(self), None)

    def wait_ready(
        self,
        probe: Callable[[], bool],
        timeout: float,
        interval: float = 0.05,
        on_wait: Callable[[float], None] | None = None,
    ) -> None:
        """Poll ``probe`` until it returns True while the process is alive.

        Raises EnvironmentProblem (one line, with the last output lines) when the
        process exits first or ``timeout`` seconds pass. ``on_wait`` gets the seconds
        left before each poll (for a progress line).
        """
        deadline = time.monotonic() + timeout
        while True:
            if on_wait is not None:
                on_wait(max(0.0, deadline - time.monotonic()))
            status = self.poll()
            if status is not None:
                raise EnvironmentProblem(
                    f"{self.name} {describe_status(status)} before it was ready: "
                    f"{self.last_lines()}"
                )
            if _probe_ok(probe):
                return
            if time.monotonic() >= deadline:
                raise EnvironmentProblem(
                    f"{self.name} never became ready within {timeout:g} s: "
                    f"{self.last_lines()}"
                )
            time.sleep(interval)


def describe_status(status: int) -> str:
    """``exited with status 1`` or ``was killed by SIGKILL``."""
    if status >= 0:
        return f"exited with status {status}"
    try:
        return f"was killed by {signal.Signals(-status).name}"
    except ValueError:
        return f"was killed by signal {-status}"


def _probe_ok(probe: Callable[[], bool]) -> bool:
    try:
        return bool(probe())
    except OSError:
        return False


def _signal_group(pgid: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, sig)


def _group_alive(pgid: int) -> bool:
    """True while a non-zombie process is in group ``pgid``.

    Zombies count as dead: orphans are reparented to PID 1, which in containers often
    never reaps them, and a zombie cannot be killed anyway.
    """
    try:
        entries = os.listdir("/proc")
    except OSError:  # no procfs: fall back to "does the group exist at all"
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True
    for entry in entries:
        if not entry.isdigit():
            continue
        try:
            stat = Path("/proc", entry, "stat").read_text()
        except OSError:
            continue
        # /proc/PID/stat: "pid (comm) state ppid pgrp ..."; comm may contain spaces.
        fields = stat[stat.rfind(")") + 2 :].split()
        if len(fields) >= 3 and fields[2] == str(pgid) and fields[0] not in "ZX":
            return True
    return False


def stop_all() -> None:
    """Stop every ManagedProcess that is still registered (started, not stopped)."""
    with _LIVE_LOCK:
        live = list(_LIVE.values())
    for process in live:
        process.stop()


atexit.register(stop_all)


def install_signal_handlers() -> bool:
    """Make SIGINT/SIGTERM stop our children first, then behave as by default.

    SIGINT raises KeyboardInterrupt; SIGTERM exits with status 128 + 15. A handler
    someone else installed (e.g. ``harness.runtime.signals.trapped``) is left alone.
    Idempotent; does nothing (returns False) outside the main thread.
    """
    if threading.current_thread() is not threading.main_thread():
        return False
    for sig, default in _DEFAULTS.items():
        if signal.getsignal(sig) in (default, None):
            signal.signal(sig, _on_signal)
    return True


_DEFAULTS: dict[signal.Signals, object] = {
    signal.SIGINT: signal.default_int_handler,
    signal.SIGTERM: signal.SIG_DFL,
}


def _on_signal(signum: int, frame: FrameType | None) -> None:
    stop_all()
    if signum == signal.SIGINT:
        raise KeyboardInterrupt
    raise SystemExit(128 + signum)


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port that was free on ``host`` a moment ago (the OS picked it)."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
        return port


def tcp_ready(host: str, port: int, timeout: float = 0.2) -> bool:
    """True if a TCP connection to host:port succeeds within ``timeout`` seconds."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False
