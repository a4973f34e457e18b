"""Build synthetic Evidence for judge tests: SSE bytes at chosen times, mock writes."""

from __future__ import annotations

import json

from harness.checks.model import Context, Evidence, Expected
from harness.client.observation import Chunk, End, Observation, Request
from harness.probe.catalog import PROBES
from harness.probe.dialects import make_dialect
from harness.probe.transcript import transcribe
from harness.upstream.exchanges import Exchange, Line, Write

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
    head_ms: int = 1,
) -> Observation:
    last = max((t for t, _ in chunks), default=0)
    return Observation(
        request=Request("POST", "http://127.0.0.1:1/x", (), b"{}"),
        sent_ns=T0,
        http_version="1.1",
        status=status,
        headers=headers,
        head_ns=T0 + head_ms * MS,
        chunks=tuple(Chunk(T0 + t * MS, data) for t, data in chunks),
        end=end,
        end_ns=T0 + (end_ms if end_ms is not None else last + 1) * MS,
    )


def exchange(
    write_ms: list[int], line_sizes: list[int] | None = None, **kw: object
) -> Exchange:
    sizes = line_sizes or [10] * len(write_ms)
    lines, writes, offset = [], [], 0
    for index, (t, size) in enumerate(zip(write_ms, sizes, strict=True)):
        lines.append(Line(index, offset, size))
        writes.append(Write(T0 + t * MS, offset, size, index))
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
    **kw: object,
) -> Evidence:
    expected = Expected(tuple(tokens), tuple(range(len(tokens))))
    return Evidence(
        probe=PROBES[probe],
        obs=obs,
        transcript=transcribe(obs, make_dialect("seed")),
        exchanges=exchanges,
        unmarked=0,
        expected=expected,
        alive_after=bool(kw.pop("alive_after", True)),
        **kw,  # type: ignore[arg-type]
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
