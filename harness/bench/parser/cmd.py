"""End to end: ``sse-harness parse FILE > /dev/null`` on a big stream, MB/s and peak RSS.

    python -m harness.bench.parser --parse-cmd [--parse-mb 300]

Two streams of about ``--parse-mb`` MB are written to a temporary directory: *valid*,
the benchmark's LLM-like token events (``llm_stream``) over and over, and *no blank
line*, the same ``data:`` lines with no blank line between them (one endless event,
which the parse command's ``--max-event-size`` cap turns into one finding). Each is
parsed by a child process; its wall time gives MB/s, and ``os.wait4`` its CPU time
(MB/s again: the figure that holds on a busy machine) and its own peak RSS.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable

_BLOCK_EVENTS = 20_000  # one block of llm_stream, repeated


@dataclass(frozen=True, slots=True)
class ParseRun:
    name: str
    size: int  # bytes
    seconds: float  # wall time
    cpu: float  # the child's user + system time
    peak_rss: int  # bytes
    status: int
    findings: int  # lines on stderr


def write_stream(path: Path, megabytes: int, block: bytes) -> int:
    """``block`` repeated to at least ``megabytes`` MB in ``path``; returns the size."""
    times = -(-megabytes * 1_000_000 // len(block))  # rounded up
    with path.open("wb") as out:
        for _ in range(times):
            out.write(block)
    return times * len(block)


def run_parse(name: str, path: Path, size: int) -> ParseRun:
    """Time ``sse-harness parse path > /dev/null`` in a child process."""
    command = [sys.executable, "-m", "harness.cli", "parse", str(path)]
    err_path = path.with_suffix(".err")
    with err_path.open("wb") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
    findings = len(err_path.read_bytes().splitlines())
    # ru_maxrss: kilobytes on Linux
    cpu = usage.ru_utime + usage.ru_stime
    peak = usage.ru_maxrss * 1024
    return ParseRun(name, size, seconds, cpu, peak, proc.returncode, findings)


def measure_parse(
    megabytes: int, stream: Callable[[int], bytes], directory: str | None = None
) -> list[ParseRun]:
    """Both streams, each about ``megabytes`` MB; ``stream(events)`` makes a block."""
    block = stream(_BLOCK_EVENTS)
    runs = []
    with tempfile.TemporaryDirectory(dir=directory) as tmp:
        for name, data in (
            ("valid", block),
            ("no blank line", block.replace(b"\n\n", b"\n")),
        ):
            path = Path(tmp) / "stream.sse"
            size = write_stream(path, megabytes, data)
            runs.append(run_parse(name, path, size))
            path.unlink()
    return runs


def parse_table(runs: list[ParseRun]) -> str:
    lines = [
        "`sse-harness parse FILE > /dev/null`, a child process: MB/s of wall time and "
        "of its CPU time (user + system), its peak RSS.",
        "",
        "| stream | MB | MB/s (wall) | MB/s (CPU) | peak RSS | exit | stderr lines |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for run in runs:
        mb = run.size / 1e6
        lines.append(
            f"| {run.name} | {mb:.0f} | {mb / run.seconds:.1f} | {mb / run.cpu:.1f} "
            f"| {run.peak_rss / 2**20:.0f} MiB | {run.status} | {run.findings} |"
        )
    return "\n".join(lines)
