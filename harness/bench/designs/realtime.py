"""Real-time scheduling for the benchmark's own processes: the measuring instrument.

Lag is the client's read stamp minus the mock's write stamp, so every millisecond the
client or the mock waits for a core counts as lag the harness adds. Measured on this
project's 2-core machine shared with other work (load 5-14), baseline at 100 streams,
``fixed:40``: a client event loop using 23 % of a core saw 4-30 ms stalls (waiting
to be scheduled, not working) and the lag p99 was 12-41 ms; ``nice -10`` changed nothing
(14-31 ms); with the client processes under ``SCHED_RR`` above the mock (also
``SCHED_RR``) it was 0.3-1.8 ms. The client sits above the mock so that a write wakes
its reader at once; the mock stamps each write just before the write (a reader that
preempts it after the write cannot move its stamp).

Only threads that run the instrument's event loop get it (``SCHED_RESET_ON_FORK``:
nothing they start inherits it), and only while a process carries at most the
measurement floor of streams: past it the instrument would be CPU-bound at real-time
priority and starve the design under test (and the machine; the kernel keeps 5 % of
every second for the rest). Needs ``CAP_SYS_NICE`` (root) or an ``RLIMIT_RTPRIO``; else
everything runs as before and the report says why.
"""

from __future__ import annotations

import contextlib
import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator

#: the client's read loops preempt the mock, which preempts everything else
CLIENT_PRIORITY = 2
MOCK_PRIORITY = 1


def set_realtime(pid: int, priority: int) -> str:
    """``SCHED_RR`` at ``priority`` for thread ``pid`` (0: this one): "" or why not."""
    try:
        policy = os.SCHED_RR | os.SCHED_RESET_ON_FORK
        os.sched_setscheduler(pid, policy, os.sched_param(priority))
    except AttributeError:
        return "not available on this platform"
    except OSError as exc:
        return exc.strerror or str(exc)
    return ""


def set_normal(pid: int) -> None:
    """Back to the default time-sharing policy (quietly: the thread may be gone)."""
    with contextlib.suppress(AttributeError, OSError):
        os.sched_setscheduler(pid, os.SCHED_OTHER, os.sched_param(0))


@contextlib.contextmanager
def realtime(priority: int, enabled: bool = True) -> Iterator[bool]:
    """This thread under ``SCHED_RR`` for the block (when enabled and permitted),
    then back to the default policy; yields whether it is."""
    if not enabled or set_realtime(0, priority):
        yield False
        return
    try:
        yield True
    finally:
        set_normal(0)


def problem() -> str:
    """Why the instrument cannot run real-time here ("" when it can)."""
    if why := set_realtime(0, CLIENT_PRIORITY):
        return why
    set_normal(0)
    return ""


def scheduling(wanted: bool, floor: int) -> tuple[bool, str]:
    """Whether the instrument may run real-time here, and the report's line on it."""
    if not wanted:
        return False, "normal (real-time scheduling switched off)"
    if why := problem():
        return False, f"normal: real-time scheduling not permitted here ({why})"
    return True, (
        f"SCHED_RR for the mock and the client processes while each client process "
        f"carries at most {floor} streams"
    )


def mock_realtime(pid: int | None, on: bool) -> bool:
    """The mock's event loop (its main thread) real-time or back to normal; whether
    it is real-time now."""
    if pid is None:
        return False
    if on:
        return not set_realtime(pid, MOCK_PRIORITY)
    set_normal(pid)
    return False
