"""Exit when the process that started us is gone (``serve --parent-pid PID``).

A backup for Linux's PR_SET_PDEATHSIG (set by the harness when it starts the mock):
that signal is lost if the parent thread that forked exits first, and other systems
have none. A daemon thread polls every ``POLL_S`` seconds; the parent is gone when
``kill(pid, 0)`` fails, or when we were its child and have been re-parented.
"""

from __future__ import annotations

import os
import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable

POLL_S = 0.5
ENV = "MOCK_OLLAMA_PARENT_PID"


def parent_alive(pid: int, was_parent: bool) -> bool:
    """True while ``pid`` exists (and, if it was our parent, still is)."""
    if was_parent and os.getppid() != pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # exists, owned by someone else
    return True


def watch_parent(pid: int, on_gone: Callable[[], None]) -> threading.Event:
    """Call ``on_gone`` once ``pid`` has gone; set the returned event to stop watching."""
    stop = threading.Event()
    was_parent = os.getppid() == pid

    def run() -> None:
        while not stop.wait(POLL_S):
            if not parent_alive(pid, was_parent):
                on_gone()
                return

    threading.Thread(target=run, name="mock-ollama-parent-watch", daemon=True).start()
    return stop
