"""The survivor: kills our process groups and removes our temp dirs when we die.

Requirement: every child the harness starts dies when the harness dies, also on
SIGKILL; temp directories are removed by the survivor or by the next run.

``PR_SET_PDEATHSIG`` (harness.processes) kills each *direct* child when the harness
dies, but only on Linux, and not the grandchildren a proxy command leaves in its
process group (``sh -c 'server & worker'``, ``npm start`` -> node). So the first
ManagedProcess also starts this watchdog: a tiny stdlib-only program
(``python -I -S harness/watchdog.py PARENT_PID``) in its own session, so neither a
terminal's Ctrl-C nor a kill of the harness's process group reaches it. The harness
tells it, one JSON line per change on its stdin, which process groups and
directories to clean up (``["group", 123]``, ``["ungroup", 123]``, ``["dir", "/tmp/x"]``,
``["undir", "/tmp/x"]``). When the harness dies — however — the kernel closes the
pipe: the watchdog reads end-of-file (or, failing that, sees its parent pid change
within ``POLL_S``), SIGKILLs every group still listed, removes every directory still
listed and exits. When the harness exits normally nothing is listed any more.

This file runs as a script without importing the harness package: standard library only.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import IO

__all__ = ["WATCHDOG", "Watchdog", "cleanup", "serve"]

POLL_S = 0.5
KILL_ROUNDS = 3  # a group member may fork while we kill: sweep it again
ROUND_GAP_S = 0.05


def cleanup(groups: set[int], dirs: set[str]) -> None:
    """SIGKILL every listed process group, then remove every listed directory."""
    for _ in range(KILL_ROUNDS):
        for pgid in groups:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(pgid, signal.SIGKILL)
        time.sleep(ROUND_GAP_S)
    for path in dirs:
        shutil.rmtree(path, ignore_errors=True)


def apply(line: bytes, groups: set[int], dirs: set[str]) -> None:
    """Update the lists from one protocol line; malformed lines are ignored."""
    try:
        verb, value = json.loads(line)
    except (ValueError, TypeError):
        return
    table = {
        "group": lambda: groups.add(int(value)),
        "ungroup": lambda: groups.discard(int(value)),
        "dir": lambda: dirs.add(str(value)),
        "undir": lambda: dirs.discard(str(value)),
    }
    action = table.get(verb)
    if action is not None:
        with contextlib.suppress(ValueError, TypeError):
            action()


def serve(parent: int, stream: IO[bytes]) -> None:
    """Read orders until the parent is gone, then clean up what is still listed."""
    groups: set[int] = set()
    dirs: set[str] = set()
    fd = stream.fileno()
    pending = b""
    while True:
        ready, _, _ = select.select([fd], [], [], POLL_S)
        if ready:
            chunk = os.read(fd, 65536)
            if not chunk:
                break
            *lines, pending = (pending + chunk).split(b"\n")
            for line in lines:
                apply(line, groups, dirs)
        elif os.getppid() != parent:
            break
    cleanup(groups, dirs)


class Watchdog:
    """The harness side: starts the watchdog on first use and keeps it informed.

    Best effort: when the watchdog cannot be started or has died, a new one is started
    and told everything still listed; if that fails too, PDEATHSIG and the next run's
    sweep remain.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._proc: subprocess.Popen[bytes] | None = None
        self._owner = 0
        self._listed: dict[tuple[str, str], None] = {}

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    def watch_group(self, pgid: int) -> None:
        self._send("group", pgid)

    def forget_group(self, pgid: int) -> None:
        self._send("ungroup", pgid)

    def watch_dir(self, path: Path | str) -> None:
        self._send("dir", str(path))

    def forget_dir(self, path: Path | str) -> None:
        self._send("undir", str(path))

    def _send(self, verb: str, value: int | str) -> None:
        key = ("dir" if "dir" in verb else "group", str(value))
        with self._lock:
            if verb in ("group", "dir"):
                self._listed[key] = None
            else:
                self._listed.pop(key, None)
            line = json.dumps([verb, value]).encode() + b"\n"
            for _attempt in range(2):
                proc = self._running()
                if proc is None or proc.stdin is None:
                    return
                try:
                    proc.stdin.write(line)
                    proc.stdin.flush()
                    return
                except OSError:
                    self._proc = None

    def _running(self) -> subprocess.Popen[bytes] | None:
        proc = self._proc
        if proc is not None and self._owner == os.getpid() and proc.poll() is None:
            return proc
        try:
            proc = subprocess.Popen(
                [sys.executable, "-I", "-S", str(Path(__file__)), str(os.getpid())],
                stdin=subprocess.PIPE,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
                close_fds=True,
                cwd="/",
            )
        except OSError:
            return None
        self._proc, self._owner = proc, os.getpid()
        assert proc.stdin is not None
        with contextlib.suppress(OSError):
            for kind, value in self._listed:
                verb = "dir" if kind == "dir" else "group"
                item: int | str = value if kind == "dir" else int(value)
                proc.stdin.write(json.dumps([verb, item]).encode() + b"\n")
            proc.stdin.flush()
        return proc


#: the harness process's one watchdog
WATCHDOG = Watchdog()


if __name__ == "__main__":
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    serve(int(sys.argv[1]), sys.stdin.buffer)
