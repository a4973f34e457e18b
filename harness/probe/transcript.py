"""An observation read the way a browser would: timed events, then dialect readings.

Pure: the observation's body chunks go through the WHATWG parser read by read, so each
event carries the stamp of the read that completed it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from harness.probe.dialects import Dialect, Kind, Reading
from harness.sse import Comment, Event, Finding, SSEParser

if TYPE_CHECKING:
    from harness.client.observation import Observation


@dataclass(frozen=True, slots=True)
class Timed:
    t_ns: int
    kind: Kind
    text: str
    event: Event


@dataclass(frozen=True, slots=True)
class Transcript:
    events: tuple[tuple[int, Event], ...]
    comments: tuple[tuple[int, Comment], ...]
    readings: tuple[Timed, ...]
    findings: tuple[Finding, ...]
    #: the final event the spec discards because no blank line ended it
    unterminated: str | None
    line_endings: dict[str, int]

    def of(self, kind: Kind) -> tuple[Timed, ...]:
        return tuple(r for r in self.readings if r.kind is kind)

    @property
    def tokens(self) -> tuple[Timed, ...]:
        """The tokens a client reads: those before the completion event (a client
        stops there; tokens after it are END-NOTHING-AFTER-DONE's finding)."""
        found = []
        for reading in self.readings:
            if reading.kind is Kind.DONE:
                break
            if reading.kind is Kind.TOKEN:
                found.append(reading)
        return tuple(found)

    @property
    def text(self) -> str:
        return "".join(r.text for r in self.tokens)

    @property
    def done(self) -> Timed | None:
        found = self.of(Kind.DONE)
        return found[0] if found else None

    @property
    def errors(self) -> tuple[Timed, ...]:
        return self.of(Kind.ERROR)


def transcribe(obs: Observation, dialect: Dialect) -> Transcript:
    """Parse ``obs`` read by read and classify each event with ``dialect``."""
    parser = SSEParser()
    events: list[tuple[int, Event]] = []
    comments: list[tuple[int, Comment]] = []
    for chunk in obs.chunks:
        _sort(parser.feed(chunk.data), chunk.t_ns, events, comments)
    _sort(parser.close(), obs.end_ns, events, comments)
    readings = [
        Timed(t_ns, reading.kind, reading.text, event)
        for t_ns, event in events
        for reading in classify_safely(dialect, event)
    ]
    return Transcript(
        events=tuple(events),
        comments=tuple(comments),
        readings=tuple(readings),
        findings=tuple(parser.findings),
        unterminated=parser.unterminated,
        line_endings=dict(parser.line_endings),
    )


def _sort(
    items: list[Event | Comment],
    t_ns: int,
    events: list[tuple[int, Event]],
    comments: list[tuple[int, Comment]],
) -> None:
    for item in items:
        if isinstance(item, Event):
            events.append((t_ns, item))
        else:
            comments.append((t_ns, item))


def classify_safely(dialect: Dialect, event: Event) -> list[Reading]:
    """The dialect's readings of ``event``; its exception becomes an OTHER reading
    whose text starts ``dialect raised`` (recorded, never swallowed, never raised)."""
    try:
        return list(dialect.classify(event))
    except Exception as exc:  # a custom dialect must not crash the verdict
        return [Reading(Kind.OTHER, f"dialect raised {type(exc).__name__}: {exc}")]
