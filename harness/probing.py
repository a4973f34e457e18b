"""Perform one probe against one layer and collect its evidence (I/O shell).

A thin loop: build the request (pure), observe it (harness.observe), ask the mock what
it saw (harness.mockproc), and freeze it all into an Evidence for the judges.
"""

from __future__ import annotations

import asyncio
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass

from harness.checks.end import CANCEL_MS
from harness.checks.model import Evidence, Expected
from harness.dialects import Dialect, Kind
from harness.exchanges import Exchange
from harness.mockproc import MockUpstream
from harness.observation import End, Observation, Request
from harness.observe import Limits, observe
from harness.probes import Probe
from harness.requests import build_request
from harness.sse import Event, SSEParser
from harness.transcript import transcribe

PROMPT = "Why is the sky blue? "
#: how long to wait for the proxied request to reach the mock before aborting anyway
UPSTREAM_WAIT_S = 5.0
POLL_S = 0.05


@dataclass(frozen=True, slots=True)
class Target:
    """Where and how to send: the layer's URL for the proxy, and request options."""

    url: str
    dialect: Dialect
    model: str | None
    headers: tuple[tuple[str, str], ...]
    http2: bool
    ca_path: str | None
    alive: Callable[[], bool]


class FirstToken:
    """A Stopper: abort once the first token has been read."""

    def __init__(self, dialect: Dialect) -> None:
        self.parser = SSEParser()
        self.dialect = dialect

    def feed(self, data: bytes) -> bool:
        for item in self.parser.feed(data):
            if isinstance(item, Event) and any(
                r.kind is Kind.TOKEN for r in self.dialect.classify(item)
            ):
                return True
        return False


def new_req(layer: str, probe: str) -> str:
    safe = "".join(c if c.isalnum() or c in "-_" else "-" for c in f"{layer}-{probe}")
    return f"{safe[:40]}-{secrets.token_hex(4)}"


def limits_for(probe: Probe, idle_s: float) -> Limits:
    if probe.idle:
        return Limits(idle_s=idle_s + 10, total_s=idle_s + 40)
    silence = probe.header_delay_ms / 1000
    return Limits(idle_s=max(10.0, silence + 5), total_s=max(45.0, silence + 30))


async def perform(
    probe: Probe,
    target: Target,
    mock: MockUpstream,
    expected: Expected,
    *,
    layer: str,
    idle_s: float,
) -> Evidence:
    """Send ``probe`` to ``target`` and gather what the client and the mock saw."""
    req = new_req(layer, probe.name)
    body = target.dialect.body(PROMPT + probe.marker(req, int(idle_s * 1000)), target.model)
    request = build_request(
        probe.request,
        target.url,
        body,
        accept_encoding=probe.accept_encoding,
        extra_headers=target.headers,
    )
    if not target.alive():
        return _dead(probe, request, expected, target.dialect)
    before = {x.id for x in await mock.aexchanges()}
    abort = asyncio.Event() if probe.abort_on_upstream else None
    watcher = asyncio.ensure_future(_abort_when_upstream(mock, req, abort)) if abort else None
    obs = await observe(
        request,
        limits=limits_for(probe, idle_s),
        http2=target.http2,
        ca_path=target.ca_path,
        stop=FirstToken(target.dialect) if probe.stop == "first-token" else None,
        abort=abort,
        pause_after_head_s=probe.pause_after_head_s,
    )
    if watcher is not None:
        watcher.cancel()
    abort_ns = obs.end_ns if obs.end is End.ABORTED else None
    exchanges = await _settle(mock, req, aborted=abort_ns is not None)
    unmarked = [x for x in await mock.aexchanges() if x.id not in before and x.req is None]
    return Evidence(
        probe=probe,
        obs=obs,
        transcript=transcribe(obs, target.dialect),
        exchanges=tuple(exchanges),
        unmarked=len(unmarked),
        expected=expected,
        alive_after=target.alive(),
        abort_ns=abort_ns,
    )


async def _abort_when_upstream(mock: MockUpstream, req: str, abort: asyncio.Event) -> None:
    deadline = time.monotonic() + UPSTREAM_WAIT_S
    while time.monotonic() < deadline and not await mock.aexchanges(req):
        await asyncio.sleep(POLL_S)
    await asyncio.sleep(0.2)  # let the proxy settle into waiting on upstream
    abort.set()


async def _settle(mock: MockUpstream, req: str, *, aborted: bool) -> list[Exchange]:
    """The probe's exchanges; after an abort, wait (bounded) for upstream to close."""
    exchanges = await mock.aexchanges(req)
    if not aborted:
        return exchanges
    deadline = time.monotonic() + (CANCEL_MS + 1500) / 1000
    while time.monotonic() < deadline:
        if exchanges and all(x.client_gone_ns or x.end not in ("running", "") for x in exchanges):
            break
        await asyncio.sleep(POLL_S * 2)
        exchanges = await mock.aexchanges(req)
    return exchanges


def _dead(probe: Probe, request: Request, expected: Expected, dialect: Dialect) -> Evidence:
    now = time.perf_counter_ns()
    obs = Observation(
        request, now, "1.1", None, (), None, (), End.CONNECT_FAILED, now, "the proxy is not running"
    )
    return Evidence(probe, obs, transcribe(obs, dialect), (), 0, expected, False, note="proxy dead")
