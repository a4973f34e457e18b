"""What one probe may cost the harness, whatever the target sends (pure).

A hostile or broken target must not take the gate down: every probe stops at a limit
on its response head (size and time), on the bytes and events it reads, on one
event's size and on its wall time. Each sits well above what a correct proxy produces
(the largest probe, the size sweep, is about 1.5 MB in a few hundred events of at
most 1 MiB), and every time bound sits above the longest silence the gate itself
schedules for that probe (the IDLE silences, a header delay), so a proxy whose head
waits for upstream never reaches one. Reaching one is a finding of the checks that
probe serves (harness.gate.judge), with what was seen; docs/checks.md states them.
"""

from __future__ import annotations

from dataclasses import dataclass

KIB = 1024
MIB = 1024 * KIB
#: what a probe that reached a bound keeps of its body as evidence (report.html shows
#: 2 KiB of it; the checks judge "what came before" on it)
KEPT_AFTER_BOUND = 64 * KIB


@dataclass(frozen=True, slots=True)
class Bounds:
    """Per-probe limits; the ``*_s`` ones are seconds beyond the probe's silence."""

    #: a response head larger than this is no head
    head_bytes: int = 64 * KIB
    #: the head must be complete this long after the probe's scheduled silence
    head_s: float = 10.0
    #: body bytes read per probe
    probe_bytes: int = 16 * MIB
    #: events read per probe
    events: int = 20_000
    #: one event (from its first line's first byte to its last line's end)
    event_bytes: int = 4 * MIB
    #: a probe's whole exchange, beyond its scheduled silence
    wall_s: float = 45.0
    #: no byte for this long, beyond the silence, ends the probe (twice for IDLE)
    quiet_s: float = 5.0
    #: a stream still open this long after its completion event is cut (END-DONE
    #: wants the end within 2 s)
    after_done_s: float = 3.0


#: the options that tighten them: ``--bound-NAME``, the field, the help
OPTIONS: tuple[tuple[str, str, str], ...] = (
    ("head-bytes", "head_bytes", "largest response head, bytes"),
    ("head-seconds", "head_s", "a head is complete this long after the silence"),
    ("probe-bytes", "probe_bytes", "body bytes read per probe"),
    ("events", "events", "events read per probe"),
    ("event-bytes", "event_bytes", "largest event, bytes"),
    ("probe-seconds", "wall_s", "a probe's wall time beyond its silence"),
    ("quiet-seconds", "quiet_s", "no byte for this long beyond the silence"),
    (
        "after-done-seconds",
        "after_done_s",
        "a stream is cut this long after completion",
    ),
)


def from_options(values: dict[str, float]) -> Bounds:
    """Bounds from option values keyed by dest (``bound_head_bytes`` ...)."""
    return Bounds(
        **{
            field: values[f"bound_{name.replace('-', '_')}"]
            for name, field, _ in OPTIONS
        }  # type: ignore[arg-type]
    )


def silence_s(idle: bool, header_delay_ms: int, idle_s: float) -> float:
    """The longest silence the gate schedules for a probe: its IDLE silence (which a
    layer's timeout may have lengthened into ``idle_s``) or upstream's header delay."""
    return idle_s if idle else header_delay_ms / 1000


def size(n: int) -> str:
    """``n`` bytes as the docs and details say it (64 KiB, 16 MiB, 100 B)."""
    for unit, scale in (("MiB", MIB), ("KiB", KIB)):
        if n >= scale and n % scale == 0:
            return f"{n // scale} {unit}"
    return f"{n} B"


def describe(b: Bounds) -> str:
    """The bounds as one paragraph of docs/checks.md."""
    return (
        f"**Bounds.** Whatever the target sends, a probe stops at: a response head of "
        f"{size(b.head_bytes)}, or one not complete {b.head_s:g} s after the probe's "
        f"scheduled silence; {size(b.probe_bytes)} of body or {b.events} events; one "
        f"event of {size(b.event_bytes)} without an event boundary; no byte for "
        f"{b.quiet_s:g} s beyond the silence (twice that on the IDLE probes); "
        f"{b.wall_s:g} s of wall time beyond the silence; a stream still open "
        f"{b.after_done_s:g} s after its completion event is cut. The silence is the longest "
        "the gate itself schedules for the probe (the IDLE silence, as long as "
        "`--idle-seconds` or a layer's timeout makes it; upstream's header delay), so "
        "a correct proxy whose head waits for upstream never reaches a bound. Reaching "
        "one is a finding of the checks that probe serves, at their level, with what "
        'was seen ("head not complete after 64 KiB"), and such a probe keeps only the '
        f"first {size(KEPT_AFTER_BOUND)} of its body as evidence (so a run through many "
        "layers stays bounded in memory too); the run still writes every report. "
        "Tests tighten them with `--bound-*` options."
    )


#: the bounds of a run that does not tighten them
DEFAULT = Bounds()
