"""Write a run's reports: ``bench.json``, ``summary.md``, ``report.html`` (I/O)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from harness.bench.report_json import to_document
from harness.bench.report_md import render

if TYPE_CHECKING:
    from pathlib import Path

    from harness.bench.run import BenchResult


def write_reports(result: BenchResult, directory: Path) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    doc = to_document(result)
    written = []
    from harness.bench import report_html

    for name, text in (
        ("bench.json", json.dumps(doc, indent=2) + "\n"),
        ("summary.md", render(doc)),
        ("report.html", report_html.render(result, doc)),
    ):
        path = directory / name
        path.write_text(text)
        written.append(path)
    return written
