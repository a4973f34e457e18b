"""Synthetic evidence for judging a check without a proxy: SSE bytes at chosen times,
the mock's writes, the context of a layer.

``observation`` (what the client saw, read by read), ``exchange`` (what the mock
wrote, and when), ``evidence`` / ``streamed`` / ``raw`` (one probe's evidence),
``context`` (the layer's), ``judged`` (the outcome and detail a check gives them).
Times are milliseconds after ``T0``. Pure: no pytest, no I/O.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from harness.checks import BY_ID
from harness.checks.model import Context, Outcome, decide
from harness.client.observation import Chunk, End, Observation, Request
from harness.probe.catalog import PROBES
from harness.probe.dialects import DEFAULT, make_dialect
from harness.probe.evidence import Evidence, Expected
from harness.probe.transcript import transcribe
from harness.upstream.exchanges import Exchange, Line, Write

if TYPE_CHECKING:
    from collections.abc import Mapping

MS = 1_000_000
T0 = 10_000 * MS


def sse_token(text: str) -> bytes:
    return f"data: {json.dumps({'token': text})}\n\n".encode()


DONE = b'data: {"finished": true}\n\n'


def observation(
    chunks: list[tuple[int, bytes]],
    *,
    status: int = 200,
    headers: tuple[tuple[str, str], ...] = (("content-type", "text/event-stream"),),
    end: End = End.COMPLETE,
    end_ms: int | None = None,
    head_ms: int | None = 1,
    http_version: str = "1.1",
    error: str = "",
    wire_body_size: int = 0,
) -> Observation:
    last = max((t for t, _ in chunks), default=0)
    return Observation(
        request=Request("POST", "http://127.0.0.1:1/x", (), b"{}"),
        sent_ns=T0,
        http_version=http_version,
        status=status,
        headers=headers,
        head_ns=None if head_ms is None else T0 + head_ms * MS,
        chunks=tuple(Chunk(T0 + t * MS, data) for t, data in chunks),
        end=end,
        end_ns=T0 + (end_ms if end_ms is not None else last + 1) * MS,
        error=error,
        wire_body_size=wire_body_size,
    )


def exchange(
    write_ms: list[int],
    line_sizes: list[int] | None = None,
    *,
    unwritten: list[int] | None = None,
    **kw: object,
) -> Exchange:
    """Upstream wrote one line per ``write_ms``; lines of ``unwritten`` sizes never went."""
    sizes = line_sizes or [10] * len(write_ms)
    lines, writes, offset = [], [], 0
    for index, (t, size) in enumerate(zip(write_ms, sizes, strict=True)):
        lines.append(Line(index, offset, size))
        writes.append(Write(T0 + t * MS, offset, size, index))
        offset += size
    for index, size in enumerate(unwritten or [], start=len(lines)):
        lines.append(Line(index, offset, size))
        offset += size
    fields: dict[str, object] = dict(
        id=1,
        req="r",
        method="POST",
        path="/api/chat",
        scenario="s",
        received_ns=T0,
        status=200,
        head_ns=T0,
        writes=tuple(writes),
        lines=tuple(lines),
        end="complete",
        client_gone_ns=None,
        closed_ns=None,
    )
    fields.update(kw)
    return Exchange(**fields)  # type: ignore[arg-type]


def evidence(
    probe: str,
    obs: Observation,
    tokens: list[str],
    exchanges: tuple[Exchange, ...] = (),
    *,
    unmarked: int = 0,
    alive_after: bool = True,
    abort_ns: int | None = None,
) -> Evidence:
    expected = Expected(tuple(tokens), tuple(range(len(tokens))))
    return Evidence(
        probe=PROBES[probe],
        obs=obs,
        transcript=transcribe(obs, make_dialect(DEFAULT)),
        exchanges=exchanges,
        unmarked=unmarked,
        expected=expected,
        alive_after=alive_after,
        abort_ns=abort_ns,
    )


def context(**kw: object) -> Context:
    fields: dict[str, object] = dict(
        layer="direct",
        http2=False,
        budget_ns=250 * MS,
        baseline={"lag_p50_ms": 1.0, "lag_p99_ms": 2.0},
        idle_s=20.0,
        heartbeat_s=15.0,
    )
    fields.update(kw)
    return Context(**fields)  # type: ignore[arg-type]


#: a small upstream text for the judges that compare what arrived with what was sent
TOKENS = ["Hel", "lo", ", ", "wor", "ld"]
SSE = (("content-type", "text/event-stream"),)
JSON = (("content-type", "application/json"),)


def sse_stream(
    tokens: list[str], *, done: bool = True, every_ms: int = 10
) -> list[tuple[int, bytes]]:
    """One read per token event (``every_ms`` apart), then the completion event."""
    chunks = [(every_ms * (i + 1), sse_token(t)) for i, t in enumerate(tokens)]
    if done:
        chunks.append((every_ms * (len(tokens) + 1), DONE))
    return chunks


def streamed(
    probe: str,
    tokens: list[str] | None = None,
    *,
    sent: list[str] | None = None,
    done: bool = True,
    headers: tuple[tuple[str, str], ...] = SSE,
    **kw: Any,
) -> Evidence:
    """A 200 event stream carrying ``sent`` (default: ``tokens``) for upstream ``tokens``.

    Keyword arguments go to :func:`observation` or :func:`evidence` by name.
    """
    expected = TOKENS if tokens is None else tokens
    obs_kw = {k: kw.pop(k) for k in OBSERVATION_KEYS if k in kw}
    obs = observation(
        sse_stream(expected if sent is None else sent, done=done),
        headers=headers,
        **obs_kw,
    )
    return evidence(probe, obs, expected, **kw)


def raw(
    probe: str,
    body: bytes,
    *,
    tokens: list[str] | None = None,
    headers: tuple[tuple[str, str], ...] = SSE,
    **kw: Any,
) -> Evidence:
    """A response whose body is ``body`` in one read (status, headers... as given)."""
    obs_kw = {k: kw.pop(k) for k in OBSERVATION_KEYS if k in kw}
    obs = observation(
        [(10, body)] if body else [],
        headers=headers,
        **obs_kw,
    )
    return evidence(probe, obs, TOKENS if tokens is None else tokens, **kw)


OBSERVATION_KEYS = (
    "status",
    "end",
    "end_ms",
    "head_ms",
    "http_version",
    "error",
    "wire_body_size",
)


def judged(
    check_id: str, ev: Mapping[str, Evidence], ctx: Context | None = None
) -> tuple[Outcome, str]:
    """The outcome and detail the gate would report for ``check_id`` on ``ev``."""
    __tracebackhide__ = True
    check = BY_ID[check_id]
    missing = set(check.probes) - set(ev)
    if missing:
        raise AssertionError(f"{check_id} needs evidence of {sorted(missing)}")
    found = check.judge(ev, ctx or context())
    return decide(check, found), found.detail
