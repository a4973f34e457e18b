"""The layer notes shown beside a failure: which layer may be to blame, and why."""

from __future__ import annotations

import pytest

from harness.layers.base import layer_note

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
