"""The cutting relays at work: ``idle-timeout`` closes a connection silent for its
cut and leaves one that keeps talking alone; ``total-timeout`` ends a flowing
response at its cut. Both tell the upstream (the proxy) that the client is gone."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import httpx

from harness.layers import open_layer, parse_layer
from tests.harness.layers.test_upstream import upstream
from tests.tools import wait_until

if TYPE_CHECKING:
    from pathlib import Path


def events_through(layer: str, tmp_path: Path, **stream: int) -> tuple[int, float]:
    """How many events came through ``layer``, and after how many seconds it ended."""
    with (
        upstream() as server,
        open_layer(parse_layer(layer), server.port, workdir=tmp_path) as front,
    ):
        url = front.rewrite(server.url(**stream))
        body = b""
        started = time.monotonic()
        try:
            with httpx.stream("GET", url, timeout=30) as response:
                for data in response.iter_bytes():
                    body += data
        except httpx.RemoteProtocolError:
            pass  # the cut: the chunked body never ended
        took = time.monotonic() - started
        (exchange,) = server.exchanges
        assert wait_until(
            lambda: exchange.finished or exchange.peer_gone_at is not None, 10.0
        )
        assert front.logs()  # the relay's counters reach the report
    return body.count(b"\n\n"), took


def test_an_idle_cut_leaves_a_stream_that_keeps_talking_alone(tmp_path: Path) -> None:
    count, _ = events_through("idle-timeout:1", tmp_path, n=6, gap=300)
    assert count == 6


def test_an_idle_cut_closes_a_silent_stream(tmp_path: Path) -> None:
    count, took = events_through("idle-timeout:0.5", tmp_path, n=3, gap=3000)
    assert count == 1  # the first event goes at once, then 3 s of silence
    assert 0.4 < took < 2.5


def test_a_total_cut_ends_a_flowing_stream(tmp_path: Path) -> None:
    count, took = events_through("total-timeout:1", tmp_path, n=12, gap=250)
    assert 1 <= count < 12
    assert 0.9 < took < 2.5
