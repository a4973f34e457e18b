"""The client compatibility matrix: cells and how they are rendered (pure).

A cell is one client library reading one target's stream. It is red when the text the
client's reader assembled differs from what upstream sent, when the client raised or
surfaced an error, or when it saw nothing at all.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING

from harness.runtime.table import Table

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = ["Matrix", "MatrixCell", "TargetInfo", "to_json", "to_markdown"]


@dataclass(frozen=True, slots=True)
class TargetInfo:
    name: str
    url: str
    method: str


@dataclass(frozen=True, slots=True)
class MatrixCell:
    client: str
    target: str
    layer: str
    events: int
    tokens: int
    text_ok: bool
    error: str | None
    first_token_ms: float | None
    reconnected: bool
    note: str = ""

    @property
    def red(self) -> bool:
        """Text differs, the client raised/surfaced an error, or it saw nothing."""
        return (not self.text_ok) or self.error is not None or self.events == 0

    def short(self) -> str:
        """The matrix entry: ``ok 43 ev`` or ``RED: why``."""
        if not self.red:
            first = (
                f", first {self.first_token_ms:.0f} ms"
                if self.first_token_ms is not None
                else ""
            )
            return f"ok ({self.tokens} tokens{first})"
        if self.error is not None:
            why = self.error
        elif self.events == 0:
            why = "0 events, no error"
        else:
            why = f"text differs ({self.tokens} tokens)"
        return "**RED**: " + _cut(why, 90)


@dataclass(frozen=True, slots=True)
class Matrix:
    targets: tuple[TargetInfo, ...]
    cells: tuple[MatrixCell, ...]
    notes: tuple[str, ...] = field(default=())

    def red(self) -> list[MatrixCell]:
        return [c for c in self.cells if c.red]

    def cell(self, client: str, target: str) -> MatrixCell | None:
        return next(
            (c for c in self.cells if c.client == client and c.target == target), None
        )


def _cut(text: str, width: int) -> str:
    one = " ".join(text.split())
    return one if len(one) <= width else one[: width - 1] + "…"


def to_json(matrix: Matrix) -> str:
    """``clients.json``: ``{"targets": [...], "cells": [...], "notes": [...]}``."""
    doc = {
        "targets": [asdict(t) for t in matrix.targets],
        "cells": [{**asdict(c), "red": c.red} for c in matrix.cells],
        "notes": list(matrix.notes),
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def to_markdown(
    matrix: Matrix, title: str = "Client compatibility", order: Sequence[str] = ()
) -> str:
    """One row per client (in ``order``, then as met), one column per target (and
    layer), then the notes."""
    columns: list[tuple[str, str]] = []
    for c in matrix.cells:
        if (c.target, c.layer) not in columns:
            columns.append((c.target, c.layer))
    clients: list[str] = []
    for c in matrix.cells:
        if c.client not in clients:
            clients.append(c.client)
    clients.sort(key=lambda name: order.index(name) if name in order else len(order))
    heads = [t if layer == "direct" else f"{t} ({layer})" for t, layer in columns]
    rows = []
    for client in clients:
        row = [client]
        for target, layer in columns:
            found = [
                c
                for c in matrix.cells
                if c.client == client and c.target == target and c.layer == layer
            ]
            row.append(found[0].short() if found else "—")
        rows.append(row)
    lines = [f"## {title}", ""]
    lines += Table.of(["client", *heads], rows).markdown_lines()
    lines.append("")
    for t in matrix.targets:
        lines.append(f"- `{t.name}`: {t.method} {t.url}")
    notes = [c for c in matrix.cells if c.note]
    if notes:
        lines.append("")
        for c in notes:
            lines.append(f"- {c.client} on {c.target}: {_cut(c.note, 200)}")
    for note in matrix.notes:
        lines.append(f"- {note}")
    return "\n".join(lines) + "\n"


def to_html(matrix: Matrix, title: str = "Client compatibility") -> str:
    """The matrix as an HTML section (red cells marked), for the HTML report."""
    from html import escape

    columns: list[str] = []
    for c in matrix.cells:
        key = c.target if c.layer == "direct" else f"{c.target} ({c.layer})"
        if key not in columns:
            columns.append(key)
    rows: dict[str, dict[str, MatrixCell]] = {}
    for c in matrix.cells:
        key = c.target if c.layer == "direct" else f"{c.target} ({c.layer})"
        rows.setdefault(c.client, {})[key] = c
    out = [f'<section class="clients"><h2>{escape(title)}</h2><table>']
    out.append(
        "<tr><th>client</th>" + "".join(f"<th>{escape(k)}</th>" for k in columns)
    )
    for client, found in rows.items():
        out.append(f"<tr><th>{escape(client)}</th>")
        for key in columns:
            cell = found.get(key)
            if cell is None:
                out.append("<td>—</td>")
                continue
            css = "red" if cell.red else "ok"
            text = escape(cell.short().replace("**", ""))
            out.append(f'<td class="{css}" title="{escape(cell.note)}">{text}</td>')
        out.append("</tr>")
    out.append("</table></section>")
    return "\n".join(out) + "\n"
