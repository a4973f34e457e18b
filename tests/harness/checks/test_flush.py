"""HDR-EARLY-FLUSH behind layers, on synthetic evidence: who held the response head.

The nginx layers report when nginx had the proxy's head (``LAYER_HEAD_FIELD``, nginx's
$upstream_header_time); a head nginx had early but the client got late is the layer's
doing (INFO), one nginx itself got late is the proxy's (NON-STRICT).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from harness.checks.flush import early_flush, relative
from harness.checks.model import Outcome
from harness.layers.base import LAYER_HEAD_FIELD
from tests.harness.evidence import (
    MS,
    ROW_NAMES,
    SSE,
    assert_row,
    context,
    evidence,
    exchange,
    observation,
    sse_token,
)

if TYPE_CHECKING:
    from harness.probe.evidence import Evidence

OK, NON_STRICT, INFO = Outcome.OK, Outcome.NON_STRICT, Outcome.INFO
FIRST = 1500  # upstream's first token, ms after the request (the probe's delay)
H2 = context(
    layer="h2", http2=True, transparent=False, layer_head_field=LAYER_HEAD_FIELD
)
H2_NOTED = context(
    layer="h2",
    http2=True,
    transparent=False,
    layer_head_field=LAYER_HEAD_FIELD,
    layer_note="nginx with proxy_buffering on; the proxy sends X-Accel-Buffering: no",
)
HTTP11 = context(
    layer="nginx-http11",
    transparent=False,
    layer_head_field=LAYER_HEAD_FIELD,
    layer_note="nginx with proxy_buffering on holds any body that is not chunked: "
    "the response has no `X-Accel-Buffering: no`",
)
BUFFER = context(
    layer="buffer:4096:2000",
    hold_ns=2000 * MS,
    layer_note="the buffer:4096:2000 layer stores and forwards; no proxy header lifts it",
)


def behind(
    head_ms: int,
    *,
    layer_head: str | None = None,
    body_ms: int | None = None,
    comment: bool = False,
) -> dict[str, Evidence]:
    """The client got the head at ``head_ms`` and the first body bytes at ``body_ms``
    (default: with the head); nginx says it had the proxy's head ``layer_head`` s in."""
    start = head_ms if body_ms is None else body_ms
    chunks = [(start, b": ok\n\n")] if comment else []
    chunks += [(max(start, FIRST) + 10 * i, sse_token(t)) for i, t in enumerate("ab")]
    fields = SSE + (() if layer_head is None else ((LAYER_HEAD_FIELD, layer_head),))
    obs = observation(chunks, headers=fields, head_ms=head_ms, http_version="2")
    writes = [FIRST + 10 * i for i in range(2)]
    return {
        "early-flush": evidence("early-flush", obs, ["a", "b"], (exchange(writes),))
    }


ROWS = [
    pytest.param(
        "HDR-EARLY-FLUSH",
        behind(FIRST + 2, layer_head="0.004"),
        H2_NOTED,
        INFO,
        "the h2 layer held the response head: nginx had the proxy's head 4 ms after "
        "connecting to it (about 1496 ms before upstream's first token), yet it reached "
        "the client 1502 ms after the request, 2 ms after upstream's first token, "
        "together with the first body bytes; likely nginx's HTTP/2 module",
        id="h2-held-a-head-the-proxy-sent-at-once",
    ),
    pytest.param(
        "HDR-EARLY-FLUSH",
        behind(1000, layer_head="0.004", comment=True),
        H2,
        INFO,
        "yet it reached the client 1000 ms after the request, 500 ms before upstream's "
        "first token, together with the first body bytes",
        id="h2-held-the-head-until-a-heartbeat",
    ),
    pytest.param(
        "HDR-EARLY-FLUSH",
        behind(4, layer_head="0.004", comment=True),
        H2,
        OK,
        "headers arrived 4 ms after the request, 1496 ms before upstream's first token",
        id="h2-initial-comment-pushes-the-head-through",
    ),
    pytest.param(
        "HDR-EARLY-FLUSH",
        behind(FIRST + 3, layer_head="1.502"),
        H2,
        NON_STRICT,
        "headers arrived 1503 ms after the request, 3 ms after upstream's first token; "
        "nginx had the proxy's head 1502 ms after connecting to it (about 2 ms after "
        "upstream's first token); upstream was silent for 1500 ms before it: likely "
        "the proxy holds its headers until the first chunk",
        id="h2-the-proxy-itself-sent-its-head-late",
    ),
    pytest.param(
        "HDR-EARLY-FLUSH",
        behind(FIRST + 1, layer_head="0.003"),
        HTTP11,
        INFO,
        "likely nginx's proxy_buffering: while it is on, nginx sends the head only with "
        "the first body bytes — nginx with proxy_buffering on holds any body that is "
        "not chunked: the response has no `X-Accel-Buffering: no`; the proxy can have "
        "it sent at once with X-Accel-Buffering: no",
        id="buffering-nginx-held-the-head",
    ),
    pytest.param(
        "HDR-EARLY-FLUSH",
        behind(FIRST + 2, layer_head="-"),
        H2,
        NON_STRICT,
        "2 ms after upstream's first token (upstream was silent for 1500 ms before it): "
        "likely the proxy holds its headers until the first chunk, or the h2 layer does",
        id="h2-without-a-readable-layer-figure",
    ),
    pytest.param(
        "HDR-EARLY-FLUSH",
        behind(FIRST + 5),
        BUFFER,
        NON_STRICT,
        "or the buffer:4096:2000 layer does (the buffer:4096:2000 layer stores",
        id="store-and-forward-relay",
    ),
    pytest.param(
        "HDR-EARLY-FLUSH",
        behind(FIRST + 5, layer_head="0.001, 0.002"),
        H2,
        INFO,
        "nginx had the proxy's head 2 ms after connecting to it",
        id="the-last-upstream-tried-answered",
    ),
    pytest.param(
        "HDR-EARLY-FLUSH",
        behind(FIRST - 600, layer_head="0.002", body_ms=FIRST),
        H2,
        INFO,
        "900 ms after the request, 600 ms before upstream's first token, the first "
        "body bytes at the time of upstream's first token",
        id="head-ahead-of-the-body-but-still-late",
    ),
]


@pytest.mark.parametrize(ROW_NAMES, ROWS)
def test_judge(check_id, ev, ctx, outcome, fragment):
    assert_row(check_id, ev, ctx, outcome, fragment)


def test_the_layers_doing_names_the_remedy_and_no_proxy_fault():
    found = early_flush(behind(FIRST + 2, layer_head="0.004"), H2)
    assert "SSE comment (e.g. `: ok`)" in found.detail
    assert "ticket #1743" in found.detail
    assert "the proxy holds" not in found.detail
    assert found.metrics == {
        "head_after_send_ms": 1502.0,
        "first_body_after_send_ms": 1502.0,
        "layer_had_head_ms": 4.0,
    }


@pytest.mark.parametrize(
    ("ahead_ms", "words"),
    [
        (5, "5 ms before upstream's first token"),
        (-3, "3 ms after upstream's first token"),
        (0, "at the time of upstream's first token"),
    ],
)
def test_both_signs_are_worded(ahead_ms, words):
    assert relative(ahead_ms * MS) == words
