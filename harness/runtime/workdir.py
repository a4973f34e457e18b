"""A run's temp directory: named after its owner, removed by the survivor or the next run.

Temp directories are removed by the survivor or by the next run. The directory is
``sse-harness-<pid>-<random>`` under the system temp dir; it also holds ``owner`` (pid,
the kernel's start time of that process and its pid namespace) so a recycled pid is not
mistaken for the owner, and a directory made in another pid namespace (containers
sharing /tmp) is never judged by our pids. It is listed with the watchdog (removed when
the harness is SIGKILLed), and every new run first removes the directories whose owner
is gone.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from harness.watchdog import WATCHDOG

if TYPE_CHECKING:
    from collections.abc import Iterator

__all__ = ["PREFIX", "owner_alive", "pid_namespace", "run_workdir", "sweep_stale"]

PREFIX = "sse-harness-"
NAME = re.compile(rf"^{re.escape(PREFIX)}(\d+)-")
OWNER_FILE = "owner"


def start_time(pid: int) -> str | None:
    """Field 22 of /proc/PID/stat (start time in clock ticks), None without procfs."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat[stat.rfind(")") + 2 :].split()
    return fields[19] if len(fields) > 19 else None


def pid_namespace() -> str:
    """``pid:[4026531836]`` (Linux), "-" when it cannot be told."""
    try:
        return os.readlink("/proc/self/ns/pid")
    except OSError:
        return "-"


def _pid_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def owner_alive(directory: Path) -> bool:
    """The process that made ``directory`` still runs (the same process, not its pid's
    next user). Unknown owners count as alive: never remove what may be in use."""
    found = NAME.match(directory.name)
    if found is None:
        return True
    try:
        recorded = (directory / OWNER_FILE).read_text().split()
    except OSError:
        recorded = []  # a run still creating it
    if len(recorded) == 3 and recorded[2] != pid_namespace():
        return True  # another container's pid: not ours to judge
    pid = int(found.group(1))
    if not _pid_exists(pid):
        return False
    then = recorded[1] if len(recorded) == 3 and recorded[1] != "-" else None
    now = start_time(pid)
    return then is None or now is None or then == now


def sweep_stale(root: Path | None = None) -> list[Path]:
    """Remove ``sse-harness-<pid>-*`` directories whose owner is dead; return them."""
    base = Path(root if root is not None else tempfile.gettempdir())
    removed: list[Path] = []
    try:
        entries = list(base.iterdir())
    except OSError:
        return removed
    for entry in entries:
        ours = NAME.match(entry.name) and entry.is_dir() and not entry.is_symlink()
        if ours and not owner_alive(entry):
            shutil.rmtree(entry, ignore_errors=True)
            removed.append(entry)
    return removed


@contextlib.contextmanager
def run_workdir(given: Path | None = None, root: Path | None = None) -> Iterator[Path]:
    """Yield the run's working directory.

    ``given``: use (and keep) that directory. Otherwise sweep stale ones, make
    ``sse-harness-<pid>-XXXX`` under ``root`` (default: the system temp dir), list it
    with the watchdog, and remove it on the way out.
    """
    if given is not None:
        given.mkdir(parents=True, exist_ok=True)
        yield given
        return
    sweep_stale(root)
    pid = os.getpid()
    path = Path(tempfile.mkdtemp(prefix=f"{PREFIX}{pid}-", dir=root))
    (path / OWNER_FILE).write_text(
        f"{pid} {start_time(pid) or '-'} {pid_namespace()}\n"
    )
    WATCHDOG.watch_dir(path)
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)
        WATCHDOG.forget_dir(path)
