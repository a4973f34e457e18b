"""The ``buffer:BYTES:MS`` layer: a store-and-forward relay that holds small chunks until
its timer or its byte count, and closes what it must when either side goes away."""

from __future__ import annotations

import socket
import time
from typing import TYPE_CHECKING

import pytest

from harness.layers import LayerHandle, open_layer, parse_layer
from harness.layers.buffer import StoreAndForward
from harness.processes import free_port
from tests.harness.layers.test_upstream import observe, upstream
from tests.tools import wait_until

if TYPE_CHECKING:
    from pathlib import Path

# -- buffer:BYTES:MS ------------------------------------------------------------------


def test_buffer_holds_small_chunks_until_the_timer(tmp_path: Path) -> None:
    with upstream() as server:
        direct = observe(server.url(n=8, gap=100))
        with open_layer(
            parse_layer("buffer:4096:500"), server.port, workdir=tmp_path
        ) as lay:
            held = observe(lay.rewrite(server.url(n=8, gap=100)))
            summary = lay.logs()["buffer"]
        first_write = server.exchanges[1].writes[0]
    assert held.body == direct.body
    # Nothing can leave before 500 ms after the first held byte (the response head).
    assert held.arrivals[0] - first_write >= 0.4
    assert held.bursts() <= direct.bursts() // 2
    assert "timer" in summary


def test_buffer_flushes_when_bytes_accumulate(tmp_path: Path) -> None:
    with upstream() as server:
        spec = parse_layer("buffer:64:60000")  # the timer alone would take a minute
        with open_layer(spec, server.port, workdir=tmp_path) as layer:
            seen = observe(layer.rewrite(server.url(n=6, gap=100, size=40)))
            summary = layer.logs()["buffer"]
        (exchange,) = server.exchanges
    assert seen.body.count(b"\n\n") == 6
    assert seen.arrivals[0] < exchange.writes[-1]
    assert "flushes: size 0" not in summary


def test_buffer_flushes_at_upstream_eof(tmp_path: Path) -> None:
    with upstream() as server:
        spec = parse_layer("buffer:1000000:60000")
        with open_layer(spec, server.port, workdir=tmp_path) as layer:
            seen = observe(layer.rewrite(server.url(n=5, gap=50)))
        (exchange,) = server.exchanges
    assert seen.body.count(b"\n\n") == 5
    assert seen.arrivals[0] >= exchange.writes[-1]  # everything waited for the end


def test_client_disconnect_closes_the_upstream_connection(tmp_path: Path) -> None:
    with upstream() as server:
        spec = parse_layer("buffer:1000000:60000")
        with open_layer(spec, server.port, workdir=tmp_path) as layer:
            with socket.create_connection(("127.0.0.1", layer.port), 5) as client:
                client.sendall(b"GET /stream?n=1000&gap=50 HTTP/1.1\r\nHost: x\r\n\r\n")
                assert wait_until(lambda: len(server.exchanges) == 1, 10.0)
                assert wait_until(lambda: len(server.exchanges[0].writes) >= 2, 10.0)
            gone_before = time.perf_counter()
            assert wait_until(
                lambda: server.exchanges[0].peer_gone_at is not None, 10.0
            )
        exchange = server.exchanges[0]
    assert not exchange.finished
    assert exchange.peer_gone_at is not None
    assert exchange.peer_gone_at - gone_before < 5.0


def test_buffer_stop_closes_listener_and_open_connections() -> None:
    with upstream() as server:
        layer = StoreAndForward(server.port, hold_bytes=10, hold_ms=10)
        layer.start()
        client = socket.create_connection(("127.0.0.1", layer.port), 5)
        with client:
            client.sendall(b"GET /stream?n=1000&gap=50 HTTP/1.1\r\nHost: x\r\n\r\n")
            assert client.recv(100)
            layer.stop()
            assert not layer.is_running()
            client.settimeout(5)
            assert read_until_closed(client)  # a timeout here would mean "still open"
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection(("127.0.0.1", layer.port), 1).close()
        assert wait_until(lambda: server.exchanges[0].peer_gone_at is not None, 10.0)
        layer.stop()  # idempotent


def test_buffer_with_dead_upstream_closes_the_client(tmp_path: Path) -> None:
    dead = free_port()
    with (
        open_layer(parse_layer("buffer:10:10"), dead, workdir=tmp_path) as layer,
        socket.create_connection(("127.0.0.1", layer.port), 5) as client,
    ):
        client.settimeout(5)
        client.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        assert read_until_closed(client) == b"closed"
        assert server_refused(layer)


def read_until_closed(client: socket.socket) -> bytes:
    """Read until EOF or reset; TimeoutError (an OSError) if the peer keeps it open."""
    try:
        while client.recv(65536):
            pass
    except ConnectionResetError:
        pass
    return b"closed"


def server_refused(layer: LayerHandle) -> bool:
    return wait_until(lambda: "upstream refused 1" in layer.logs()["buffer"], 5)
