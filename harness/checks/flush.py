"""HDR-EARLY-FLUSH: the proxy's response head arrives well before the first token.

The mock stays silent (head included) for the probe's header delay, then writes its
first token. A proxy that sends its head as soon as the upstream connection is up
passes; one that holds it until the first chunk does not.

Behind a layer the client alone cannot tell who held the head, so the nginx layers say
when nginx itself had the proxy's head: the response field the layer names
(``Context.layer_head_field``; harness.layers owns it) carries nginx's
``$upstream_header_time`` (seconds, ms resolution, from connecting to the
proxy until its head was read; ngx_http_upstream.c). Measured (nginx 1.22.1, Debian 12;
tests/harness/layers/test_h2_head.py): over HTTP/2 nginx before 1.23.0 keeps a head
it got at once in its TLS buffer until the first body bytes, X-Accel-Buffering: no or
not — the flush it sends after the head never reaches the TLS layer (fixed by nginx
commit a52433a "HTTP/2: made it possible to flush response headers", ticket #1743);
with ``proxy_buffering`` on, every nginx sends the head only with the first body
bytes. An SSE comment sent with the head is such body bytes and pushes it through.
So a head nginx had early but the client got late is the layer's doing: INFO, with
the remedy; a head nginx itself got late is the proxy's: NON-STRICT.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from harness.checks.common import MS, answer
from harness.checks.model import failed, measured, passed

if TYPE_CHECKING:
    from collections.abc import Mapping

    from harness.checks.model import Context, Metric, Verdict
    from harness.client.observation import Observation
    from harness.probe.evidence import Evidence

HOLDS_IT = "likely the proxy holds its headers until the first chunk"
#: why nginx held a head it had early (the layer's doing, not the proxy's)
WHY_H2 = (
    "likely nginx's HTTP/2 module, which before 1.23.0 leaves the HEADERS frame in its "
    "TLS buffer until the first DATA frame even with X-Accel-Buffering: no (nginx "
    "ticket #1743; with proxy_buffering on, every version waits for body bytes)"
)
WHY_BUFFERING = (
    "likely nginx's proxy_buffering: while it is on, nginx sends the head only with "
    "the first body bytes"
)
#: what the proxy can do about it, per cause
REMEDY_H2 = (
    "the proxy can push its head through by sending an SSE comment (e.g. `: ok`) with "
    "it, at once"
)
REMEDY_BUFFERING = (
    "the proxy can have it sent at once with X-Accel-Buffering: no, or push it "
    "through an nginx that passes chunks on by sending an SSE comment (e.g. `: ok`) "
    "with it"
)


def relative(ahead_ns: int) -> str:
    """``ahead_ns`` (upstream's first token write minus a moment) in words."""
    ms = round(ahead_ns / MS)
    if ms > 0:
        return f"{ms} ms before upstream's first token"
    if ms < 0:
        return f"{-ms} ms after upstream's first token"
    return "at the time of upstream's first token"


def layer_head_ns(obs: Observation, field: str) -> int | None:
    """How long after connecting to the proxy nginx had its head (response ``field``).

    nginx lists one time per upstream tried (``0.001, 0.004``); the last one answered.
    ``-`` (no head) or anything else unreadable is None.
    """
    values = obs.header(field) if field else []
    if not values:
        return None
    last = re.split(r"[,:]", values[-1])[-1].strip()
    try:
        seconds = float(last)
    except ValueError:
        return None
    if not math.isfinite(seconds) or seconds < 0:
        return None
    return round(seconds * 1000) * MS


@dataclass(frozen=True, slots=True)
class Seen:
    """The probe's times, relative to the request (``*_ms``) and to the first token."""

    head_ms: float
    #: upstream's first token write minus the head's arrival (negative: head later)
    head_ahead_ns: int
    #: when the first body bytes arrived (None: no body at all)
    body_ms: float | None
    body_ahead_ns: int | None
    #: nginx's $upstream_header_time, and the proxy's head lead it implies (None: no layer figure)
    layer_ms: float | None
    layer_ahead_ns: int | None

    @classmethod
    def of(cls, obs: Observation, head_ns: int, first_ns: int, field: str) -> Seen:
        body_ns = obs.chunks[0].t_ns if obs.chunks else None
        layer_ns = layer_head_ns(obs, field)
        return cls(
            head_ms=(head_ns - obs.sent_ns) / MS,
            head_ahead_ns=first_ns - head_ns,
            body_ms=None if body_ns is None else (body_ns - obs.sent_ns) / MS,
            body_ahead_ns=None if body_ns is None else first_ns - body_ns,
            layer_ms=None if layer_ns is None else layer_ns / MS,
            # nginx connects to the proxy once it has read the request: an upper bound
            layer_ahead_ns=None
            if layer_ns is None
            else first_ns - (obs.sent_ns + layer_ns),
        )

    @property
    def metrics(self) -> dict[str, Metric]:
        found: dict[str, Metric] = {"head_after_send_ms": round(self.head_ms, 1)}
        if self.body_ms is not None:
            found["first_body_after_send_ms"] = round(self.body_ms, 1)
        if self.layer_ms is not None:
            found["layer_had_head_ms"] = round(self.layer_ms, 1)
        return found

    @property
    def head_at(self) -> str:
        return (
            f"{self.head_ms:.0f} ms after the request, {relative(self.head_ahead_ns)}"
        )

    @property
    def body(self) -> str:
        if self.body_ms is None or self.body_ahead_ns is None:
            return "no body bytes followed"
        if abs(self.body_ms - self.head_ms) < 1:
            return "together with the first body bytes"
        return f"the first body bytes {relative(self.body_ahead_ns)}"

    @property
    def layer(self) -> str:
        if self.layer_ms is None or self.layer_ahead_ns is None:
            return ""
        return (
            f"nginx had the proxy's head {self.layer_ms:.0f} ms after connecting to "
            f"it (about {relative(self.layer_ahead_ns)})"
        )


def early_flush(ev: Mapping[str, Evidence], ctx: Context) -> Verdict:
    e = ev["early-flush"]
    obs = e.obs
    first = e.exchanges[-1].first_write_ns if e.exchanges else None
    if obs.head_ns is None:
        return failed(f"no response head at all: {answer(e)}")
    if first is None:
        return failed(
            "upstream never wrote its first line, so early flushing cannot be judged"
        )
    seen = Seen.of(obs, obs.head_ns, first, ctx.layer_head_field)
    enough = e.probe.header_delay_ms * MS // 2
    silent = f"upstream was silent for {e.probe.header_delay_ms} ms before it"
    head = f"headers arrived {seen.head_at}"
    if seen.head_ahead_ns >= enough:
        return passed(head, **seen.metrics)
    if seen.layer_ahead_ns is not None and seen.layer_ahead_ns >= enough:
        why, remedy = (
            (WHY_H2, REMEDY_H2) if ctx.http2 else (WHY_BUFFERING, REMEDY_BUFFERING)
        )
        note = f" — {ctx.layer_note}" if ctx.layer_note else ""
        return measured(
            f"the {ctx.layer} layer held the response head: {seen.layer}, yet it "
            f"reached the client {seen.head_at}, {seen.body}; {why}{note}; {remedy}",
            **seen.metrics,
        )
    if seen.layer:
        return failed(f"{head}; {seen.layer}; {silent}: {HOLDS_IT}", **seen.metrics)
    behind = "" if ctx.layer == "direct" else f", or the {ctx.layer} layer does"
    note = f" ({ctx.layer_note})" if ctx.layer_note and behind else ""
    return failed(f"{head} ({silent}): {HOLDS_IT}{behind}{note}", **seen.metrics)
