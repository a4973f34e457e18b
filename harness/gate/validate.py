"""Option validators: each raises UsageError with one line naming the option.

Every path, port, certificate and output location is checked before anything starts:
one line naming the option and the problem, exit 2. --idle-seconds and every timeout
option have an upper bound, with the reason in the error.

They only read (stat, open, parse); none starts or writes anything.
"""

from __future__ import annotations

import math
import os
import ssl
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from harness.errors import UsageError

if TYPE_CHECKING:
    from collections.abc import Iterable

__all__ = [
    "BOUNDS",
    "Bound",
    "bounded_count",
    "bounded_seconds",
    "existing_dir",
    "pem_certificate",
    "port",
    "scenario_path",
    "seconds",
    "select_patterns",
]

PEM_MARK = b"-----BEGIN CERTIFICATE-----"
SCENARIO_SUFFIXES = (".ndjson", ".toml")


def _fail(option: str, value: object, problem: str) -> UsageError:
    return UsageError(f"{option} {value}: {problem}")


def existing_dir(option: str, path: str | Path) -> Path:
    """A directory that exists and can be entered (e.g. ``--cwd``)."""
    found = Path(path)
    if not found.exists():
        raise _fail(option, path, "no such directory")
    if not found.is_dir():
        raise _fail(option, path, "not a directory")
    if not os.access(found, os.X_OK):
        raise _fail(option, path, "cannot enter it (permission denied)")
    return found


def readable_file(where: str, path: str | Path, kind: str) -> bytes:
    """The bytes of the file at ``path`` (``kind`` names what it should be), or a
    UsageError starting with ``where``."""
    found = Path(path)
    if found.is_dir():
        raise UsageError(f"{where}: is a directory, not {kind}")
    try:
        return found.read_bytes()
    except FileNotFoundError as exc:
        raise UsageError(f"{where}: no such file") from exc
    except OSError as exc:
        raise UsageError(f"{where}: cannot be read ({exc.strerror})") from exc


def scenario_path(option: str, path: str | Path) -> Path:
    """A scenario file (``NAME.ndjson`` or ``NAME.toml``) the mock can load."""
    kind = "a scenario file (NAME.ndjson or NAME.toml)"
    readable_file(f"{option} {path}", path, kind)
    found = Path(path)
    if found.suffix not in SCENARIO_SUFFIXES:
        raise _fail(option, path, f"not {kind}")
    from mock_ollama.errors import MockOllamaError
    from mock_ollama.scenario.recording import load_scenario

    try:
        load_scenario(found)
    except MockOllamaError as exc:
        raise _fail(option, path, f"not a valid scenario: {exc}") from exc
    return found


def pem_certificate(option: str, path: str | Path) -> Path:
    """A readable PEM file holding at least one certificate ssl can load (``--ca``)."""
    data = readable_file(f"{option} {path}", path, "a PEM certificate")
    if PEM_MARK not in data:
        raise _fail(option, path, "not a PEM certificate (no BEGIN CERTIFICATE line)")
    try:
        ssl.create_default_context(cafile=str(path))
    except (ssl.SSLError, ValueError) as exc:
        reason = getattr(exc, "reason", None) or str(exc)
        raise _fail(option, path, f"not a valid PEM certificate ({reason})") from exc
    return Path(path)


def port(option: str, value: int | str, *, allow_zero: bool = False) -> int:
    """A TCP port number, 1-65535 (0 too with ``allow_zero``: "any free port")."""
    try:
        number = int(value)
    except (TypeError, ValueError) as exc:
        raise _fail(option, value, "not a TCP port number") from exc
    low = 0 if allow_zero else 1
    if not low <= number <= 65535:
        raise _fail(option, value, f"not a TCP port ({low}-65535)")
    return number


@dataclass(frozen=True, slots=True)
class Bound:
    """The accepted range of a seconds option and why it has an upper end."""

    low: float
    high: float
    reason: str


#: upper bounds of the gate's timing options with the reason shown
BOUNDS: dict[str, Bound] = {
    "--idle-seconds": Bound(
        1.0,
        300.0,
        "IDLE-HEARTBEAT needs a silence only a little longer than --heartbeat-budget, "
        "and every run waits through it",
    ),
    "--heartbeat-budget": Bound(
        0.5,
        120.0,
        "no common layer keeps a silent stream open longer (nginx 60 s, Cloudflare 100 s)",
    ),
    "--startup-timeout": Bound(
        0.5,
        600.0,
        "a proxy that does not listen within 10 minutes is not starting",
    ),
    "--bound-head-seconds": Bound(0.5, 600.0, "a probe waits for a head at most this"),
    "--bound-probe-seconds": Bound(1.0, 3600.0, "a probe takes at most an hour"),
    "--bound-quiet-seconds": Bound(0.5, 300.0, "a probe waits for a byte at most this"),
    "--bound-after-done-seconds": Bound(0.5, 60.0, "END-DONE wants the end in 2 s"),
}
#: the accepted range of the size options of the probe bounds
COUNTS: dict[str, tuple[int, int]] = {
    "--bound-head-bytes": (1024, 16 << 20),
    "--bound-probe-bytes": (64 << 10, 1 << 30),
    "--bound-events": (10, 10_000_000),
    "--bound-event-bytes": (1024, 256 << 20),
}


def seconds(option: str, value: float) -> float:
    """Seconds within the option's bounds (BOUNDS)."""
    bound = BOUNDS[option]
    return bounded_seconds(option, value, bound.low, bound.high, bound.reason)


def bounded_count(option: str, value: int) -> int:
    """A whole number within the option's range (COUNTS)."""
    low, high = COUNTS[option]
    if isinstance(value, bool) or not isinstance(value, int):
        raise _fail(option, value, "not a whole number")
    if not low <= value <= high:
        raise _fail(option, value, f"between {low} and {high}")
    return value


def bounded_seconds(
    option: str, value: float, low: float, high: float, reason: str
) -> float:
    """A finite number of seconds with ``low <= value <= high``; above ``high`` the
    error gives ``reason``."""
    if not math.isfinite(value):
        raise _fail(option, value, "not a finite number of seconds")
    if value < low:
        raise _fail(option, value, f"at least {low:g} s")
    if value > high:
        raise _fail(option, value, f"at most {high:g} s: {reason}")
    return value


def select_patterns(option: str, items: Iterable[str]) -> tuple[str, ...]:
    """Comma-separated fnmatch patterns, each non-empty and matching some check."""
    from harness.checks import select

    patterns: list[str] = []
    for item in items:
        for raw in item.split(","):
            pattern = raw.strip()
            if not pattern:
                raise _fail(option, repr(item), "empty pattern")
            if not select((pattern,)):
                raise _fail(
                    option,
                    repr(pattern),
                    "matches no check; `sse-harness checks` lists them",
                )
            patterns.append(pattern)
    return tuple(patterns)
