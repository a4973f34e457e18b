"""``summary.md``: the article's claims re-measured, then every row (pure).

The article the bundled designs come from ("WOW Moment: Key Findings") claims, per
approach, a first token latency, a protocol overhead and a proxy/CDN compatibility.
Here each design is measured for the same three: TTFT (p50, direct, lowest and
highest concurrency), bytes on the wire per token, and whether its stream passes each
layer as a stream.
"""

from __future__ import annotations

from typing import Any

from harness.runtime.table import Table

CLAIMS_TITLE = "The article's claims, re-measured"
#: the article's claims, by approach
CLAIMS: dict[str, tuple[str, str, str]] = {
    "Blocking Fetch": ("5,000-10,000 ms", "None", "Excellent"),
    "WebSocket": (
        "150-300 ms",
        "High (handshake, frames, ping/pong)",
        "Poor (often blocked by corporate firewalls)",
    ),
    "SSE Streaming": (
        "150-300 ms",
        "Minimal (plain HTTP)",
        "Excellent (native HTTP/1.1 & 2 support)",
    ),
}
APPROACH = {
    "blocking": "Blocking Fetch",
    "websocket": "WebSocket",
    "nextjs": "SSE Streaming",
    "starlette": "SSE Streaming",
    "node": "SSE Streaming",
    "naive-stream": "SSE Streaming",
}


def _ms(value: Any) -> str:
    return "-" if value is None else f"{value:,.1f}"


def _p(pair: dict[str, Any]) -> str:
    return f"{_ms(pair.get('p50'))} / {_ms(pair.get('p99'))}"


def _compat(rows: list[dict[str, Any]], design: str) -> str:
    parts = []
    for r in rows:
        if r["design"] == design and r["concurrency"] == min_conc(rows, design):
            mark = (
                "streams"
                if r["streams_through_layer"]
                else ("works, one burst" if r["works"] else "fails")
            )
            parts.append(f"{r['layer']}: {mark}")
    return "; ".join(parts) or "-"


def min_conc(rows: list[dict[str, Any]], design: str) -> int:
    return min((r["concurrency"] for r in rows if r["design"] == design), default=0)


def _ttft(rows: list[dict[str, Any]], design: str) -> str:
    direct = [r for r in rows if r["design"] == design and r["layer"] == "direct"]
    direct = direct or [r for r in rows if r["design"] == design]
    if not direct:
        return "-"
    lo = min(direct, key=lambda r: r["concurrency"])
    hi = max(direct, key=lambda r: r["concurrency"])
    text = f"{_ms(lo['ttft_ms']['p50'])} ms (x{lo['concurrency']}"
    if lo["first_write_lag_ms"]["p50"] is not None:
        text += f"; {_ms(lo['first_write_lag_ms']['p50'])} ms after the mock's write"
    text += ")"
    if hi is not lo:
        text += f", {_ms(hi['ttft_ms']['p50'])} ms (x{hi['concurrency']})"
    return text


def _bytes(rows: list[dict[str, Any]], design: str) -> str:
    values = [
        r["bytes_per_token"]
        for r in rows
        if r["design"] == design and r["bytes_per_token"] is not None
    ]
    return f"{min(values):.0f} B/token" if values else "-"


def claims_table(doc: dict[str, Any]) -> Table:
    """What each approach claims beside what this run measured."""
    rows = doc["rows"]
    body = []
    for design in doc["designs"]:
        name = design["name"]
        approach = APPROACH.get(name, "")
        ttft_c, over_c, compat_c = CLAIMS.get(approach, ("-", "-", "-"))
        body.append(
            [
                name, approach or "-", ttft_c, _ttft(rows, name),
                over_c, _bytes(rows, name), compat_c, _compat(rows, name),
            ]
        )  # fmt: skip
    return Table.of(
        [
            "design", "approach", "first token: claimed",
            "TTFT p50 measured (direct)", "overhead: claimed", "measured",
            "proxy/CDN: claimed", "measured",
        ],
        body,
    )  # fmt: skip


def rows_table(doc: dict[str, Any]) -> Table:
    body = []
    for r in doc["rows"]:
        tpr = r["tokens_per_read"]
        mean = "-" if tpr["mean"] is None else f"{tpr['mean']:.2f}"
        cpu = r["proxy_cpu_s_per_stream"]
        rss = r["proxy_peak_rss_mb"]
        body.append(
            [
                r["design"], r["layer"], str(r["concurrency"]),
                f"{r['completed']}/{r['streams']}", str(r["errors"]),
                str(r["stalls"]), _p(r["ttft_ms"]), _p(r["ttft_overhead_ms"]),
                _p(r["itl_added_ms"]), _p(r["icl_ms"]), f"{mean} ({tpr['max']})",
                _ms(r["bytes_per_token"]),
                "yes" if r["streams_through_layer"] else "no",
                "-" if cpu is None else f"{cpu:.4f}", _ms(rss),
            ]
        )  # fmt: skip
    return Table.of(
        [
            "design", "layer", "x", "done/streams", "err", "stalls",
            "TTFT p50/p99", "TTFT over baseline", "ITL added p50/p99",
            "ICL p50/p99", "tokens/read mean (max)", "B/token", "streams through",
            "CPU s/stream", "peak RSS MB",
        ],
        body,
        right=(2, 4, 5, 11, 13, 14),
    )  # fmt: skip


def baseline_table(doc: dict[str, Any]) -> Table:
    body = [
        [
            str(b["concurrency"]), f"{b['completed']}/{b['streams']}",
            _p(b["ttft_ms"]), _p(b["first_write_lag_ms"]), _p(b["lag_ms"]),
            str(b["processes"]),
        ]
        for b in doc["baseline"]
    ]  # fmt: skip
    return Table.of(
        [
            "x", "streams", "TTFT p50/p99", "first-write lag p50/p99",
            "lag p50/p99", "client processes",
        ],
        body,
        right=(0, 1, 5),
    )  # fmt: skip


def render(doc: dict[str, Any]) -> str:
    run = doc["run"]
    lines = [
        f"# sse-harness bench{' — ' + run['profile'] if run['profile'] else ''}",
        "",
        f"Engine `{run['engine']}`, scenario `{run['scenario']}` timing "
        f"`{run['timing']}` x {run['repeat']} ({run['tokens_per_stream']} tokens a "
        f"stream), layers {', '.join(run['layers'])}, concurrency "
        f"{', '.join(map(str, run['concurrency']))}; {run['duration_s']:.0f} s."
        + (" **Interrupted: partial results.**" if run["interrupted"] else "")
        + (f" **Error: {run['error']}**" if run["error"] else "")
        + "".join(f"\n\n**Not measured:** {f}" for f in run.get("failures", ())),
        "",
        f"## {CLAIMS_TITLE}",
        "",
        *claims_table(doc).markdown_lines(),
        "",
        "## Baseline (harness client reading the mock directly)",
        "",
        *baseline_table(doc).markdown_lines(),
        "",
        "## Every cell (ms unless stated)",
        "",
        *rows_table(doc).markdown_lines(),
        "",
        f"Lag: {run['lag_note']} Scheduling: {run.get('scheduling') or 'normal'}. "
        "TTFT overhead and ITL added are the design's "
        "percentile minus the baseline's at the same concurrency, measured in the same "
        "run. A layer passes a stream when every stream completed and ≥ 90 % of them "
        "delivered their first token before the mock wrote its last one.",
        "",
    ]
    return "\n".join(lines)
