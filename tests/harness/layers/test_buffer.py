"""harness.layers: parsing, URL rewriting, ``direct`` and the ``buffer`` simulator."""

from __future__ import annotations

import socket
import time
from typing import TYPE_CHECKING

import pytest
from hypothesis import given, settings, strategies as st

from harness.errors import UsageError
from harness.layers import LAYERS, LayerHandle, LayerSpec, open_layer, parse_layer
from harness.layers.buffer import StoreAndForward
from harness.processes import free_port
from tests.harness.layers.test_upstream import observe, upstream
from tests.tools import wait_until

if TYPE_CHECKING:
    from pathlib import Path

# -- parse_layer ------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["direct", "nginx", "nginx-gzip", "h2", "nginx-http11"]
)
def test_simple_layers_parse_to_their_kind(name: str) -> None:
    spec = parse_layer(name)
    assert spec == LayerSpec(kind=name)
    assert spec.name == name
    assert name in LAYERS


def test_buffer_layer_parses_bytes_and_ms() -> None:
    spec = parse_layer("buffer:4096:500")
    assert (spec.kind, spec.hold_bytes, spec.hold_ms) == ("buffer", 4096, 500.0)
    assert spec.name == "buffer:4096:500"


@settings(deadline=None)  # pure code: no timing threshold on noisy CI
@given(
    st.integers(1, 10**12),
    st.integers(0, 10**12) | st.floats(0, 1e9, allow_nan=False, allow_infinity=False),
)
def test_buffer_spec_round_trips(hold_bytes: int, hold_ms: float) -> None:
    spec = parse_layer(f"buffer:{hold_bytes}:{hold_ms!r}")
    assert parse_layer(spec.name) == spec
    assert (spec.hold_bytes, spec.hold_ms) == (hold_bytes, hold_ms)


@pytest.mark.parametrize(
    "text",
    ["", "nginx2", "NGINX", "buffer", "buffer:", "buffer:10", "buffer:0:5",
     "buffer:-1:5", "buffer:10:-1", "buffer:x:5", "buffer:10:nan", "buffer:10:inf",
     "buffer:1.5:5", "h3", "direct:1"],
)  # fmt: skip
def test_bad_layer_names_are_one_line_usage_errors(text: str) -> None:
    with pytest.raises(UsageError) as caught:
        parse_layer(text)
    assert "\n" not in str(caught.value)
    assert "--layer" in str(caught.value)


@settings(deadline=None)  # pure code: no timing threshold on noisy CI
@given(st.text(max_size=30))
def test_parse_layer_accepts_or_raises_usage_error_only(text: str) -> None:
    try:
        spec = parse_layer(text)
    except UsageError:
        return
    assert spec.name in LAYERS or spec.kind == "buffer"


# -- LayerHandle.rewrite ------------------------------------------------------------


def test_rewrite_replaces_scheme_host_and_port_keeps_path_and_query() -> None:
    handle = LayerHandle(name="h2", scheme="https", host="127.0.0.1", port=8443)
    url = "http://localhost:3000/api/v1/complete?x=1&y=2#frag"
    assert handle.rewrite(url) == "https://127.0.0.1:8443/api/v1/complete?x=1&y=2#frag"


def test_direct_layer_is_identity_and_starts_nothing(tmp_path: Path) -> None:
    with open_layer(parse_layer("direct"), 3000, workdir=tmp_path) as layer:
        assert (
            layer.rewrite("http://127.0.0.1:3000/a?b=c")
            == "http://127.0.0.1:3000/a?b=c"
        )
        assert (layer.scheme, layer.port, layer.http2, layer.ca_path) == (
            "http", 3000, False, None
        )  # fmt: skip
        assert layer.logs() == {}
    assert list(tmp_path.iterdir()) == []


def test_direct_layer_carries_how_the_proxy_itself_is_spoken_to(tmp_path: Path) -> None:
    ca = tmp_path / "ca.pem"
    with open_layer(
        parse_layer("direct"), 3000, workdir=tmp_path, http2=True, ca_path=ca
    ) as layer:
        assert (layer.http2, layer.ca_path) == (True, ca)


# -- what a layer is: its kind's facts -----------------------------------------------


@pytest.mark.parametrize(
    ("name", "transparent", "hold_ns"),
    [
        ("direct", True, 0),
        ("nginx", False, 0),
        ("nginx-gzip", False, 0),
        ("nginx-http11", False, 0),
        ("h2", False, 0),
        ("buffer:4096:300", True, 300_000_000),
    ],
)
def test_a_handle_knows_its_layers_facts(
    name: str, transparent: bool, hold_ns: int
) -> None:
    handle = LayerHandle(name=name, scheme="http", host="127.0.0.1", port=1)
    assert (handle.transparent, handle.hold_ns) == (transparent, hold_ns)


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
