"""``report.html``: the benchmark's plots, self-contained (plotly, its JS inlined once).

TTFT by design x layer x concurrency; per-token lag distributions; a per-token
timeline of mock write vs client arrival for one stream per design and layer (buffering
shows as a step); a histogram of tokens per read. No network: opens from a file.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

import plotly.graph_objects as go
import plotly.io as pio
from plotly.subplots import make_subplots

from harness.bench.designs.report.md import CLAIMS_TITLE, claims_table, rows_table
from harness.bench.designs.report.samples import lags_ms, timeline, tokens_per_read
from harness.runtime.files import Stamp

if TYPE_CHECKING:
    from harness.bench.designs.run import BenchCell, BenchResult

PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b")


def _label(cell: BenchCell) -> str:
    return f"{cell.design} · {cell.layer}"


def ttft_figure(result: BenchResult) -> go.Figure:
    fig = go.Figure()
    for i, conc in enumerate(result.config.concurrency):
        cells = [c for c in result.cells if c.concurrency == conc]
        fig.add_bar(
            name=f"{conc} concurrent",
            x=[_label(c) for c in cells],
            y=[c.stats.ttft_ms.p50 for c in cells],
            error_y={
                "type": "data",
                "symmetric": False,
                "array": [
                    (c.stats.ttft_ms.p99 or 0) - (c.stats.ttft_ms.p50 or 0)
                    for c in cells
                ],
                "arrayminus": [0] * len(cells),
            },
            marker_color=PALETTE[i % len(PALETTE)],
        )
    fig.update_layout(
        title="Time to first token (bar: p50, whisker: p99)",
        barmode="group",
        yaxis={"title": "ms (log)", "type": "log"},
    )
    return fig


def lag_figure(result: BenchResult) -> go.Figure:
    fig = go.Figure()
    for i, conc in enumerate(result.config.concurrency):
        xs: list[str] = []
        ys: list[float] = []
        for cell in [*result.baseline, *result.cells]:
            if cell.concurrency != conc:
                continue
            values = lags_ms(cell.records, result.reference, cell.writes)
            xs += [_label(cell)] * len(values)
            ys += values
        fig.add_box(
            name=f"{conc} concurrent",
            x=xs,
            y=ys,
            marker_color=PALETTE[i % len(PALETTE)],
            boxpoints=False,
        )
    fig.update_layout(
        title="Per-token lag: client arrival minus the mock's write",
        boxmode="group",
        yaxis={"title": "ms"},
    )
    return fig


def timeline_figure(result: BenchResult) -> go.Figure:
    conc = min(result.config.concurrency)
    cells = [c for c in result.cells if c.concurrency == conc and c.records]
    layers = list(result.config.layers)
    designs = list(dict.fromkeys(c.design for c in cells))
    fig = make_subplots(
        rows=max(1, len(designs)),
        cols=max(1, len(layers)),
        shared_xaxes=True,
        subplot_titles=[f"{d} · {layer}" for d in designs for layer in layers],
        vertical_spacing=0.04,
    )
    for cell in cells:
        rec = cell.records[0]
        tl = timeline(rec, result.reference, cell.writes.get(rec.req, ()))
        row, col = designs.index(cell.design) + 1, layers.index(cell.layer) + 1
        first = row == 1 and col == 1
        index = list(range(len(tl.written_ms)))
        fig.add_scatter(
            x=index, y=list(tl.written_ms), name="mock write", mode="lines",
            line={"color": PALETTE[0], "shape": "hv"}, legendgroup="w",
            showlegend=first, row=row, col=col,
        )  # fmt: skip
        fig.add_scatter(
            x=index, y=list(tl.arrived_ms), name="client arrival", mode="lines",
            line={"color": PALETTE[3], "shape": "hv"}, legendgroup="a",
            showlegend=first, row=row, col=col,
        )  # fmt: skip
    fig.update_layout(
        title=f"One stream per design and layer ({conc} concurrent): token index vs "
        "ms since the request",
        height=260 * max(1, len(designs)),
    )
    return fig


#: tokens-per-read bins: (label, low, high inclusive)
READ_BINS = (("1", 1, 1), ("2", 2, 2), ("3-4", 3, 4), ("5-8", 5, 8),
             ("9-16", 9, 16), ("17+", 17, 1 << 30))  # fmt: skip


def reads_figure(result: BenchResult) -> go.Figure:
    fig = go.Figure()
    conc = max(result.config.concurrency)
    cells = [c for c in result.cells if c.concurrency == conc]
    for i, cell in enumerate(cells):
        values = tokens_per_read(cell.records, result.reference)
        total = len(values) or 1
        fig.add_bar(
            x=[label for label, _, _ in READ_BINS],
            y=[
                100 * sum(lo <= v <= hi for v in values) / total
                for _, lo, hi in READ_BINS
            ],
            name=_label(cell),
            marker_color=PALETTE[i % len(PALETTE)],
        )
    fig.update_layout(
        title=f"Tokens per client read, {conc} concurrent (1 = every token on its own)",
        barmode="group",
        xaxis={"title": "upstream tokens delivered by one read", "type": "category"},
        yaxis={"title": "% of token-carrying reads"},
    )
    return fig


def render(result: BenchResult, doc: dict[str, Any]) -> str:
    figures = [
        ttft_figure(result),
        lag_figure(result),
        timeline_figure(result),
        reads_figure(result),
    ]
    parts = [
        pio.to_html(fig, full_html=False, include_plotlyjs=(i == 0))
        for i, fig in enumerate(figures)
    ]
    run = doc["run"]
    title = f"sse-harness bench {html.escape(run['profile'])}".strip()
    stamped = run.get("stamp")
    stamp = f"<p>{html.escape(Stamp.from_json(stamped).line())}</p>" if stamped else ""
    return (
        "<!DOCTYPE html><html><head><meta charset='utf-8'>"
        f"<title>{title}</title><style>body{{font-family:sans-serif;margin:1em}}"
        "table{border-collapse:collapse;font-size:12px}"
        "td,th{border:1px solid #ccc;padding:2px 6px}</style></head><body>"
        f"<h1>{title}</h1>{stamp}<p>{html.escape(run['lag_note'])}</p>"
        f"<h2>{html.escape(CLAIMS_TITLE)}</h2>"
        f"{claims_table(doc).to_html()}"
        + "".join(f"<div class='figure'>{p}</div>" for p in parts)
        + f"<h2>Every cell</h2>{rows_table(doc).to_html()}</body></html>\n"
    )
