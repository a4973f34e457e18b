"""The layered send loop keeps its promises: timed probes alone, REQ-* one at a time,
lanes side by side, every probe once (a fake sender with simulated durations)."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any, cast

from harness.gate import plan as plans
from harness.gate.layered import send_schedule
from harness.runtime.progress import Silent

if TYPE_CHECKING:
    from harness.probe.catalog import Probe
    from harness.probe.evidence import Evidence

LAYERS = ("direct", "nginx", "h2")
#: a simulated probe: silences take 0.2 s, every other probe 0.01 s
SILENCE_S, PROBE_S = 0.2, 0.01


def _schedule() -> plans.ProbeSchedule:
    probes = plans.probes_for(plans.every([], LAYERS).layers[0][1])
    chosen = [(layer, probes, layer == "direct") for layer in LAYERS]
    return plans.schedule(chosen, restartable=True)


def _send_and_record() -> tuple[list[tuple[float, float, str, Probe]], Any]:
    spans: list[tuple[float, float, str, Probe]] = []

    async def send(layer: str, probe: Probe) -> Evidence:
        loop = asyncio.get_running_loop()
        start = loop.time()
        await asyncio.sleep(SILENCE_S if probe.idle else PROBE_S)
        spans.append((start, loop.time(), layer, probe))
        return cast("Evidence", (layer, probe.name))

    return spans, send


def _overlap(
    a: tuple[float, float, str, Probe], b: tuple[float, float, str, Probe]
) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def test_every_probe_is_sent_once_and_filed_under_its_layer():
    schedule = _schedule()
    spans, send = _send_and_record()
    found = asyncio.run(send_schedule(schedule, send, progress=Silent(), idle_s=0))
    assert set(found) == set(LAYERS)
    for layer, evidence in found.items():
        assert all(cast("object", v) == (layer, n) for n, v in evidence.items())
        assert len(evidence) == schedule.totals()[layer]
    assert len(spans) == sum(schedule.totals().values())


def test_timed_probes_go_alone_and_requests_one_at_a_time_while_lanes_overlap():
    spans, send = _send_and_record()
    asyncio.run(send_schedule(_schedule(), send, progress=Silent(), idle_s=0))
    alone = [s for s in spans if s[3].name in plans.ALONE]
    busy = [s for s in spans if not s[3].idle]
    assert len(alone) == 4 * len(LAYERS)
    for timed in alone:  # nothing but silences alongside
        assert not [s for s in busy if s is not timed and _overlap(s, timed)]
    requests = [s for s in spans if s[3].request != "valid"]
    assert all(not _overlap(a, b) for a in requests for b in requests if a is not b)
    lanes = [s for s in busy if s[3].name not in plans.ALONE]
    assert any(_overlap(a, b) for a in lanes for b in lanes if a[2] != b[2])
    silences = [s for s in spans if s[3].idle]
    assert max(s[0] for s in silences) < min(s[0] for s in busy)  # started first
    assert all(_overlap(silence, alone[0]) for silence in silences)
