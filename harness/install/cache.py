"""The per-version cache directory and the lock that keeps two runs from installing
into it at once.

``$XDG_CACHE_HOME/sse-harness/<version>/`` (``~/.cache`` when the variable is unset or
not absolute, as the XDG Base Directory specification says: "If an implementation
encounters a relative path in any of these variables it should consider the path
invalid and ignore it").
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from harness import __version__
from harness.errors import EnvironmentProblem

if TYPE_CHECKING:
    from collections.abc import Iterator

__all__ = ["LOCK_TIMEOUT_S", "cache_root", "locked", "progress"]

#: how long a run waits for another one's install before it gives up
LOCK_TIMEOUT_S = 900.0
LOCK_NAME = ".lock"


def cache_root() -> Path:
    """``$XDG_CACHE_HOME/sse-harness/<version>`` (the directory may not exist yet)."""
    base = os.environ.get("XDG_CACHE_HOME", "")
    root = Path(base) if os.path.isabs(base) else Path.home() / ".cache"
    return root / "sse-harness" / __version__


def progress(line: str) -> None:
    """One progress line on stderr (the result goes to stdout)."""
    print(f"sse-harness: {line}", file=sys.stderr, flush=True)


@contextlib.contextmanager
def locked(directory: Path, timeout_s: float = LOCK_TIMEOUT_S) -> Iterator[None]:
    """Hold an exclusive ``flock`` on ``directory/.lock`` for the block.

    Another process holding it: say so once, then wait (at most ``timeout_s``).
    """
    try:
        directory.mkdir(parents=True, exist_ok=True)
        handle = (directory / LOCK_NAME).open("a")
    except OSError as exc:
        raise EnvironmentProblem(
            f"cannot write the cache {directory}: {exc.strerror}; "
            "set XDG_CACHE_HOME to a writable directory"
        ) from None
    with handle:
        deadline = time.monotonic() + timeout_s
        waiting = False
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if not waiting:
                    progress(
                        f"waiting for another sse-harness installing into {directory}"
                    )
                    waiting = True
                if time.monotonic() > deadline:
                    raise EnvironmentProblem(
                        f"{directory} stayed locked for {timeout_s:g} s by another "
                        f"sse-harness: wait for it, or remove {directory} and run again"
                    ) from None
                time.sleep(0.2)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
