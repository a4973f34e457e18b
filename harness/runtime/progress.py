"""What the gate is doing right now, on stderr: a live line on a terminal, else lines.

On a terminal, a live line shows the phase (starting mock, waiting for the proxy — with
the seconds left —, calibrating, probing layer X: n/m checks, the idle silence
countdown); plain lines when stderr is not a TTY or with --quiet.

Three implementations of one protocol: ``LiveProgress`` (rich, one line rewritten in
place), ``PlainProgress`` (one line per phase, nothing per second) and ``Silent``.
``make_progress`` picks one.
"""

from __future__ import annotations

import asyncio
import math
import sys
import time
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable
    from typing import TextIO

    from rich.console import Console
    from rich.live import Live

__all__ = [
    "LiveProgress",
    "PlainProgress",
    "Progress",
    "Silent",
    "make_progress",
    "tick",
]

PREFIX = "sse-harness: "


class Progress(Protocol):
    def phase(self, text: str) -> None:
        """A new phase began: "starting the mock", "calibrating"."""

    def countdown(self, text: str, seconds_left: float) -> None:
        """A bounded wait: "waiting for the proxy", 41.2 s left."""

    def step(self, layer: str, done: int, total: int) -> None:
        """``done`` of ``total`` probes sent on ``layer``."""

    def close(self) -> None:
        """The run is over: leave the terminal clean. Idempotent."""


def _seconds(left: float) -> str:
    return f"{max(0, math.ceil(left))} s left"


def _step_text(layer: str, done: int, total: int) -> str:
    return f"probing layer {layer}: {done}/{total} probes"


class Silent:
    """``--quiet``: nothing at all."""

    def phase(self, text: str) -> None:
        pass

    def countdown(self, text: str, seconds_left: float) -> None:
        pass

    def step(self, layer: str, done: int, total: int) -> None:
        pass

    def close(self) -> None:
        pass


class PlainProgress:
    """Not a terminal (CI logs): one line when the phase changes, never per second.

    A countdown prints its text once, with the bound; a layer prints when it starts
    and when its last probe is done.
    """

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self._last = ""

    def _say(self, text: str) -> None:
        if text != self._last:
            self._last = text
            print(PREFIX + text, file=self.stream, flush=True)

    def phase(self, text: str) -> None:
        self._say(text)

    def countdown(self, text: str, seconds_left: float) -> None:
        if not self._last.startswith(text):
            self._say(f"{text} (at most {_seconds(seconds_left)})")

    def step(self, layer: str, done: int, total: int) -> None:
        if done == 0 or done == total:
            self._say(_step_text(layer, done, total))

    def close(self) -> None:
        self._last = ""


class LiveProgress:
    """A terminal: one live line (spinner + text), rewritten in place, erased at close."""

    def __init__(self, console: Console) -> None:
        from rich.live import Live

        self.console = console
        self._shown = ""
        self._live: Live | None = Live(
            "", console=console, transient=True, auto_refresh=False
        )
        self._live.start()

    def _show(self, text: str) -> None:
        if self._live is None or text == self._shown:
            return
        self._shown = text
        from rich.text import Text

        self._live.update(Text(PREFIX + text, no_wrap=True, overflow="ellipsis"))
        self._live.refresh()

    def phase(self, text: str) -> None:
        self._show(text)

    def countdown(self, text: str, seconds_left: float) -> None:
        self._show(f"{text} — {_seconds(seconds_left)}")

    def step(self, layer: str, done: int, total: int) -> None:
        self._show(_step_text(layer, done, total))

    def close(self) -> None:
        if self._live is not None:
            self._live.stop()
            self._live = None


def make_progress(quiet: bool, stream: TextIO | None = None) -> Progress:
    """Silent with ``quiet``; live on a terminal; plain lines otherwise."""
    out = stream if stream is not None else sys.stderr
    if quiet:
        return Silent()
    if out.isatty():
        from rich.console import Console

        return LiveProgress(Console(file=out))
    return PlainProgress(out)


async def tick(
    progress: Progress,
    text: str,
    seconds: float,
    *,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> None:
    """Count ``seconds`` down on ``progress`` once a second (run it as a task beside
    the wait it describes, e.g. the IDLE silence; cancel it when the wait ends)."""
    end = clock() + seconds
    while (left := end - clock()) > 0:
        progress.countdown(text, left)
        await sleep(min(1.0, left))
