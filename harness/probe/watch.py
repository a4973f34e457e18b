"""When the client of one probe stops reading, decided read by read.

The observing client (harness.client.loop) feeds every decoded body read to a
:class:`Watch`; it says when to abort: at the first token or error event where the
probe asks for it, when a stream goes on past its completion, or at a bound on events
(harness.client.bounds), naming it.
"""

from __future__ import annotations

import time

from harness.client.bounds import DEFAULT, Bounds, size
from harness.probe.dialects import Dialect, Kind, Reading
from harness.sse import LINT_EVENT_TOO_LARGE, Event, SSEParser


class Watch:
    """A Stopper: abort at the first token (cancellation probes), at the first error
    event (failure probes: the client can tell), once a stream has gone on for
    ``after_done_s`` past its completion event (it never ends), or at a bound on events
    (how many, how large one may grow)."""

    def __init__(
        self,
        dialect: Dialect,
        *,
        first_token: bool,
        first_error: bool = False,
        bounds: Bounds = DEFAULT,
    ) -> None:
        self.parser = SSEParser(max_findings=1000, max_event_size=bounds.event_bytes)
        self.dialect = dialect
        self.first_token = first_token
        self.first_error = first_error
        self.done_at: float | None = None
        self.max_events = bounds.events
        self.max_event = bounds.event_bytes
        self.after_done_s = bounds.after_done_s
        self.events = 0
        self.bound = ""

    def cut_in(self) -> float | None:
        """Seconds until a stream open past its completion is cut, with or without
        another byte (None before the completion)."""
        if self.done_at is None:
            return None
        return self.done_at + self.after_done_s - time.monotonic()

    def feed(self, data: bytes) -> bool:
        items = self.parser.feed(data)
        self.events += len(items)
        if self.events > self.max_events:
            self.bound = f"more than {self.max_events} events (comments included)"
            return True
        if self.parser.finding_counts.get(LINT_EVENT_TOO_LARGE):
            self.bound = f"no event boundary in {size(self.max_event)}"
            return True
        for item in items:
            if not isinstance(item, Event):
                continue
            kinds = {r.kind for r in _classify(self.dialect, item)}
            if self.first_token and Kind.TOKEN in kinds:
                return True
            if self.first_error and Kind.ERROR in kinds:
                return True
            if Kind.DONE in kinds and self.done_at is None:
                self.done_at = time.monotonic()
        return (
            self.done_at is not None
            and time.monotonic() - self.done_at > self.after_done_s
        )


def _classify(dialect: Dialect, event: Event) -> list[Reading]:
    try:
        return dialect.classify(event)
    except Exception:  # a custom dialect's bug is reported by the transcript, not here
        return []
