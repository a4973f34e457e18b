"""One table type for every report: a head, rows of text, Markdown and HTML from it.

Pure (standard library only). The gate's summary, the client matrix, the bench's
tables, ``bench compare`` and the parser benchmark build a ``Table`` and render it;
no renderer parses Markdown back into HTML.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

__all__ = ["Table"]

#: GitHub-flavoured Markdown delimiter row per alignment
_RULE = {"left": "---", "right": "---:"}


def _md_cell(text: str) -> str:
    """A pipe inside a cell would end it (GFM: escape it as ``\\|``); newlines too."""
    return text.replace("|", "\\|").replace("\r", " ").replace("\n", " ")


@dataclass(frozen=True, slots=True)
class Table:
    """``head`` names the columns; each row holds one text per column. ``right``
    lists the columns (by index) aligned right, the numbers."""

    head: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    right: frozenset[int] = frozenset()

    def __post_init__(self) -> None:
        for row in self.rows:
            if len(row) != len(self.head):
                raise ValueError(
                    f"row {row!r} has {len(row)} cells, not {len(self.head)}"
                )

    @classmethod
    def of(
        cls,
        head: list[str] | tuple[str, ...],
        rows: list[list[str]] | list[tuple[str, ...]],
        right: tuple[int, ...] = (),
    ) -> Table:
        return cls(tuple(head), tuple(tuple(r) for r in rows), frozenset(right))

    def _align(self, index: int) -> str:
        return "right" if index in self.right else "left"

    def markdown_lines(self) -> list[str]:
        """The table as Markdown lines (head, delimiter row, one line per row)."""
        rule = [_RULE[self._align(i)] for i in range(len(self.head))]
        return [
            "| " + " | ".join(_md_cell(h) for h in self.head) + " |",
            "|" + "|".join(rule) + "|",
            *("| " + " | ".join(_md_cell(c) for c in row) + " |" for row in self.rows),
        ]

    def to_markdown(self) -> str:
        return "\n".join(self.markdown_lines()) + "\n"

    def to_html(self) -> str:
        """A ``<table>``: every cell escaped, right-aligned columns styled so."""

        def cell(tag: str, i: int, text: str) -> str:
            style = ' style="text-align:right"' if i in self.right else ""
            return f"<{tag}{style}>{html.escape(text)}</{tag}>"

        head = "".join(cell("th", i, h) for i, h in enumerate(self.head))
        body = "".join(
            "<tr>" + "".join(cell("td", i, c) for i, c in enumerate(row)) + "</tr>"
            for row in self.rows
        )
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
