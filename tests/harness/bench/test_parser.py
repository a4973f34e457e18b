"""harness.bench.parser: the benchmark runs and reports (figures are not asserted)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import httpx_sse  # noqa: F401  # the dev extra: a missing peer fails, never skips
import sseclient  # noqa: F401

from harness.bench.parser import cmd as parser_cmd, measure as bench, peers
from harness.sse import build
from harness.testing.vectors import ALL

if TYPE_CHECKING:
    from pathlib import Path

    import pytest


def test_llm_stream_shape() -> None:
    data = bench.llm_stream(2000)
    assert data == bench.llm_stream(2000)  # seeded
    blocks = data.split(b"\n\n")
    assert blocks.pop() == b""
    assert len(blocks) == 2000
    assert all(b.startswith(b'data: {"token": "') and b"\n" not in b for b in blocks)
    assert 0.05 < sum(not b.isascii() for b in blocks) / 2000 < 0.25
    assert 0.01 < sum(b"\\n" in b for b in blocks) / 2000 < 0.10
    assert 23 < len(data) / 2000 < 30  # ~5.3 MB for 200,000 events


def test_fast_path_takes_the_benchmark_stream(monkeypatch: pytest.MonkeyPatch) -> None:
    """Nearly every event skips the line-by-line path (a guard, not a timing). On the
    parser loaded from its source: a compiled class cannot be patched."""
    pure = build.pure_modules()
    calls = 0
    exact_line = pure["interpreter"].Interpreter.line

    def counting(self: Any, raw: bytes, offset: int, eol: bytes) -> None:
        nonlocal calls
        calls += 1
        exact_line(self, raw, offset, eol)

    monkeypatch.setattr(pure["interpreter"].Interpreter, "line", counting)
    data = bench.llm_stream(20_000)
    chunks = [data[i : i + 4096] for i in range(0, len(data), 4096)]
    parser = pure["parser"].SSEParser()
    assert sum(len(parser.feed(chunk)) for chunk in chunks) == 20_000
    assert calls < 2 * len(chunks)  # at most the event cut by each chunk boundary


def test_main_prints_both_tables(capsys: pytest.CaptureFixture[str]) -> None:
    assert bench.main(["--events", "300", "--repeat", "1"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].endswith(f"; harness.sse {build.name()}")
    streaming, kept = out.split("Events kept")
    rows = [line for line in streaming.splitlines() if line.startswith("| ")]
    assert rows[0].startswith("| parser | MB/s | events/s | vs httpx-sse |")
    ours = next(row for row in rows if row.startswith("| harness.sse |"))
    assert ours.endswith(f"| {len(ALL)}/{len(ALL)} | {len(ALL)}/{len(ALL)} |")
    assert "| 1.0x |" in next(row for row in rows if row.startswith("| httpx-sse |"))
    assert len(rows) == 1 + len(bench.PEERS)  # the header, then one row per peer
    rows = [line for line in kept.splitlines() if line.startswith("| ")]
    assert rows[0] == "| parser | MB/s | events/s | vs httpx-sse |"
    assert [row.split(" | ")[0] for row in rows[1:]] == [
        f"| {peer.name}" for peer in bench.PEERS
    ]


def test_peers_read_the_benchmark_stream_alike() -> None:
    data = bench.llm_stream(500)
    chunks = [data[i : i + 4096] for i in range(0, len(data), 4096)]
    expected = bench.PEERS[0].triples(chunks)
    assert len(expected) == 500
    for peer in bench.PEERS:
        assert peer.triples(chunks) == expected, peer.name
        assert peer.stream(chunks) == 500, peer.name


def test_streaming_skips_comments() -> None:
    chunks = [b": hi\n\ndata: a\n", b"\n: there\ndata: b\n\n"]
    assert peers.ours_stream(chunks) == 2


def test_parse_cmd_end_to_end(tmp_path: Path) -> None:
    """--parse-cmd: both streams parsed by a child, figures reported (not judged)."""
    runs = parser_cmd.measure_parse(1, bench.llm_stream, str(tmp_path))
    assert [(r.name, r.status) for r in runs] == [("valid", 0), ("no blank line", 0)]
    assert all(r.size >= 1_000_000 and r.seconds > 0 and r.peak_rss > 0 for r in runs)
    assert runs[0].findings == 0
    assert runs[1].findings == 1  # unterminated: 1 MB is under the 16 MiB bound
    table = parser_cmd.parse_table(runs)
    assert table.splitlines()[2].startswith("| stream | MB | MB/s (wall) |")
    assert list(tmp_path.iterdir()) == []  # the streams are gone
