"""The benchmark's own parts (the benchmark itself is a script, not a timed test)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mock_ollama.scenario.recording import load_scenario
from mock_ollama.tools.bench import LINES, PERIOD_MS, _lines_per_read, make_scenario

if TYPE_CHECKING:
    from pathlib import Path


def test_bench_scenario_is_100_lines_20_ms_apart(tmp_path: Path) -> None:
    path = tmp_path / "bench.ndjson"
    make_scenario(path)
    rec = load_scenario(path)
    assert len(rec.lines) == LINES + 1
    assert rec.offsets_ns[:LINES] == tuple(
        i * PERIOD_MS * 1_000_000 for i in range(LINES)
    )


def test_lines_per_read_counts_lines_not_chunk_framing() -> None:
    head = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
    one, two = b'{"a":1}\n', b'{"b":2}\n'
    reads = [
        (1, head),
        (2, b"8\r\n" + one + b"\r\n"),
        (3, b"8\r\n" + one + b"\r\n8\r\n" + two + b"\r\n"),
        (4, b"4\r\n" + two[:4] + b"\r\n"),
        (5, b"4\r\n" + two[4:] + b"\r\n0\r\n\r\n"),
    ]
    counts, arrivals = _lines_per_read(reads)
    assert counts == [1, 2, 0, 1]
    assert arrivals == [2, 3, 3, 5]
