"""``report.html``: the check x layer matrix and every cell's evidence (pure).

Self-contained, no network: the check x layer matrix in Autobahn's style, colours by
outcome, BLOCKED shown under its root; each cell opens what was sent, the status and
headers received, an excerpt of the raw bytes, the detail and the fix, and for timed
probes a timeline. One file: inline CSS, inline SVG, ``<details>`` for the
cells (they open without JavaScript); a few lines of inline script only open the cell a
link names. Every text from the run (headers, bytes, details, layer names) goes
through ``html.escape``; control characters in bytes and headers are shown as ``\\r``,
``\\n``, ``\\xNN``.
"""

from __future__ import annotations

import re
from html import escape
from typing import TYPE_CHECKING

from harness.checks.model import Outcome
from harness.gate import timeline
from harness.gate.html_notes import notes

if TYPE_CHECKING:
    from collections.abc import Iterable

    from harness.gate.cells import Page, ReportCell, Shown

__all__ = ["cell_id", "render", "visible"]

#: Autobahn's colours: pass green, non-strict yellow, fail red, info blue
CSS = """
body{font:14px/1.45 system-ui,sans-serif;margin:24px;color:#1f2328}
.layout{display:grid;grid-template-columns:max-content minmax(0,1fr);gap:24px;align-items:start}
.layout>.left{position:sticky;top:0;max-height:100vh;overflow:auto}
@media (max-width:1000px){.layout{display:block}.layout>.left{position:static;max-height:none}}
h1{font-size:20px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px}
code,pre{font:12px/1.4 ui-monospace,monospace}
pre{background:#f6f8fa;border:1px solid #d0d7de;padding:6px 8px;overflow-x:auto;
white-space:pre-wrap;word-break:break-all;margin:4px 0}
.ctl{color:#8250df;font-weight:bold}pre.raw{max-height:20em;overflow-y:auto}
table.matrix{border-collapse:collapse;margin:8px 0}
.matrix th,.matrix td{border:1px solid #fff;padding:3px 8px;text-align:left}
.matrix thead th{background:#24292f;color:#fff}
.matrix tr.family th{background:#d0d7de;color:#1f2328;font-size:12px}
.matrix tbody th{background:#f6f8fa;font-weight:600;font-family:ui-monospace,monospace}
.matrix td a{color:inherit;text-decoration:none;display:block}
.matrix td small{display:block;font-size:11px}.matrix td small a{text-decoration:underline}
.o-ok{background:#2da44e;color:#fff}.o-non-strict{background:#d4a72c;color:#1f2328}
.o-failed{background:#cf222e;color:#fff}.o-info{background:#54aeff;color:#1f2328}
.o-unimplemented{background:#8c959f;color:#fff}
.o-blocked{background:repeating-linear-gradient(45deg,#eaeef2 0 6px,#d0d7de 6px 12px);
color:#1f2328}
td.none{background:#f6f8fa;color:#8c959f}
.badge{padding:1px 6px;border-radius:3px;font-weight:600;font-size:12px}
details.cell{border:1px solid #d0d7de;border-radius:4px;margin:4px 0;background:#fff}
details.cell>summary{cursor:pointer;padding:4px 8px}
details.cell>.body{padding:4px 12px 8px;border-top:1px solid #d0d7de}
details.cell:target,details.cell:focus-within{outline:2px solid #0969da}
.blocked-list{margin-left:16px}.fix{background:#fff8c5;padding:4px 8px}
section.probe{border-left:3px solid #d0d7de;padding-left:10px;margin:10px 0}
.kv td,.kv th{padding:1px 8px 1px 0;text-align:left;font-size:12px}
svg.timeline{display:block;max-width:100%;height:auto;background:#fff}
svg .lane{font-size:11px;fill:#57606a}svg .tick{font-size:10px;fill:#57606a;
text-anchor:middle}svg .lane-line{stroke:#d0d7de}svg .axis{stroke:#8c959f}
svg .join{stroke:#0969da;stroke-opacity:.45}svg .write{stroke:#1f2328;stroke-width:2}
svg .arrive{stroke:#cf222e;stroke-width:2}.muted{color:#57606a}
.verdict-FAILED{color:#cf222e}.verdict-passed{color:#1a7f37}
"""
#: open the cell a link names (and the root cell it sits in)
SCRIPT = """
function openTarget(){var id=decodeURIComponent(location.hash.slice(1));
var e=id?document.getElementById(id):null;
while(e){if(e.tagName==="DETAILS"){e.open=true;}e=e.parentElement;}}
window.addEventListener("hashchange",openTarget);openTarget();
"""
CONTROL = re.compile(r"[\x00-\x1f\x7f]")
NAMED = {"\r": "\\r", "\n": "\\n", "\t": "\\t"}


def _control(found: re.Match[str]) -> str:
    char = found.group()
    shown = NAMED.get(char, f"\\x{ord(char):02x}")
    return f'<span class="ctl">{shown}</span>' + ("\n" if char == "\n" else "")


def visible(data: bytes | str) -> str:
    """``data`` as HTML text: escaped, each control character shown as a marked
    escape (a line feed also breaks the line); bytes that are not UTF-8 as ``\\xNN``."""
    raw = data if isinstance(data, bytes) else data.encode("utf-8", "backslashreplace")
    text = raw.decode("utf-8", "backslashreplace")
    return CONTROL.sub(_control, escape(text))


def cell_id(check: str, layer: str) -> str:
    """The fragment naming one cell: ``CHECK--layer`` with anything but letters,
    digits and dashes made ``_``."""
    return re.sub(r"[^A-Za-z0-9-]", "_", f"{check}--{layer}")


def _css(outcome: Outcome) -> str:
    return "o-" + outcome.value.lower()


def _link(check: str, layer: str, text: str | None = None) -> str:
    return f'<a href="#{cell_id(check, layer)}">{escape(text or check)}</a>'


def _cut(text: str, width: int = 110) -> str:
    one = " ".join(text.split())
    return one if len(one) <= width else one[: width - 1] + "…"


def _td(page: Page, check: str, layer: str) -> str:
    cell = page.cell(check, layer)
    if cell is None:
        return '<td class="none">&ndash;</td>'
    extra = ""
    if cell.blocked_by:
        extra = f"<small>by {_link(cell.blocked_by, layer)}</small>"
    elif cell.blocks:
        extra = f"<small>blocks {len(cell.blocks)}</small>"
    return (
        f'<td class="{_css(cell.outcome)}" title="{escape(_cut(cell.detail, 300))}">'
        f"{_link(check, layer, cell.outcome.value)}{extra}</td>"
    )


def _matrix(page: Page) -> str:
    out = ['<table class="matrix"><thead><tr><th>check</th><th>level</th>']
    out += [f"<th>{escape(layer)}</th>" for layer in page.layers]
    out.append("</tr></thead><tbody>")
    family = None
    for check in page.checks:
        head = check.split("-", 1)[0]
        if head != family:
            family = head
            span = len(page.layers) + 2
            out.append(
                f'<tr class="family"><th colspan="{span}">{escape(head)}</th></tr>'
            )
        level = next((c.level for c in page.cells if c.check == check), "")
        out.append(
            f'<tr class="check"><th>{escape(check)}</th><td>{escape(level)}</td>'
            + "".join(_td(page, check, layer) for layer in page.layers)
            + "</tr>"
        )
    out.append("</tbody></table>")
    return "".join(out)


def _head(lines: Iterable[tuple[str, str]]) -> str:
    return "".join(f"{visible(k)}: {visible(v)}\n" for k, v in lines)


def _probe(s: Shown) -> str:
    sent = f"{visible(s.method)} {visible(s.url)}\n{_head(s.request_headers)}"
    if s.request_size:
        more = f" (first {len(s.request_body)} of {s.request_size} bytes)"
        sent += "\n" + visible(s.request_body)
        sent_note = more if s.request_size > len(s.request_body) else ""
    else:
        sent_note = ""
    status = "no response" if s.status is None else str(s.status)
    got = f"HTTP/{visible(s.http_version)} {status}\n{_head(s.headers)}"
    cut = f"first {len(s.body)} of " if s.body_size > len(s.body) else ""
    coded = f", decoded from {escape(s.coding)}" if s.coding else ""
    parts = [f'<section class="probe"><h4>probe <code>{escape(s.probe)}</code></h4>']
    if s.tokens:
        parts += [
            "<div>Timeline (ms after the request was sent):</div>",
            timeline.svg(s.timeline),
            f'<p class="muted">{escape(timeline.caption(s.timeline, s.tokens))}</p>',
        ]
    parts += [
        f"<div>Sent{sent_note}:</div><pre>{sent}</pre>",
        f"<div>Received:</div><pre>{got}</pre>",
        f"<div>Body ({cut}{s.body_size} bytes{coded} in {s.reads} reads, ended "
        f"{escape(s.end)}{': ' + escape(s.error) if s.error else ''}):</div>",
        f'<pre class="raw">{visible(s.body) if s.body else "(empty)"}</pre>',
        f'<p class="muted">{escape(s.upstream)}'
        + (f"; {escape(s.note)}" if s.note else "")
        + "</p>",
    ]
    parts.append("</section>")
    return "".join(parts)


def _details(cell: ReportCell, nested: Iterable[ReportCell] = ()) -> str:
    css = _css(cell.outcome)
    body = [
        f'<p>{escape(cell.requirement)} <span class="muted">'
        f"(source: {escape(cell.source)})</span></p>",
        f"<p><b>Detail:</b> {escape(cell.detail)}</p>",
        *notes(cell.check, cell.known),
    ]
    if cell.blocked_by:
        body.append(
            f"<p><b>Blocked by</b> {_link(cell.blocked_by, cell.layer)}: its failure "
            "left this check nothing to judge.</p>"
        )
    if cell.fix:
        body.append(f'<p class="fix"><b>Fix:</b> {escape(cell.fix)}</p>')
    body.append(f'<p class="muted">Documented in <code>{escape(cell.doc)}</code></p>')
    if cell.metrics:
        body.append(
            '<table class="kv">'
            + "".join(
                f"<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>"
                for k, v in cell.metrics
            )
            + "</table>"
        )
    body += [_probe(s) for s in cell.evidence]
    inner = list(nested)
    if inner:
        body.append(
            f"<p><b>Blocks {len(inner)} check(s) on {escape(cell.layer)}:</b></p>"
            '<div class="blocked-list">'
            + "".join(_details(c) for c in inner)
            + "</div>"
        )
    return (
        f'<details class="cell {css}-cell" id="{cell_id(cell.check, cell.layer)}">'
        f'<summary><span class="badge {css}">{escape(cell.outcome.value)}</span> '
        f"<b>{escape(cell.check)}</b> on {escape(cell.layer)} — "
        f"{escape(_cut(cell.detail))}</summary>"
        f'<div class="body">{"".join(body)}</div></details>'
    )


def _layer(page: Page, layer: str) -> str:
    cells = [c for c in page.cells if c.layer == layer]
    roots = {c.check for c in cells}
    under = {
        c.check for c in cells if c.blocked_by in roots and c.blocked_by != c.check
    }
    out = [f"<h2>Layer {escape(layer)}</h2>"]
    for cell in cells:
        if cell.check in under:
            continue
        nested = [c for c in cells if c.check in under and c.blocked_by == cell.check]
        out.append(_details(cell, nested))
    return "".join(out)


def render(page: Page) -> str:
    """The whole report.html of ``page``."""
    failed = sum(c.outcome is Outcome.FAILED and c.known is None for c in page.cells)
    verdict = "FAILED" if failed else "passed"
    counts = " ".join(
        f'<span class="badge {_css(Outcome(k))}">{escape(k)}: {v}</span>'
        for k, v in page.summary.items()
    )
    parts = [
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width,initial-scale=1">',
        f"<title>{escape(page.title)}</title><style>{CSS}</style></head><body>",
        f"<h1>{escape(page.title)}</h1>",
        f'<p class="muted">{escape(page.stamp)}</p>' if page.stamp else "",
        f"<p>Target: <code>{escape(page.target)}</code></p>",
        '<div class="layout"><div class="left">',
        f'<p id="verdict"><b class="verdict-{verdict}">{verdict}</b> {counts}</p>',
        "<h2>Checks &times; layers</h2>",
        '<p class="muted">Click a cell for what was sent and received,<br>the detail '
        "and the fix. A BLOCKED cell names the failed<br>check it waits on and sits "
        "under it in the cell list.</p>",
        _matrix(page),
        '</div><div class="right">',
    ]
    parts += [_layer(page, layer) for layer in page.layers]
    if page.baseline:
        shown = ", ".join(f"{k} {v}" for k, v in page.baseline.items())
        parts.append(
            f"<h2>Client self-test</h2><p>Against the mock directly: {escape(shown)}</p>"
        )
    if page.notes:
        items = "".join(f"<li>{escape(n)}</li>" for n in page.notes)
        parts.append(f"<h2>Notes</h2><ul>{items}</ul>")
    if page.logs:
        parts.append("<h2>Logs</h2>")
        parts += [
            f"<details><summary>{escape(name)} (tail)</summary>"
            f"<pre>{escape(text)}</pre></details>"
            for name, text in page.logs.items()
        ]
    parts.append(f"</div></div><script>{SCRIPT}</script></body></html>\n")
    return "".join(parts)
