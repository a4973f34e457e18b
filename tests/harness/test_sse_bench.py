"""harness.bench.parser: the benchmark runs and reports (figures are not asserted)."""

from __future__ import annotations

import pytest

from harness.bench import parser as bench, parser_peers as peers
from harness.sse import Event, EventBatch, SSEParser
from tests.harness.wpt_vectors import ALL


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


def test_bulk_path_takes_the_benchmark_stream(monkeypatch: pytest.MonkeyPatch) -> None:
    """Nearly every event skips the line-by-line path (a guard, not a timing)."""
    calls = 0
    exact_line = SSEParser._line

    def counting(self: SSEParser, raw: bytes, offset: int, eol: bytes) -> None:
        nonlocal calls
        calls += 1
        exact_line(self, raw, offset, eol)

    monkeypatch.setattr(SSEParser, "_line", counting)
    data = bench.llm_stream(20_000)
    chunks = [data[i : i + 4096] for i in range(0, len(data), 4096)]
    assert len(peers.ours(chunks)) == 20_000
    assert calls < 2 * len(chunks)  # at most the event cut by each chunk boundary


def test_batch_api_fills_columns_without_events(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """feed_batch() builds almost no Event objects on the benchmark stream."""
    built = 0
    extend = EventBatch._extend

    def counting(self: EventBatch, items: list[Event]) -> None:
        nonlocal built
        built += sum(type(item) is Event for item in items)
        extend(self, items)

    monkeypatch.setattr(EventBatch, "_extend", counting)
    data = bench.llm_stream(20_000)
    chunks = [data[i : i + 4096] for i in range(0, len(data), 4096)]
    batches = peers.ours_batch(chunks)
    assert sum(map(len, batches)) == 20_000
    assert built < 2 * len(chunks)  # at most the event cut by each chunk boundary


def test_main_prints_both_tables(capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("httpx_sse")
    pytest.importorskip("sseclient")
    assert bench.main(["--events", "300", "--repeat", "1"]) == 0
    out = capsys.readouterr().out
    streaming, kept = out.split("Events kept")
    rows = [line for line in streaming.splitlines() if line.startswith("| ")]
    assert rows[0].startswith("| parser | MB/s | events/s | vs httpx-sse |")
    for name in ("harness.sse", "harness.sse (batch API)"):
        ours = next(row for row in rows if row.startswith(f"| {name} |"))
        assert ours.endswith(f"| {len(ALL)}/{len(ALL)} | {len(ALL)}/{len(ALL)} |")
    assert "| 1.0x |" in next(row for row in rows if row.startswith("| httpx-sse |"))
    assert len(rows) == 1 + len(bench.PEERS)  # the header, then one row per peer
    rows = [line for line in kept.splitlines() if line.startswith("| ")]
    assert rows[0] == "| parser | MB/s | events/s | vs httpx-sse |"
    assert [row.split(" | ")[0] for row in rows[1:]] == [
        f"| {peer.name}" for peer in bench.PEERS
    ]


def test_peers_read_the_benchmark_stream_alike() -> None:
    pytest.importorskip("httpx_sse")
    pytest.importorskip("sseclient")
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
    assert peers.ours_batch_stream(chunks) == 2
