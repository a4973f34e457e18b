"""Writing a run's report files: the one place, for ``sse-harness run`` and the plugin.

``report.json``, ``summary.md`` and ``report.html`` (the check x layer matrix with each
cell's evidence, self-contained). The renderers are pure (harness.gate.report,
harness.gate.cells + harness.gate.html); each file is written atomically by
harness.runtime.files, so a reader never sees half a report, and each is stamped (start
time, duration, harness version, command line: files.Stamp).
"""

from __future__ import annotations

import shlex
import time
from typing import TYPE_CHECKING, Any

from harness import __version__
from harness.gate import badges, cells, diff_md, html, report
from harness.runtime.files import Stamp, write_atomic

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from pathlib import Path

    from harness.gate.adopt import Adopted
    from harness.gate.config import RunConfig
    from harness.gate.run import RunReport


def target_of(config: RunConfig) -> dict[str, Any]:
    return {"cmd": config.proxy_cmd, "url": config.proxy_url, "dialect": config.dialect}


def stamp(started: float, argv: Sequence[str] | None = None) -> Stamp:
    """The stamp of a run that began at ``started`` (epoch seconds) and ends now;
    ``argv`` defaults to this process's command line."""
    return Stamp.since(started, argv)


def documents(
    found: RunReport,
    exit_status: int | None = None,
    run: Stamp | None = None,
    adopted: Adopted | None = None,
) -> dict[str, str]:
    """The files of a finished run by name: ``report.json``, ``summary.md``,
    ``report.html`` and the badges (harness.gate.badges); ``adopted`` adds the known
    failures and the baseline comparison (harness.gate.adopt)."""
    c = found.config
    known = adopted.known if adopted else {}
    notes = (*found.notes, *(adopted.notes if adopted else ()))
    compared = ""
    if adopted is not None and adopted.diff is not None:
        compared = "\n" + diff_md.to_markdown(
            adopted.diff, old=adopted.baseline, new="this run"
        )
    stamp_of = run or Stamp.of(found.started_at, found.duration_s, __version__, ())
    title = f"sse-harness {__version__}: {c.proxy_cmd or c.proxy_url}"
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
            run=stamp_of.to_json(),
            known=known,
            extra=adopted.to_json() if adopted else None,
        ),
        "summary.md": report.to_markdown(
            found.results,
            title=title,
            notes=notes,
            baseline=found.baseline,
            stamp=stamp_of.line(),
            known=known,
        )
        + compared,
        "report.html": html.render(
            cells.page(
                found.results,
                found.evidence,
                title=title,
                target=" ".join(
                    f"{k}={v}" for k, v in target_of(c).items() if v is not None
                ),
                stamp=_stamp_text(stamp_of),
                baseline=found.baseline,
                notes=notes,
                logs=found.logs,
                known=known,
            )
        ),
        **badges.documents(found.results, known),
    }


def _stamp_text(run: Stamp) -> str:
    command = shlex.join(run.argv)
    return f"Run {run.started}, {run.duration_s:.1f} s, sse-harness {run.version}" + (
        f": {command}" if command else ""
    )


def write_reports(
    directory: Path,
    found: RunReport,
    exit_status: int | None = None,
    run: Stamp | None = None,
    adopted: Adopted | None = None,
) -> list[Path]:
    """``report.json``, ``summary.md``, ``report.html`` and the badges of a finished
    run, in ``directory``."""
    files = documents(found, exit_status, run, adopted)
    return [write_atomic(directory / name, text) for name, text in files.items()]


def write_error_report(
    directory: Path,
    target: Mapping[str, Any],
    error: str,
    exit_status: int,
    run: Stamp | None = None,
) -> Path:
    """``report.json`` of a run that ended without verdicts (exit 2, or Ctrl-C)."""
    stamped = run.to_json() if run else None
    text = report.error_json(target, error, exit_status, time.time(), stamped)
    return write_atomic(directory / "report.json", text)


def write_junit(
    path: Path, found: RunReport, strict: bool, adopted: Adopted | None = None
) -> Path:
    """The run as JUnit XML (harness.gate.junit) at ``path``."""
    from harness.gate.junit import to_junit

    text = to_junit(
        found.results,
        strict=strict,
        known=adopted.known if adopted else None,
        duration_s=found.duration_s,
    )
    return write_atomic(path, text)
