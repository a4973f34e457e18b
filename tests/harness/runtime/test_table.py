"""harness.runtime.table: one table, the same cells in Markdown and in HTML."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from hypothesis import given, strategies as st

from harness.runtime.table import Table

TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=12)
TABLES = st.integers(1, 4).flatmap(
    lambda n: st.tuples(
        st.lists(TEXT, min_size=n, max_size=n),
        st.lists(st.lists(TEXT, min_size=n, max_size=n), max_size=4),
        st.sets(st.integers(0, n - 1)),
    )
)
#: a GFM cell boundary: a pipe not escaped by a backslash
BOUNDARY = re.compile(r"(?<!\\)\|")


class _Cells(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[list[str]] = []
        self._in = False

    def handle_starttag(self, tag: str, attrs: object) -> None:
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self._in = True
            self.rows[-1].append("")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th"):
            self._in = False

    def handle_data(self, data: str) -> None:
        if self._in:
            self.rows[-1][-1] += data


@given(TABLES)
def test_markdown_keeps_every_row_in_its_columns(parts):
    head, rows, right = parts
    table = Table.of(head, rows, tuple(right))
    lines = table.markdown_lines()
    assert len(lines) == len(rows) + 2
    for line in lines:
        assert "\n" not in line
        assert len(BOUNDARY.findall(line.replace("\\\\", ""))) == len(head) + 1
    rule = lines[1].strip("|").split("|")
    assert [r == "---:" for r in rule] == [i in right for i in range(len(head))]


@given(TABLES)
def test_html_holds_exactly_the_cells(parts):
    head, rows, right = parts
    cells = _Cells()
    cells.feed(Table.of(head, rows, tuple(right)).to_html())
    assert cells.rows == [list(head), *(list(r) for r in rows)]


def test_a_row_of_the_wrong_width_is_refused():
    with pytest.raises(ValueError, match="2 cells, not 3"):
        Table.of(["a", "b", "c"], [["1", "2"]])


def test_markdown_as_written():
    table = Table.of(["design", "x"], [["a|b", "1"]], right=(1,))
    assert table.to_markdown() == "| design | x |\n|---|---:|\n| a\\|b | 1 |\n"
