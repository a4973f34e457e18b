"""report.html: the check x layer matrix, each cell's evidence, escaping,
BLOCKED under its root, the token timeline; and the page in real headless Chromium."""

from __future__ import annotations

import dataclasses
import re
from html import escape
from html.parser import HTMLParser
from typing import TYPE_CHECKING

import pytest
from hypothesis import given, strategies as st

from harness.checks.model import Outcome
from harness.gate import badges, cells, html as gate_html, output, timeline
from harness.gate.html import cell_id, visible
from harness.runtime.files import REPORT_NAMES
from tests.harness.evidence import observation
from tests.harness.gate.html_run import (
    BLOCKED,
    CHECKS,
    GAP_MS,
    HOSTILE,
    LAYERS,
    ROOT,
    TOKENS,
    failing_report,
    failing_run,
)
from tests.tools import require_tool

if TYPE_CHECKING:
    from pathlib import Path

    from playwright.sync_api import ConsoleMessage


def page() -> cells.Page:
    results, evidence = failing_run()
    return cells.page(results, evidence, title="t <i>", target="x", stamp="s")


class Tree(HTMLParser):
    """Per element id: the ids of the <details> around it; the text of each <td>."""

    def __init__(self) -> None:
        super().__init__()
        self.open: list[str] = []
        self.around: dict[str, list[str]] = {}
        self.scripts = 0
        self.tags: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        ident = dict(attrs).get("id") or ""
        if tag == "script":
            self.scripts += 1
        if tag == "details":
            self.around[ident] = list(self.open)
            self.open.append(ident)

    def handle_endtag(self, tag: str) -> None:
        if tag == "details":
            self.open.pop()


def parsed(text: str) -> Tree:
    tree = Tree()
    tree.feed(text)
    tree.close()
    return tree


def details_of(text: str, check: str, layer: str) -> str:
    """The whole <details> element of one cell (nested ones included)."""
    start = text.rindex("<details", 0, text.index(f'id="{cell_id(check, layer)}"'))
    depth = 0
    for found in re.finditer(r"<details|</details>", text[start:]):
        depth += 1 if found.group() == "<details" else -1
        if depth == 0:
            return text[start : start + found.end()]
    raise AssertionError(f"{check} on {layer}: <details> not closed")


def test_the_matrix_has_every_check_and_layer_coloured_by_outcome() -> None:
    results, _ = failing_run()
    text = gate_html.render(page())
    rows = re.findall(r'<tr class="check">(.*?)</tr>', text)
    assert len(rows) == len(CHECKS) and len(results) == len(CHECKS) * len(LAYERS)
    for layer in LAYERS:
        assert f"<th>{layer}</th>" in text
    for r in results:
        link = f'<a href="#{cell_id(r.check, r.layer)}">{r.outcome.value}</a>'
        css = f'class="o-{r.outcome.value.lower()}"'
        assert re.search(f"<td {css}[^>]*>{re.escape(link)}", text), (r.check, r.layer)
        assert f'id="{cell_id(r.check, r.layer)}"' in text


def test_hostile_headers_and_bytes_are_shown_escaped_never_run() -> None:
    text = output.documents(failing_report())["report.html"]
    tree = parsed(text)
    assert tree.scripts == 1 and "img" not in tree.tags  # only the page's own script
    assert (
        HOSTILE not in text and "<img" not in text and "alert(3)</script>" not in text
    )
    assert "&lt;/script&gt;&lt;script&gt;window.pwned=1" in text
    assert "onerror=alert(2)&gt;" in text and "&lt;b&gt;markup&lt;/b&gt;" in text


def test_control_characters_and_bad_utf8_are_visible() -> None:
    shown = visible(b"a\r\n\x00<b>\xff")
    assert shown.startswith(
        'a<span class="ctl">\\r</span><span class="ctl">\\n</span>\n'
    )
    assert '<span class="ctl">\\x00</span>&lt;b&gt;\\xff' in shown
    assert visible("caf\udcff") == "caf\\udcff"


@given(st.binary() | st.text())
def test_visible_leaves_no_markup_but_its_own(data: bytes | str) -> None:
    shown = re.sub(
        r'<span class="ctl">\\(?:[rnt]|x[0-9a-f]{2})</span>', "", visible(data)
    )
    assert not re.search(r"[<>\x00-\x09\x0b-\x1f\x7f]", shown)


def test_the_timeline_tells_buffering_batching_and_nothing_apart() -> None:
    def points(arrivals: list[float]) -> list[cells.Point]:
        return [cells.Point(i, 60.0 * i, a) for i, a in enumerate(arrivals)]

    assert timeline.svg([]) == ""
    assert timeline.caption([], 22) == "none of the 22 upstream tokens could be timed"
    batched = points([200, 200, 200, 400, 400, 400])
    assert "arrived at 2 distinct times" in timeline.caption(batched, 6)
    streamed = points([60.0 * i + 1 for i in range(6)])
    assert "arrived at 6 distinct times; lag median 1 ms" in timeline.caption(
        streamed, 6
    )
    assert timeline.svg(streamed).count('<g class="token">') == 6


def test_blocked_cells_name_their_root_and_sit_under_it() -> None:
    text = gate_html.render(page())
    tree = parsed(text)
    for layer in LAYERS:
        root = cell_id(ROOT, layer)
        assert tree.around[root] == []
        for check in BLOCKED:
            assert tree.around[cell_id(check, layer)] == [root]
            td = re.search(
                f'href="#{cell_id(check, layer)}">BLOCKED</a><small>by (.*?)</small>',
                text,
            )
            assert td and f'href="#{root}"' in td.group(1)
        assert f"<small>blocks {len(BLOCKED)}</small>" in text
        assert f"Blocks {len(BLOCKED)} check(s) on {layer}" in text


def test_failed_cells_show_detail_fix_and_what_was_sent_and_received() -> None:
    results, _ = failing_run()
    text = gate_html.render(page())
    failed = [r for r in results if r.outcome is Outcome.FAILED]
    assert {r.check for r in failed} >= {ROOT, "LAT-FIRST-TOKEN"}
    for r in failed:
        cell = details_of(text, r.check, r.layer)
        assert r.fix and escape(r.fix) in cell
        assert escape(r.detail) in cell
        assert "docs/checks.md#" + r.check.lower() in cell
    cell = details_of(text, ROOT, "direct")
    assert "POST http://127.0.0.1:1/x" in cell and "HTTP/1.1 200" in cell
    assert "content-type: application/x-ndjson" in cell
    assert 'data: {&quot;token&quot;: &quot;tok0 &quot;}<span class="ctl">' in cell


def test_timed_cells_draw_the_timeline_of_the_buffered_tokens() -> None:
    text = gate_html.render(page())
    # LAT-FIRST-TOKEN's cell also holds LAT-NO-BATCHING's, which it BLOCKED
    for check, drawn in (("LAT-FIRST-TOKEN", 2), ("LAT-OVERHEAD", 1)):
        cell = details_of(text, check, "direct")
        assert cell.count('<svg class="timeline"') == drawn
        assert cell.count('<g class="token">') == drawn * len(TOKENS)
        assert f"{len(TOKENS)} of {len(TOKENS)} tokens timed" in cell
        assert "arrived at 1 distinct time;" in cell
    assert '<svg class="timeline"' not in details_of(text, "HDR-STATUS-200", "direct")
    lat = next(c for c in page().cells if c.check == "LAT-FIRST-TOKEN")
    points = lat.evidence[0].timeline
    assert [p.written_ms for p in points[:3]] == [GAP_MS, 2 * GAP_MS, 3 * GAP_MS]
    assert len({p.arrived_ms for p in points}) == 1


def test_the_body_excerpt_is_the_first_bytes_only() -> None:
    results, evidence = failing_run()
    big = dataclasses.replace(observation([(1, b"x" * 10_000)]), content_coding="gzip")
    ev = evidence["direct"]["valid"]
    evidence["direct"]["valid"] = dataclasses.replace(ev, obs=big)
    text = gate_html.render(cells.page(results, evidence, title="t", target="x"))
    assert f"first {cells.BODY_EXCERPT} of 10000 bytes, decoded from gzip" in text
    assert "x" * (cells.BODY_EXCERPT + 1) not in text


def test_report_html_is_written_and_cleared_with_the_other_reports(
    tmp_path: Path,
) -> None:
    assert "report.html" in REPORT_NAMES
    written = output.write_reports(tmp_path, failing_report(), 1)
    names = [p.name for p in written]
    assert names[:3] == ["report.json", "summary.md", "report.html"]
    assert tuple(names[3:]) == badges.NAMES
    assert (tmp_path / "report.html").read_text().startswith("<!DOCTYPE html>")


@pytest.mark.slow
def test_in_headless_chromium_the_matrix_renders_without_errors(
    tmp_path: Path,
) -> None:
    """Real Debian chromium: no console or page error, no request leaves the file,
    the matrix has one row per check, a cell opens; the screenshot is kept."""
    binary = require_tool("chromium", "bash .ci/setup installs Debian's chromium")
    from playwright.sync_api import sync_playwright

    report = tmp_path / "report.html"
    report.write_text(output.documents(failing_report())["report.html"])
    errors: list[str] = []
    requests: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=binary, args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            page = browser.new_page(viewport={"width": 1000, "height": 800})

            def console(message: ConsoleMessage) -> None:
                if message.type == "error":
                    errors.append(message.text)

            page.on("console", console)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on("request", lambda r: requests.append(r.url))
            page.goto(report.as_uri(), timeout=15000)
            rows = page.locator("table.matrix tbody tr.check")
            assert rows.count() == len(CHECKS)
            assert rows.first.locator("td").count() == 1 + len(LAYERS)
            assert page.locator("table.matrix").bounding_box()["height"] > 100  # type: ignore[index]
            failed = cell_id("LAT-FIRST-TOKEN", "direct")
            colour = page.locator(f'td:has(> a[href="#{failed}"])').evaluate(
                "e => getComputedStyle(e).backgroundColor"
            )
            assert colour == "rgb(207, 34, 46)"  # FAILED red
            assert not page.locator(f"#{failed}").evaluate("e => e.open")
            page.click(f'table.matrix a[href="#{failed}"]')
            assert page.locator(f"#{failed}").evaluate("e => e.open")
            assert page.locator(f"#{failed} svg.timeline").first.is_visible()
            blocked = cell_id(BLOCKED[0], "nginx")
            page.click(f'table.matrix a[href="#{blocked}"]')
            assert page.locator(f"#{blocked} > summary").is_visible()
            assert page.evaluate("window.pwned === undefined")
            page.screenshot(path=str(tmp_path / "gate-report.png"))
        finally:
            browser.close()
    assert errors == []
    assert set(requests) == {report.as_uri()}  # nothing but the file itself
    assert (tmp_path / "gate-report.png").stat().st_size > 10_000
