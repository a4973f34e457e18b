"""What a gate run will do, decided before anything starts (pure).

A plan is, per layer, the checks to judge there; from it follow the probes to send, in
which lane each goes, and whether the client self-test (calibration) is needed at all.
The CLI plans every selected check on every layer; the pytest plugin plans exactly the
check-by-layer items that survived ``-k``/``-m``/``--deselect``/``--lf``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from harness.checks import lat, select
from harness.checks.needs import with_roots
from harness.probe.catalog import PROBES, Probe

if TYPE_CHECKING:
    from collections.abc import Iterable

    from harness.checks import Check

#: checks whose judges read the calibrated budget and baseline (Context.budget_ns)
TIMED = frozenset(check.id for check in lat.CHECKS)


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
