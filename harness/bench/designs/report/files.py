"""Write a run's reports: ``bench.json``, ``summary.md``, ``report.html`` (I/O).

Each file is written atomically and stamped (start time, duration, harness version,
command line: harness.runtime.files), also for a run cut short by Ctrl-C or SIGTERM.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from harness.bench.designs.report.json import to_document
from harness.bench.designs.report.md import render
from harness.runtime.files import Stamp, write_atomic

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

    from harness.bench.designs.run import BenchResult

BENCH_NAMES = ("bench.json", "summary.md", "report.html")


def write_reports(
    result: BenchResult, directory: Path, started: float, argv: Sequence[str]
) -> list[Path]:
    """The three files in ``directory``; ``started`` (epoch seconds) and ``argv``
    stamp them."""
    from harness.bench.designs.report import html as report_html

    stamp = Stamp.since(started, argv)
    doc = to_document(result)
    doc["run"]["stamp"] = stamp.to_json()
    summary = render(doc).split("\n", 1)
    return [
        write_atomic(directory / name, text)
        for name, text in (
            ("bench.json", json.dumps(doc, indent=2) + "\n"),
            ("summary.md", f"{summary[0]}\n\n{stamp.line()}\n{summary[1]}"),
            ("report.html", report_html.render(result, doc)),
        )
    ]
