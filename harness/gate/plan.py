"""What a gate run will do, decided before anything starts (pure).

A plan is, per layer, the checks to judge there; from it follow the probes to send, in
which lane each goes (``schedule``: what waits, what goes alone, what side by side),
and whether the client self-test (calibration) is needed at all.
The CLI plans every selected check on every layer; the pytest plugin plans exactly the
check-by-layer items that survived ``-k``/``-m``/``--deselect``/``--lf``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from harness.checks import BY_ID, lat, select
from harness.checks.needs import with_roots
from harness.probe.catalog import PROBES, Probe

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from harness.checks import Check

#: checks whose judges read the calibrated budget and baseline (Context.budget_ns)
TIMED = frozenset(check.id for check in lat.CHECKS)
#: checks judged on sub-second timing: LAT-* against the calibrated budget (250-1000
#: ms a token), CANCEL-* against "upstream closed within 2 s of the abort"
#: (``harness.probe.catalog.CANCEL_MS``). Their probes go out one at a time with
#: nothing else but upstream-silence waits alongside, layer after layer, so no other
#: probe's load can delay them.
FINELY_TIMED = TIMED | {"CANCEL-MID-STREAM", "CANCEL-BEFORE-FIRST-TOKEN"}
ALONE = frozenset(name for check in FINELY_TIMED for name in BY_ID[check].probes)
#: behind a layer that cuts (an idle or a total timeout) the IDLE silences last this
#: much longer than the cut, so the cut is seen (docs/layers.md)
CUT_MARGIN_S = 3.0


def silence_s(idle_s: float, cut_s: float | None) -> float:
    """How long the IDLE probes' upstream stays silent behind a layer cutting at
    ``cut_s`` (None: it never cuts): ``idle_s``, or past the cut."""
    return idle_s if cut_s is None else max(idle_s, cut_s + CUT_MARGIN_S)


@dataclass(frozen=True, slots=True)
class Plan:
    #: (layer, checks judged there), in the order the layers run
    layers: tuple[tuple[str, tuple[Check, ...]], ...]

    @property
    def needs_baseline(self) -> bool:
        return any(check.id in TIMED for _, checks in self.layers for check in checks)


def every(patterns: Iterable[str], layers: Iterable[str]) -> Plan:
    """The checks matching ``patterns`` on every layer (the CLI's plan), with the
    checks they may be blocked by (harness.checks.needs): a blocked check always
    names a root that was judged, and a selection never passes on missing evidence."""
    from harness.checks import CATALOGUE

    checks = with_roots(select(tuple(patterns)), CATALOGUE)
    return Plan(tuple((layer, checks) for layer in layers))


def only(wants: Iterable[tuple[str, str]], layers: Iterable[str]) -> Plan:
    """Exactly the (check id, layer) pairs in ``wants``, layers in ``layers``' order."""
    wanted = set(wants)
    from harness.checks import CATALOGUE

    chosen = (
        (
            layer,
            with_roots((c for c in CATALOGUE if (c.id, layer) in wanted), CATALOGUE),
        )
        for layer in layers
    )
    return Plan(tuple((layer, checks) for layer, checks in chosen if checks))


def probes_for(checks: Iterable[Check]) -> list[Probe]:
    """The probes ``checks`` judge, in catalogue order, each once."""
    needed = {name for check in checks for name in check.probes}
    return [probe for name, probe in PROBES.items() if name in needed]


@dataclass(frozen=True, slots=True)
class Lanes:
    """How a layer's probes are sent."""

    #: started first and left running while the others go (long silences)
    background: tuple[Probe, ...]
    #: one after the other
    sequential: tuple[Probe, ...]
    #: against a second proxy instance whose upstream is a dead port
    second_instance: tuple[Probe, ...]


def lanes(probes: Iterable[Probe], *, direct: bool, restartable: bool) -> Lanes:
    """Sort ``probes`` into lanes; drop those this layer or run cannot send.

    ``direct_only`` probes go on the direct layer only (behind nginx the layer, not the
    proxy, decides); ``upstream_down`` needs a proxy command to start a second instance.
    """
    background: list[Probe] = []
    sequential: list[Probe] = []
    second: list[Probe] = []
    for probe in probes:
        if probe.idle:
            background.append(probe)
        elif probe.direct_only and not direct:
            continue
        elif probe.upstream_down:
            if restartable:
                second.append(probe)
        else:
            sequential.append(probe)
    return Lanes(tuple(background), tuple(sequential), tuple(second))


#: one probe on one layer
Sent = tuple[str, Probe]


@dataclass(frozen=True, slots=True)
class ProbeSchedule:
    """A whole run's probes over every layer: what waits, what goes alone, what side by
    side (docs/architecture.md, "What runs side by side")."""

    #: every layer's upstream-silence probes (IDLE-*), started first: they only wait
    background: tuple[Sent, ...]
    #: the finely timed probes (ALONE), one after the other, layer after layer, with
    #: nothing but the background waits alongside
    alone: tuple[Sent, ...]
    #: lanes run side by side, each in order: one per layer with the rest of its probes,
    #: and one for every layer's malformed-request probes (REQ-*: they count upstream
    #: requests without a marker, so no other layer's may arrive meanwhile); with one
    #: layer, one lane (a probe after a crash still finds the proxy not running)
    lanes: tuple[tuple[Sent, ...], ...]

    def totals(self) -> dict[str, int]:
        """How many probes each layer sends."""
        counts: dict[str, int] = {}
        for lane in (self.background, self.alone, *self.lanes):
            for layer, _ in lane:
                counts[layer] = counts.get(layer, 0) + 1
        return counts


def schedule(
    layers: Sequence[tuple[str, Sequence[Probe], bool]], *, restartable: bool
) -> ProbeSchedule:
    """Schedule ``(layer, probes, direct)`` of a run (see ``lanes`` for what is
    dropped): background, alone and side-by-side lanes, layers in the given order."""
    background: list[Sent] = []
    alone: list[Sent] = []
    requests: list[Sent] = []
    own: list[tuple[Sent, ...]] = []
    for layer, probes, direct in layers:
        sorted_ = lanes(probes, direct=direct, restartable=restartable)
        background += [(layer, p) for p in sorted_.background]
        rest: list[Sent] = []
        for probe in (*sorted_.sequential, *sorted_.second_instance):
            if probe.name in ALONE:
                alone.append((layer, probe))
            elif probe.request != "valid":
                requests.append((layer, probe))
            else:
                rest.append((layer, probe))
        own.append(tuple(rest))
    if len(own) == 1:  # one layer: its requests follow its probes, as they always did
        own, requests = [own[0] + tuple(requests)], []
    side = [_rotated(lane, k, len(own)) for k, lane in enumerate(own)]
    side = [lane for lane in (*side, tuple(requests)) if lane]
    return ProbeSchedule(tuple(background), tuple(alone), tuple(side))


def _rotated(lane: tuple[Sent, ...], k: int, n: int) -> tuple[Sent, ...]:
    """Lane ``k`` of ``n`` starts ``k/n`` of the way into its probes (and wraps round),
    so the same probe (e.g. the CPU-heavy one-byte writes of split-bytes) does not go
    out on every layer at the same moment."""
    cut = len(lane) * k // n if n else 0
    return lane[cut:] + lane[:cut]
