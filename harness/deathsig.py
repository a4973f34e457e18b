"""``PR_SET_PDEATHSIG``: the kernel kills a child the moment the harness dies (Linux).

prctl(2): "PR_SET_PDEATHSIG: Set the parent-death signal of the calling process to
arg2 [...]. This is the signal that the calling process will get when its parent
dies." — "the 'parent' in this case is considered to be the thread that created this
process", and the setting survives execve (except for set-user-ID binaries).
"""

from __future__ import annotations

import functools
import os
import signal
import sys
import threading
from typing import TYPE_CHECKING, cast

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ["die_with", "lifetime_hook"]

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


@functools.cache
def _prctl() -> Callable[..., int] | None:
    """libc's prctl (Linux), looked up once in the parent, never between fork and exec."""
    if not sys.platform.startswith("linux"):
        return None
    import ctypes

    try:
        function = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    function.argtypes = [ctypes.c_int, *[ctypes.c_ulong] * 4]
    function.restype = ctypes.c_int
    return cast("Callable[..., int]", function)


def lifetime_hook() -> Callable[[], None] | None:
    """A ``preexec_fn`` making the child die (SIGKILL) when this process dies.

    None off Linux and outside the main thread (PR_SET_PDEATHSIG fires when the
    forking *thread* exits; the watchdog covers those cases). The hook also closes the
    race where we died before it ran: then its parent is no longer us, and it kills
    itself.
    """
    prctl = _prctl()
    if prctl is None or threading.current_thread() is not threading.main_thread():
        return None
    parent = os.getpid()

    def hook() -> None:
        prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        if os.getppid() != parent:
            os.kill(os.getpid(), signal.SIGKILL)

    return hook


def die_with(parent: int) -> None:
    """In a child that is already running (a pool worker started by multiprocessing,
    no ``preexec_fn``): SIGKILL when ``parent`` dies, or at once if it already has."""
    prctl = _prctl()
    if prctl is not None:
        prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:
        os.kill(os.getpid(), signal.SIGKILL)
