"""The token timeline of report.html as inline SVG (pure).

Two lanes on one time axis (ms after the request was sent): above, when the mock wrote
each token; below, when the client had it; a line joins each token's two marks. A
proxy that streams draws parallel, nearly vertical lines; one that buffers draws a fan
converging on one arrival; one that batches draws several small fans.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

    from harness.gate.cells import Point

__all__ = ["caption", "svg"]

WIDTH, HEIGHT = 640, 112
LEFT, RIGHT = 92, 32
WRITE_Y, ARRIVE_Y, AXIS_Y = 24, 74, 92
TICK = 7
#: axis steps (ms) to choose from: the first giving at most MAX_TICKS labels
STEPS = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, 60000)
MAX_TICKS = 8


def _step(span: float) -> int:
    return next((s for s in STEPS if span / s <= MAX_TICKS), STEPS[-1])


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def caption(points: Sequence[Point], tokens: int) -> str:
    """One line under the timeline: how many tokens, in how many arrivals, lags."""
    if not points:
        return f"none of the {tokens} upstream tokens could be timed"
    arrivals = len({p.arrived_ms for p in points})
    lag = sorted(p.arrived_ms - p.written_ms for p in points)
    spread = points[-1].written_ms - points[0].written_ms
    return (
        f"{len(points)} of {tokens} tokens timed, written over {_num(spread)} ms, "
        f"arrived at {arrivals} distinct time{'s' * (arrivals != 1)}; "
        f"lag median {_num(lag[len(lag) // 2])} ms, max {_num(lag[-1])} ms"
    )


def svg(points: Sequence[Point]) -> str:
    """The timeline of ``points`` (empty string when there is nothing to draw)."""
    if not points:
        return ""
    end = max(max(p.arrived_ms, p.written_ms) for p in points)
    start = min(0.0, *(p.written_ms for p in points))
    span = max(end - start, 1.0) * 1.04
    inner = WIDTH - LEFT - RIGHT

    def x(ms: float) -> float:
        return round(LEFT + (ms - start) / span * inner, 1)

    out = [
        f'<svg class="timeline" xmlns="http://www.w3.org/2000/svg" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" '
        'role="img" aria-label="token timeline: mock write time against client '
        'arrival time">',
        f'<text x="4" y="{WRITE_Y + 4}" class="lane">mock wrote</text>',
        f'<text x="4" y="{ARRIVE_Y + 4}" class="lane">client got</text>',
        f'<line x1="{LEFT}" y1="{WRITE_Y}" x2="{WIDTH - RIGHT}" y2="{WRITE_Y}" '
        'class="lane-line"/>',
        f'<line x1="{LEFT}" y1="{ARRIVE_Y}" x2="{WIDTH - RIGHT}" y2="{ARRIVE_Y}" '
        'class="lane-line"/>',
        f'<line x1="{LEFT}" y1="{AXIS_Y}" x2="{WIDTH - RIGHT}" y2="{AXIS_Y}" '
        'class="axis"/>',
    ]
    step = _step(span)
    tick = 0.0
    while tick <= start + span:
        if tick >= start:
            out.append(
                f'<line x1="{x(tick)}" y1="{AXIS_Y}" x2="{x(tick)}" y2="{AXIS_Y + 4}" '
                f'class="axis"/><text x="{x(tick)}" y="{AXIS_Y + 15}" '
                f'class="tick">{_num(tick)} ms</text>'
            )
        tick += step
    for p in points:
        w, a = x(p.written_ms), x(p.arrived_ms)
        label = escape(
            f"token {p.index}: written {_num(p.written_ms)} ms, arrived "
            f"{_num(p.arrived_ms)} ms (lag {_num(p.arrived_ms - p.written_ms)} ms)"
        )
        out.append(
            f'<g class="token"><title>{label}</title>'
            f'<line x1="{w}" y1="{WRITE_Y}" x2="{a}" y2="{ARRIVE_Y}" class="join"/>'
            f'<line x1="{w}" y1="{WRITE_Y - TICK}" x2="{w}" y2="{WRITE_Y + TICK}" '
            'class="write"/>'
            f'<line x1="{a}" y1="{ARRIVE_Y - TICK}" x2="{a}" y2="{ARRIVE_Y + TICK}" '
            'class="arrive"/></g>'
        )
    out.append("</svg>")
    return "".join(out)
