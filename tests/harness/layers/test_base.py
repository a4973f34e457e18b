"""What a layer is: its name parsed into a spec (one-line usage errors otherwise), the URL
rewritten to reach it, ``direct`` as the identity, each kind's facts, and the note shown
beside a failure saying which layer may be to blame."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from hypothesis import given, settings, strategies as st

from harness.errors import UsageError
from harness.layers import LAYERS, LayerHandle, LayerSpec, open_layer, parse_layer
from harness.layers.base import layer_note

if TYPE_CHECKING:
    from pathlib import Path

NO = {"x-accel-buffering": "no"}


@pytest.mark.parametrize("layer", ["nginx", "nginx-gzip"])
def test_holding_nginx_blames_the_missing_header(layer):
    assert "buffered by nginx" in layer_note(layer, {})
    assert "sends X-Accel-Buffering: no" in layer_note(layer, NO)


@pytest.mark.parametrize("layer", ["nginx-http11", "h2"])
def test_chunk_passing_nginx_explains_what_it_holds(layer):
    assert "not chunked" in layer_note(layer, {})


def test_direct_and_buffer():
    assert layer_note("direct", {}) == ""
    assert "stores and forwards" in layer_note("buffer:4096:300", NO)


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
