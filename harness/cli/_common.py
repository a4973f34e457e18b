"""What every ``sse-harness`` command shares: its parser class and its guarded ``main``.

Exit statuses, the same for every command: 2 for a usage or environment error (one
line on stderr naming the option or file, no traceback, nothing started), 130 for
Ctrl-C and 143 for SIGTERM (taken the same way: every started process is stopped, the
work directory removed, and a command that writes reports writes what it has,
stamped). The verdicts (0, 1) are each command's own.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from harness.errors import HarnessError
from harness.runtime.files import REPORT_NAMES, preflight, remove_stale
from harness.runtime.signals import exit_status, trapped
from mock_ollama.errors import MockOllamaError

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

__all__ = ["Parser", "guarded", "report_dir"]


class Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line and exit status 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message}\n")


def stopped_words(status: int) -> str:
    """What a 143 or 130 exit tells the user."""
    return "terminated" if status == 143 else "interrupted"


def guarded(prog: str, body: Callable[[], int]) -> int:
    """Run ``body`` with SIGTERM taken like Ctrl-C; map its way out to an exit status.

    HarnessError / MockOllamaError -> 2 (one line), KeyboardInterrupt -> 130,
    SIGTERM -> 143; stdout closed by its reader (a pipe into ``head``) -> 0, quietly.
    A command that writes a partial report catches the interrupt itself (inside
    ``body``) and returns ``exit_status`` of it.
    """
    try:
        with trapped():
            status = body()
            sys.stdout.flush()  # a reader that left shows here, not at exit
            return status
    except (HarnessError, MockOllamaError) as exc:
        print(f"{prog}: error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # ``sse-harness checks | head``: the reader left
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KeyboardInterrupt as exc:
        status = exit_status(exc)
        print(
            f"{prog}: {stopped_words(status)}; every started process was stopped",
            file=sys.stderr,
        )
        return status


def report_dir(value: str | None, names: Iterable[str] = REPORT_NAMES) -> Path | None:
    """``--report-dir``: checked before anything starts (UsageError naming it), then
    cleared of the files this command writes, so an earlier run's never stand beside
    this run's. None without the option."""
    if not value:
        return None
    path = Path(value)
    names = tuple(names)
    preflight(path, names)
    remove_stale(path, names)
    return path
