"""SIGTERM takes the same way out as Ctrl-C: a report with the error, then exit 143.

Inside ``trapped()``, SIGINT raises KeyboardInterrupt and SIGTERM raises Terminated
(a KeyboardInterrupt, so every ``except KeyboardInterrupt`` and asyncio's own handling
treat both alike) in the main thread; unwinding stops every child through the context
managers that started it. A second signal while unwinding is noted, not raised, so
cleanup (every step of it bounded) is not cut short. ``exit_status(exc)`` is 130 or 143.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator
    from types import FrameType

__all__ = ["Terminated", "Trap", "exit_status", "trapped"]

SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Terminated(KeyboardInterrupt):
    """SIGTERM arrived (raised in the main thread like KeyboardInterrupt)."""

    signum = signal.SIGTERM


def exit_status(exc: BaseException) -> int:
    """128 + the signal number: 143 for Terminated, 130 for any other interrupt."""
    signum = getattr(exc, "signum", signal.SIGINT)
    return 128 + int(signum)


class Trap:
    """What arrived: ``received`` lists the signals in order (the first one counts)."""

    def __init__(self) -> None:
        self.received: list[signal.Signals] = []

    @property
    def status(self) -> int | None:
        """The exit status the first signal asks for, None when none arrived."""
        return 128 + int(self.received[0]) if self.received else None

    def handle(self, signum: int, frame: FrameType | None) -> None:
        self.received.append(signal.Signals(signum))
        if len(self.received) > 1:
            return
        if signum == signal.SIGTERM:
            raise Terminated
        raise KeyboardInterrupt


@contextlib.contextmanager
def trapped() -> Iterator[Trap]:
    """Install the handlers (main thread only; elsewhere a no-op), restore on exit."""
    trap = Trap()
    if threading.current_thread() is not threading.main_thread():
        yield trap
        return
    previous = {sig: signal.getsignal(sig) for sig in SIGNALS}
    for sig in SIGNALS:
        signal.signal(sig, trap.handle)
    try:
        yield trap
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
