"""Send a run's probes through every layer at once, as a ProbeSchedule says (I/O).

The schedule (harness.gate.plan.schedule) is decided beforehand; this loop only follows
it: start every layer's upstream-silence probes, send the finely timed probes one
after the other (nothing else but those silent waits alongside), then run the other
lanes side by side, then collect the silences. Every probe is bounded by its own
limits (harness.probe.perform), so every wait here is too.
"""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING

from harness.runtime.progress import tick

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Iterable

    from harness.gate.plan import ProbeSchedule, Sent
    from harness.probe.catalog import Probe
    from harness.probe.evidence import Evidence
    from harness.runtime.progress import Progress

    Send = Callable[[str, Probe], Awaitable[Evidence]]

__all__ = ["send_schedule"]

#: how long the silence probes get to be sent and answered before the first timed probe
SETTLE_S = 1.0


def _retrieved(task: asyncio.Future[Evidence] | asyncio.Future[None]) -> None:
    """Mark a task's exception as seen (KeyboardInterrupt on Ctrl-C)."""
    if not task.cancelled():
        task.exception()


class _Found:
    """Evidence by layer and probe, with progress per layer."""

    def __init__(self, schedule: ProbeSchedule, progress: Progress) -> None:
        self.totals = schedule.totals()
        self.by_layer: dict[str, dict[str, Evidence]] = {
            layer: {} for layer in self.totals
        }
        self.progress = progress
        for layer, total in self.totals.items():
            progress.step(layer, 0, total)

    def add(self, sent: Sent, evidence: Evidence) -> None:
        layer, probe = sent
        self.by_layer[layer][probe.name] = evidence
        self.progress.step(layer, len(self.by_layer[layer]), self.totals[layer])


async def _in_order(lane: Iterable[Sent], send: Send, found: _Found) -> None:
    for layer, probe in lane:
        found.add((layer, probe), await send(layer, probe))


async def send_schedule(
    schedule: ProbeSchedule, send: Send, *, progress: Progress, idle_s: float
) -> dict[str, dict[str, Evidence]]:
    """Every probe of ``schedule`` sent with ``send(layer, probe)``: evidence by layer."""
    found = _Found(schedule, progress)
    silence_ends = time.monotonic() + idle_s
    background = [
        (sent, asyncio.ensure_future(send(*sent))) for sent in schedule.background
    ]
    lanes: list[asyncio.Future[None]] = []
    for _, task in background:  # a Ctrl-C landing in one is not "lost"
        task.add_done_callback(_retrieved)
    try:
        if background and schedule.alone:
            # the silences go out first, and their requests (through TLS and nginx,
            # up to a dozen at once) are answered before anything is finely timed
            await asyncio.sleep(min(SETTLE_S, idle_s / 3))
        await _in_order(schedule.alone, send, found)
        lanes = [
            asyncio.ensure_future(_in_order(lane, send, found))
            for lane in schedule.lanes
        ]
        for lane_task in lanes:
            lane_task.add_done_callback(_retrieved)
        await asyncio.gather(*lanes)
        if background:
            left = max(0.0, silence_ends - time.monotonic())
            countdown = asyncio.ensure_future(tick(progress, "upstream silence", left))
            try:
                for sent, task in background:
                    found.add(sent, await task)
            finally:
                countdown.cancel()
    finally:
        started: list[asyncio.Future[Evidence] | asyncio.Future[None]] = [*lanes]
        started += [task for _, task in background]
        pending = [future for future in started if not future.done()]
        for future in pending:
            future.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
    return found.by_layer
