"""The report files: checked before the run, cleared first, written atomically, stamped.

Nothing of a command runs when its report cannot be written. Every run starts by
removing the report files it will write, writes them atomically (temp file + rename),
and stamps them (start time, duration, harness version, command line).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import os
import shlex
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from harness.errors import UsageError

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

__all__ = [
    "REPORT_NAMES",
    "Stamp",
    "preflight",
    "remove_stale",
    "write_atomic",
]

OPTION = "--report-dir"
UNWRITABLE = {
    errno.EACCES: "is not writable (permission denied)",
    errno.EPERM: "is not writable (permission denied)",
    errno.EROFS: "is on a read-only file system",
    errno.ENOSPC: "is on a full file system",
}
REPORT_NAMES = ("report.json", "summary.md", "report.html")


def _problem(path: Path, text: str) -> UsageError:
    return UsageError(f"{OPTION} {path}: {text}")


def preflight(report_dir: Path, names: Iterable[str] = REPORT_NAMES) -> None:
    """Raise UsageError (one line naming --report-dir) unless the reports can be
    written there (``names``: the files the command writes). Leaves nothing behind:
    the nearest existing ancestor must be a directory we can create entries in (the
    directory itself is made later, when the command writes)."""
    path = Path(report_dir)
    probe = path
    while True:
        try:
            exists = probe.exists() or probe.is_symlink()
        except OSError as exc:
            raise _problem(
                path, f"cannot be inspected ({exc.strerror or exc})"
            ) from exc
        if exists:
            break
        if probe.parent == probe:
            raise _problem(path, "no existing parent directory")
        probe = probe.parent
    if not probe.is_dir():
        where = "is a file" if probe == path else f"is under a file ({probe})"
        raise _problem(path, f"{where}, not a directory")
    what = "directory" if probe == path else f"parent directory {probe}"
    try:  # os.access says yes to root on a read-only mount: really try, leave nothing
        os.rmdir(tempfile.mkdtemp(prefix=".sse-harness-preflight-", dir=probe))
    except OSError as exc:
        why = UNWRITABLE.get(exc.errno or 0, f"cannot hold new files ({exc.strerror})")
        raise _problem(path, f"{what} {why}") from exc
    if probe == path:
        for name in names:
            target = path / name
            if target.is_dir():
                raise _problem(path, f"{name} there is a directory")


def remove_stale(report_dir: Path, names: Iterable[str] = REPORT_NAMES) -> None:
    """Remove the report files a run will write, so an earlier run's files never
    stand beside this run's (a missing directory or file is fine)."""
    for name in names:
        with contextlib.suppress(FileNotFoundError, NotADirectoryError):
            (Path(report_dir) / name).unlink()


def write_atomic(path: Path, text: str) -> Path:
    """Write ``text`` to ``path`` so a reader sees the old file or the whole new one:
    a temp file in the same directory, fsync, then os.replace."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return path


@dataclass(frozen=True, slots=True)
class Stamp:
    """When, how long, which harness, which command line.

    In report.json: ``"run": Stamp.to_json()``; in summary.md: ``Stamp.line()`` under
    the title.
    """

    started: str  # ISO-8601 UTC, seconds
    duration_s: float
    version: str
    argv: tuple[str, ...]

    @classmethod
    def of(
        cls, started_epoch: float, duration_s: float, version: str, argv: Sequence[str]
    ) -> Stamp:
        when = dt.datetime.fromtimestamp(started_epoch, tz=dt.UTC)
        return cls(
            started=when.isoformat(timespec="seconds").replace("+00:00", "Z"),
            duration_s=round(duration_s, 2),
            version=version,
            argv=tuple(argv),
        )

    @classmethod
    def since(cls, started_epoch: float, argv: Sequence[str] | None = None) -> Stamp:
        """The stamp of a run that began at ``started_epoch`` and ends now, by this
        harness; ``argv`` defaults to this process's command line."""
        from harness import __version__

        return cls.of(
            started_epoch,
            time.time() - started_epoch,
            __version__,
            sys.argv if argv is None else argv,
        )

    def to_json(self) -> dict[str, object]:
        return {
            "started": self.started,
            "duration_s": self.duration_s,
            "harness_version": self.version,
            "argv": list(self.argv),
        }

    @classmethod
    def from_json(cls, found: dict[str, Any]) -> Stamp:
        """The inverse of ``to_json``."""
        return cls(
            started=str(found["started"]),
            duration_s=float(found["duration_s"]),
            version=str(found["harness_version"]),
            argv=tuple(str(a) for a in found["argv"]),
        )

    def line(self) -> str:
        command = shlex.join(self.argv)
        return (
            f"Run {self.started}, {self.duration_s:.1f} s, sse-harness {self.version}: "
            f"`{command}`"
        )
