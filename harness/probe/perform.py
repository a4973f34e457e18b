"""Perform one probe against one layer and collect its evidence (I/O shell).

A thin loop: build the request (pure), observe it (harness.client.loop), ask the mock what
it saw (harness.upstream.mock), and freeze it all into an Evidence for the judges. A
``Prober`` binds the front, the mock and the run's options, so ``prober.perform(probe)``
takes one argument; it also stops sending once the proxy has left UNRESPONSIVE_AFTER
requests in a row unanswered.
"""

from __future__ import annotations

import asyncio
import secrets
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from harness.client.bounds import DEFAULT, Bounds, silence_s
from harness.client.loop import Limits, observe
from harness.client.observation import End, Observation, Request
from harness.probe.catalog import CANCEL_MS, PROMPT
from harness.probe.dialects import Dialect
from harness.probe.evidence import Evidence, Expected
from harness.probe.expected import expected_tokens
from harness.probe.requests import build_request
from harness.probe.scenarios import scenario_lines
from harness.probe.transcript import transcribe
from harness.probe.watch import Watch

if TYPE_CHECKING:
    from collections.abc import Callable

    from harness.probe.catalog import Probe
    from harness.probe.dialects import Dialect
    from harness.upstream.exchanges import Exchange
    from harness.upstream.mock import MockUpstream

#: how long to wait for the proxied request to reach the mock before aborting anyway
UPSTREAM_WAIT_S = 5.0
POLL_S = 0.05


@dataclass(frozen=True, slots=True)
class Front:
    """Where and how to send: the layer's URL for the proxy, and request options."""

    url: str
    dialect: Dialect
    model: str | None
    headers: tuple[tuple[str, str], ...]
    http2: bool
    ca_path: str | None
    alive: Callable[[], bool]


#: after this many requests in a row without a response head, stop sending more
UNRESPONSIVE_AFTER = 3


def expected_for(probe: Probe) -> Expected:
    """What upstream sends for ``probe`` (nothing when upstream is down)."""
    if probe.upstream_down:
        return Expected((), ())
    return expected_tokens(scenario_lines(probe.scenario), probe.faults)


class Prober:
    """Sends probes to one front (a layer's URL for the proxy) with the mock and options bound."""

    __slots__ = ("bounds", "front", "idle_s", "layer", "mock", "silent")

    def __init__(
        self,
        front: Front,
        mock: MockUpstream,
        *,
        layer: str,
        idle_s: float,
        bounds: Bounds = DEFAULT,
    ) -> None:
        self.front = front
        self.mock = mock
        self.layer = layer
        self.idle_s = idle_s
        self.bounds = bounds
        #: requests in a row the proxy left without a response head
        self.silent = 0

    async def perform(self, probe: Probe) -> Evidence:
        skip = (
            f"not sent: the proxy left {UNRESPONSIVE_AFTER} requests in a row unanswered"
            if self.silent >= UNRESPONSIVE_AFTER and not probe.idle
            else ""
        )
        found = await perform(
            probe,
            self.front,
            self.mock,
            expected_for(probe),
            layer=self.layer,
            idle_s=self.idle_s,
            skip=skip,
            bounds=self.bounds,
        )
        if not probe.idle:
            self.silent = self.silent + 1 if unresponsive(found) else 0
        return found


def new_req(layer: str, probe: str) -> str:
    safe = "".join(c if c.isalnum() or c in "-_" else "-" for c in f"{layer}-{probe}")
    return f"{safe[:40]}-{secrets.token_hex(4)}"


def limits_for(probe: Probe, idle_s: float, bounds: Bounds = DEFAULT) -> Limits:
    """The probe's waits and sizes (harness.client.bounds), each beyond its silence."""
    sizes = {"max_body": bounds.probe_bytes, "head_bytes": bounds.head_bytes}
    if probe.patience_s is not None:
        # every wait ends by the probe's patience (or a wall bound tightened below it)
        patience = min(probe.patience_s, bounds.wall_s)
        return Limits(idle_s=patience, total_s=patience + 1, **sizes)
    silence = silence_s(probe.idle, probe.header_delay_ms, idle_s)
    return Limits(
        idle_s=silence + bounds.quiet_s * (2 if probe.idle else 1),
        total_s=silence + bounds.wall_s,
        head_s=silence + bounds.head_s,
        **sizes,
    )


async def perform(
    probe: Probe,
    front: Front,
    mock: MockUpstream,
    expected: Expected,
    *,
    layer: str,
    idle_s: float,
    skip: str = "",
    bounds: Bounds = DEFAULT,
) -> Evidence:
    """Send ``probe`` to ``front`` and gather what the client and the mock saw.

    With ``skip`` (a reason), nothing is sent: the evidence is an unanswered request.
    """
    req = new_req(layer, probe.name)
    body = front.dialect.body(
        PROMPT + probe.marker(req, int(idle_s * 1000)), front.model
    )
    request = build_request(
        probe.request,
        front.url,
        body,
        accept_encoding=probe.accept_encoding,
        extra_headers=front.headers,
    )
    if not front.alive():
        return unanswered(
            probe, request, expected, front.dialect, "the proxy is not running"
        )
    if skip:
        return unanswered(probe, request, expected, front.dialect, skip)
    before = {x.id for x in await mock.aexchanges()}
    abort = asyncio.Event() if probe.abort_on_upstream else None
    watcher = (
        asyncio.ensure_future(_abort_when_upstream(mock, req, abort)) if abort else None
    )
    obs = await observe(
        request,
        limits=limits_for(probe, idle_s, bounds),
        http2=front.http2,
        ca_path=front.ca_path,
        stop=Watch(
            front.dialect,
            first_token=probe.stop == "first-token",
            first_error=probe.patience_s is not None,
            bounds=bounds,
        ),
        abort=abort,
        pause_after_head_s=probe.pause_after_head_s,
    )
    if watcher is not None:
        watcher.cancel()
    # the client's own abort (a bound the target reached is not one)
    chose = obs.end is End.ABORTED and "bound" not in obs.extra
    abort_ns = obs.end_ns if chose else None
    # a failure probe stopped at its error event has nothing to wait for upstream
    settle = abort_ns is not None and probe.patience_s is None
    exchanges = await _settle(mock, req, aborted=settle)
    unmarked = [
        x for x in await mock.aexchanges() if x.id not in before and x.req is None
    ]
    return Evidence(
        probe=probe,
        obs=obs,
        transcript=transcribe(obs, front.dialect),
        exchanges=tuple(exchanges),
        unmarked=len(unmarked),
        expected=expected,
        alive_after=front.alive(),
        abort_ns=abort_ns,
    )


async def _abort_when_upstream(
    mock: MockUpstream, req: str, abort: asyncio.Event
) -> None:
    deadline = time.monotonic() + UPSTREAM_WAIT_S
    while time.monotonic() < deadline and not await mock.aexchanges(req):
        await asyncio.sleep(POLL_S)
    await asyncio.sleep(0.2)  # let the proxy settle into waiting on upstream
    abort.set()


async def _settle(mock: MockUpstream, req: str, *, aborted: bool) -> list[Exchange]:
    """The probe's exchanges; after an abort, wait (bounded) for upstream to close."""
    exchanges = await mock.aexchanges(req)
    if not aborted or not exchanges:
        return exchanges  # nothing reached upstream: nothing to settle
    deadline = time.monotonic() + (CANCEL_MS + 1500) / 1000
    while time.monotonic() < deadline:
        if exchanges and all(
            x.client_gone_ns or x.end not in ("running", "") for x in exchanges
        ):
            break
        await asyncio.sleep(POLL_S * 2)
        exchanges = await mock.aexchanges(req)
    return exchanges


def unanswered(
    probe: Probe, request: Request, expected: Expected, dialect: Dialect, reason: str
) -> Evidence:
    """Evidence of a request that was never answered (proxy dead or unresponsive)."""
    now = time.perf_counter_ns()
    obs = Observation(
        request, now, "1.1", None, (), None, (), End.CONNECT_FAILED, now, reason
    )
    return Evidence(
        probe, obs, transcribe(obs, dialect), (), 0, expected, False, note=reason
    )


def unresponsive(ev: Evidence) -> bool:
    """The proxy took the request but never sent a response head."""
    return ev.obs.head_ns is None and ev.obs.end in (End.TIMEOUT, End.CONNECT_FAILED)
