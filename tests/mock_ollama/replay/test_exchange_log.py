"""The exchange log: a bounded ring, a bounded write record, filtering and clearing."""

from __future__ import annotations

from mock_ollama.replay.exchange_log import ExchangeLog


def test_ring_forgets_the_oldest() -> None:
    log = ExchangeLog(capacity=3)
    for n in range(10):
        log.start("GET", f"/{n}", n)
    assert [e.path for e in log.select()] == ["/7", "/8", "/9"]
    assert [e.id for e in log.select(last=1)] == [10]


def test_write_budget_bounds_stored_writes() -> None:
    log = ExchangeLog(capacity=100, write_budget=100)
    first = log.start("POST", "/api/chat", 0)
    for n in range(150):
        first.add_write(n, n, 1, n)
    assert (len(first.writes), first.writes_dropped, first.write_count) == (
        100,
        50,
        150,
    )
    second = log.start("POST", "/api/chat", 1)  # budget spent: the oldest goes
    assert [e.id for e in log.select()] == [second.id]
    second.add_write(1, 0, 5, 0)
    assert second.writes == [(1, 0, 5, 0)]
    assert second.to_json(compact=True)["write_count"] == 1
    assert "writes" not in second.to_json(compact=True)


def test_filter_by_req_and_clear() -> None:
    log = ExchangeLog()
    a, b = log.start("POST", "/a", 0), log.start("POST", "/b", 0)
    a.req, b.req = "x", "y"
    assert [e["path"] for e in log.snapshot("y")] == ["/b"]
    log.clear()
    assert len(log) == 0
