"""Reading a report.json back (``sse-harness diff``, ``run --baseline``): the file, or
the report.json of a report directory, checked to be a run's report with results."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from harness.errors import UsageError


def load_report(path: Path, option: str = "diff") -> dict[str, Any]:
    """A report.json (or the report.json of a directory) with results to compare."""
    found = Path(path)
    file = found / "report.json" if found.is_dir() else found
    where = f"{option} {path}"
    try:
        doc = json.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsageError(f"{where}: no such file {file}") from None
    except OSError as exc:
        raise UsageError(f"{where}: cannot be read ({exc.strerror})") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise UsageError(f"{where}: not a report.json ({exc})") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("results"), list):
        raise UsageError(f"{where}: not a report.json of sse-harness (no results)")
    if doc.get("error") and not doc["results"]:
        raise UsageError(f"{where}: that run judged nothing ({doc['error']})")
    return doc
