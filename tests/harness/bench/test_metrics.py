"""The benchmark's figures from stamped reads (pure): table tests and properties."""

from __future__ import annotations

import statistics

import pytest
from hypothesis import given, strategies as st

from harness.bench.designs.metrics import (
    StreamRecord,
    arrivals,
    cell_stats,
    median_offsets,
    percentile,
    read_groups,
    scheduled_writes,
)

MS = 1_000_000
REF = ["Ser", "ver", "-S", "ent"]  # four upstream tokens, written 100 ms apart
WRITES = [100 * MS, 200 * MS, 300 * MS, 400 * MS]


def record(
    tokens: list[tuple[int, str]],
    req: str = "r",
    sent: int = 0,
    done: bool = True,
    error: str = "",
    wire: int = 400,
) -> StreamRecord:
    return StreamRecord(req, sent, sent, tuple(tokens), done, error, wire)


@given(st.lists(st.floats(-1e6, 1e6), min_size=1, max_size=50))
def test_percentile_is_bounded_and_matches_the_median(values):
    assert min(values) <= percentile(values, 99) <= max(values)
    assert percentile(values, 50) == pytest.approx(statistics.median(values))
    assert percentile(values, 0) == min(values)
    assert percentile(values, 100) == max(values)


def test_percentile_of_nothing_is_none():
    assert percentile([], 50) is None


@pytest.mark.parametrize(
    ("tokens", "expected"),
    [
        # one token per read: each arrives with its own read
        ([(1, "Ser"), (2, "ver"), (3, "-S"), (4, "ent")], [1, 2, 3, 4]),
        # blocking: the whole text in one event
        ([(9, "Server-Sent")], [9, 9, 9, 9]),
        # batching: two per event
        ([(5, "Server"), (7, "-Sent")], [5, 5, 7, 7]),
        # a token split over two events arrives with the second
        ([(1, "Se"), (2, "rver-Sent")], [2, 2, 2, 2]),
        # cut short: the rest never arrived
        ([(1, "Ser"), (2, "ver")], [1, 2, None, None]),
    ],
)
def test_arrivals_map_client_tokens_back_to_upstream_tokens(tokens, expected):
    assert arrivals(tokens, REF) == expected


@given(st.lists(st.integers(1, 5), min_size=1, max_size=30))
def test_any_regrouping_delivers_every_token_once(sizes):
    ref = ["ab"] * sum(sizes)
    tokens = [(t, "ab" * size) for t, size in enumerate(sizes, 1)]
    got = arrivals(tokens, ref)
    assert None not in got
    assert [n for _, n in read_groups(got)] == sizes


def test_a_correct_stream():
    rec = record([(100 * MS + MS, "Ser"), (201 * MS, "ver"), (301 * MS, "-S"),
                  (401 * MS, "ent")])  # fmt: skip
    s = cell_stats([rec], REF, {"r": WRITES})
    assert s.tokens_per_read_mean == 1
    assert s.lag_ms.p50 == pytest.approx(1.0)
    assert s.ttft_ms.p50 == pytest.approx(101.0)
    assert s.first_write_lag_ms.p50 == pytest.approx(1.0)
    assert (s.streamed, s.stalls, s.completed, s.errors) == (1, 0, 1, 0)
    assert s.icl_ms.p50 == pytest.approx(100.0)
    assert s.bytes_per_token == 100


def test_a_buffered_stream_arrives_in_one_burst_after_the_last_write():
    rec = record([(402 * MS, "Server-Sent")])
    s = cell_stats([rec], REF, {"r": WRITES})
    assert s.tokens_per_read_max == 4
    assert s.streamed == 0
    assert s.lag_ms.p50 == pytest.approx(152.0)  # 302, 202, 102, 2 ms
    assert s.lag_ms.p99 == pytest.approx(299.0)
    assert s.icl_ms.p50 is None


def test_a_long_gap_is_a_stall_and_an_error_is_counted():
    slow = record([(101 * MS, "Ser"), (1500 * MS, "ver-Sent")], req="a")
    broken = record([(101 * MS, "Ser")], req="b", done=False, error="cut")
    s = cell_stats([slow, broken], REF, {"a": WRITES, "b": WRITES})
    assert (s.stalls, s.errors, s.completed) == (1, 1, 1)


def test_scheduled_writes_follow_the_baseline_schedule():
    offsets = median_offsets([[0, 10, 20], [0, 12, None], [0, 14, 30]])
    assert offsets == [0, 12, 25]
    assert scheduled_writes(1000, [0, 12, None]) == [1000, 1012, None]
