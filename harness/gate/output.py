"""Writing a run's report files: the one place, for ``sse-harness run`` and the plugin.

The renderers are pure (harness.gate.report); each file is written atomically by
harness.gate.files, so a reader never sees half a report.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from harness import __version__
from harness.gate import report
from harness.gate.files import write_atomic

if TYPE_CHECKING:
    from collections.abc import Mapping
    from pathlib import Path

    from harness.gate.config import RunConfig
    from harness.gate.run import RunReport


def target_of(config: RunConfig) -> dict[str, Any]:
    return {"cmd": config.proxy_cmd, "url": config.proxy_url, "dialect": config.dialect}


def documents(found: RunReport, exit_status: int | None = None) -> dict[str, str]:
    """The files of a finished run by name: ``report.json`` and ``summary.md``."""
    c = found.config
    return {
        "report.json": report.to_json(
            found.results,
            version=__version__,
            target=target_of(c),
            layers=c.layers,
            baseline=found.baseline,
            notes=found.notes,
            logs=found.logs,
            duration_s=found.duration_s,
            exit_status=exit_status,
        ),
        "summary.md": report.to_markdown(
            found.results,
            title=f"sse-harness {__version__}: {c.proxy_cmd or c.proxy_url}",
            notes=found.notes,
            baseline=found.baseline,
        ),
    }


def write_reports(
    directory: Path, found: RunReport, exit_status: int | None = None
) -> list[Path]:
    """``report.json`` and ``summary.md`` of a finished run, in ``directory``."""
    files = documents(found, exit_status)
    return [write_atomic(directory / name, text) for name, text in files.items()]


def write_error_report(
    directory: Path, target: Mapping[str, Any], error: str, exit_status: int
) -> Path:
    """``report.json`` of a run that ended without verdicts (exit 2, or Ctrl-C)."""
    text = report.error_json(target, error, exit_status, time.time())
    return write_atomic(directory / "report.json", text)
