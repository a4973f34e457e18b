"""harness.runtime.progress: a live line on a terminal, plain lines otherwise, or nothing."""

from __future__ import annotations

import asyncio
import io
import re

from rich.console import Console

from harness.runtime.progress import (
    LiveProgress,
    PlainProgress,
    Progress,
    Silent,
    make_progress,
    tick,
)


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def drive(progress: Progress) -> None:
    progress.phase("starting the mock")
    for left in (60.0, 59.5, 58.2, 0.1):
        progress.countdown("waiting for the proxy", left)
    progress.phase("calibrating")
    for done in range(4):
        progress.step("nginx", done, 3)
    progress.countdown("idle silence", 19.2)
    progress.close()
    progress.close()


def test_plain_lines_one_per_phase_never_per_second() -> None:
    out = io.StringIO()
    drive(PlainProgress(out))
    assert out.getvalue().splitlines() == [
        "sse-harness: starting the mock",
        "sse-harness: waiting for the proxy (at most 60 s left)",
        "sse-harness: calibrating",
        "sse-harness: probing layer nginx: 0/3 probes",
        "sse-harness: probing layer nginx: 3/3 probes",
        "sse-harness: idle silence (at most 20 s left)",
    ]


def test_live_line_shows_phases_countdowns_and_steps_then_clears() -> None:
    out = io.StringIO()
    drive(LiveProgress(Console(file=out, force_terminal=True, width=100)))
    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", out.getvalue())
    for shown in (
        "sse-harness: starting the mock",
        "waiting for the proxy — 60 s left",
        "waiting for the proxy — 59 s left",
        "waiting for the proxy — 1 s left",
        "sse-harness: calibrating",
        "probing layer nginx: 2/3 probes",
        "idle silence — 20 s left",
    ):
        assert shown in text
    assert text.count("59 s left") == 1  # 59.5 and 58.2 -> one redraw each, not more
    assert out.getvalue().endswith("\x1b[?25h\r\x1b[1A\x1b[2K")  # cursor back, erased


def test_make_progress_picks_by_quiet_and_tty() -> None:
    assert isinstance(make_progress(True, Tty()), Silent)
    assert isinstance(make_progress(False, io.StringIO()), PlainProgress)
    live = make_progress(False, Tty())
    assert isinstance(live, LiveProgress)
    live.close()
    out = io.StringIO()
    drive(make_progress(True, out))
    assert out.getvalue() == ""


def test_tick_counts_down_once_a_second_on_a_fake_clock() -> None:
    now = [100.0]
    shown: list[tuple[str, float]] = []

    class Record(Silent):
        def countdown(self, text: str, seconds_left: float) -> None:
            shown.append((text, seconds_left))

    async def sleep(seconds: float) -> None:
        now[0] += seconds

    asyncio.run(
        tick(Record(), "upstream silence", 2.5, clock=lambda: now[0], sleep=sleep)
    )
    assert shown == [
        ("upstream silence", 2.5),
        ("upstream silence", 1.5),
        ("upstream silence", 0.5),
    ]
