"""The options that make the gate adoptable in CI: a config file, known failures, a
baseline to compare with, a JUnit file (docs/ci.md).

``sse-harness run`` only (``plugin=False``): the pytest plugin has ``--junitxml`` and its
own ways to mark expected failures. They join the one table of harness.gate.options.
"""

from __future__ import annotations

from pathlib import Path

from harness.errors import UsageError
from harness.gate.option_record import Kind, Option


def _known_file(option: str, value: str) -> None:
    from harness.gate.known import load

    load(Path(value), option)


def _baseline(option: str, value: str) -> None:
    from harness.gate.report_file import load_report

    load_report(Path(value), option)


def _output_file(option: str, value: str) -> None:
    """A file we can write: not a directory, and its directory exists or can be made
    (as for --report-dir: harness.runtime.files.preflight)."""
    from harness.runtime.files import preflight

    path = Path(value)
    if path.is_dir():
        raise UsageError(f"{option} {value}: is a directory, not a file")
    try:
        preflight(path.parent)
    except UsageError as exc:
        problem = str(exc).partition(": ")[2]
        raise UsageError(f"{option} {value}: {problem}") from None


ADOPTION: tuple[Option, ...] = (
    Option(
        "config",
        Kind.STR,
        None,
        "a TOML file of run options (keys as the long options; default: "
        "[tool.sse-harness] of ./pyproject.toml)",
        "FILE",
        plugin=False,
    ),
    Option(
        "known-failures",
        Kind.STR,
        None,
        "TOML file of [[known]] failures (check, layer, reason, link): reported, "
        "not failing the run",
        "FILE",
        check_value=_known_file,
        plugin=False,
        path=True,
    ),
    Option(
        "strict-known",
        Kind.FLAG,
        False,
        "a known-failures entry that matched nothing (stale) fails the run",
        plugin=False,
    ),
    Option(
        "baseline",
        Kind.STR,
        None,
        "an earlier report.json (or its directory): fail only on regressions from it",
        "OLD",
        check_value=_baseline,
        plugin=False,
        path=True,
    ),
    Option(
        "junit",
        Kind.STR,
        None,
        "write a JUnit XML file here (one case per check and layer)",
        "FILE",
        check_value=_output_file,
        plugin=False,
        path=True,
    ),
)
#: every option of this table by name (commands other than ``run`` leave them out)
NAMES = tuple(option.name for option in ADOPTION)
