"""The mock as a server under hostile clients: never 500, no traceback, bounded memory,
and concurrent streams keep their pacing (write error p99 against a baseline measured
in the same test, as a ratio with a small floor: never an absolute wall-clock bound)."""

from __future__ import annotations

import asyncio
import threading
from typing import TYPE_CHECKING

import httpx
import pytest

from mock_ollama.launch import running_mock
from mock_ollama.tools.bench import make_scenario, run

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

pytestmark = pytest.mark.slow

#: the mock's resident memory after 10,000 requests stays under this (scenarios/README:
#: the exchange log is a 1,000-entry ring with at most 2^20 write records, ~32 MiB)
RSS_BOUND_MB = 120
REQUESTS = 10_000
DEPTH = 100_000
BIG_BODY = 100 * 2**20
JSON = {"Content-Type": "application/json"}


def _rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise AssertionError(f"no VmRSS for pid {pid}")


def _big_body() -> Iterator[bytes]:
    piece = b'{"model": "bench", "prompt": "' + b"x" * (2**20 - 40)
    sent = 0
    while sent < BIG_BODY:
        yield piece
        sent += len(piece)


async def _many(url: str, count: int) -> list[int]:
    prompt = {"model": "bench", "prompt": "[[mock: timing=fixed:0]]", "stream": False}
    limits = httpx.Limits(max_connections=16)
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=30) as client:
        gate = asyncio.Semaphore(16)

        async def one() -> int:
            async with gate:
                return (await client.post("/api/generate", json=prompt)).status_code

        return await asyncio.gather(*(one() for _ in range(count)))


def _hostile(url: str, stop: threading.Event, seen: list[int]) -> None:
    deep = b"[" * DEPTH + b"]" * DEPTH
    with httpx.Client(base_url=url, timeout=60) as client:
        while not stop.is_set():
            seen.append(
                client.post("/api/chat", content=deep, headers=JSON).status_code
            )
            try:
                answer = client.post("/api/generate", content=_big_body(), headers=JSON)
                seen.append(answer.status_code)
            except httpx.TransportError:
                pass  # the mock answered 400 and closed while the body was still going
            seen.append(client.get("/_mock/exchanges").status_code)


def test_hostile_clients_neither_crash_nor_stall_the_mock(tmp_path: Path) -> None:
    scenario = tmp_path / "bench.ndjson"
    make_scenario(scenario)
    log = tmp_path / "mock.log"
    with (
        log.open("wb") as err,
        running_mock(
            tmp_path / "port", "--scenario", str(scenario), "--any-model",
            stderr=err.fileno(),
        ) as (process, url),
    ):  # fmt: skip
        port = int(url.rpartition(":")[2])
        base = run(10, port, 1)["err_p99"]

        statuses = asyncio.run(_many(url, REQUESTS))
        assert set(statuses) == {200}
        everything = httpx.get(url + "/_mock/exchanges", timeout=30)
        assert everything.status_code == 200
        assert len(everything.json()) <= 1000  # the ring, not 10,000 exchanges
        assert _rss_mb(process.pid) < RSS_BOUND_MB

        stop = threading.Event()
        seen: list[int] = []
        load = threading.Thread(target=_hostile, args=(url, stop, seen), daemon=True)
        load.start()
        try:
            under = run(10, port, 1)["err_p99"]
        finally:
            stop.set()
            load.join(timeout=120)
        assert not load.is_alive()
        assert _rss_mb(process.pid) < RSS_BOUND_MB
    assert seen, "the hostile client sent nothing"
    assert 500 not in seen
    assert set(seen) <= {200, 400}
    assert b"Traceback" not in log.read_bytes()
    # pacing: the streams' write error p99 under hostile load stays within noise of
    # the baseline measured above
    assert under <= max(3 * base, base + 15), (base, under)
