"""CPU time and resident memory of a process group, read from /proc (Linux).

``parse_stat`` is pure; ``GroupSampler`` polls the group in a thread, so the peak RSS
of the proxy's whole process group (``npm`` → ``node``, uvicorn workers...) is seen.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
INTERVAL_S = 0.1


@dataclass(frozen=True, slots=True)
class Stat:
    pgrp: int
    cpu_ticks: int
    rss_pages: int


def parse_stat(text: str) -> Stat:
    """Fields of ``/proc/PID/stat`` we need (``comm`` may hold spaces and parens)."""
    fields = text[text.rfind(")") + 2 :].split()
    # after comm: state(0) ppid(1) pgrp(2) ... utime(11) stime(12) ... rss(21)
    return Stat(int(fields[2]), int(fields[11]) + int(fields[12]), int(fields[21]))


def group_usage(pgid: int) -> tuple[float, int]:
    """(CPU seconds, RSS bytes) summed over the live processes of group ``pgid``."""
    ticks = pages = 0
    try:
        entries = os.listdir("/proc")
    except OSError:
        return 0.0, 0
    for entry in entries:
        if not entry.isdigit():
            continue
        try:
            stat = parse_stat(Path("/proc", entry, "stat").read_text())
        except (OSError, ValueError, IndexError):
            continue
        if stat.pgrp == pgid:
            ticks += stat.cpu_ticks
            pages += stat.rss_pages
    return ticks / TICKS, pages * PAGE


class GroupSampler:
    """CPU seconds used and peak RSS of a group between ``start()`` and ``stop()``."""

    def __init__(self, pgid: int | None) -> None:
        self.pgid = pgid
        self.cpu_s = 0.0
        self.peak_rss = 0
        self._start_cpu = 0.0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self.pgid is None:
            return
        self._start_cpu, self.peak_rss = group_usage(self.pgid)
        self._thread = threading.Thread(target=self._poll, daemon=True)
        self._thread.start()

    def _poll(self) -> None:
        assert self.pgid is not None
        while not self._stop.wait(INTERVAL_S):
            self.peak_rss = max(self.peak_rss, group_usage(self.pgid)[1])

    def stop(self) -> None:
        if self.pgid is None or self._thread is None:
            return
        self._stop.set()
        self._thread.join(timeout=2)
        cpu, rss = group_usage(self.pgid)
        self.cpu_s = max(0.0, cpu - self._start_cpu)
        self.peak_rss = max(self.peak_rss, rss)
