"""What a layer did to any proxy is the layer's finding (gate.judge, checks.hdr), on
synthetic evidence: a response its total timeout cut, a check it blinds, a stock
setting that breaks a check, and Content-Encoding behind a compressing layer."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from harness.checks import BY_ID
from harness.checks.model import Outcome
from harness.client.observation import End
from harness.gate.judge import judge_layer
from tests.harness.evidence import TOKENS, context, evidence, observation, sse_token

if TYPE_CHECKING:
    from harness.checks.model import Context, Result
    from harness.probe.evidence import Evidence

CUT_MS = 15_000


def cut_idle() -> dict[str, Evidence]:
    """The idle probe: a head, then nothing until the connection closed at 15 s."""
    obs = observation([], end=End.CLOSED, end_ms=CUT_MS + 2)
    return {"idle": evidence("idle", obs, TOKENS)}


def compressed(coding: str) -> dict[str, Evidence]:
    headers = (("content-type", "text/event-stream"), ("content-encoding", coding))
    obs = observation([(5, sse_token("a"))], headers=headers)
    return {"compress": evidence("compress", obs, ["a"])}


def judge(check: str, ev: dict[str, Evidence], ctx: Context) -> Result | None:
    found = judge_layer([BY_ID[check]], ev, ctx)
    return found[0] if found else None


def test_a_response_the_total_timeout_cut_is_the_layers_finding() -> None:
    behind = context(layer="total-timeout:15", total_cut_s=15.0, idle_s=18.0)
    result = judge("IDLE-HEARTBEAT", cut_idle(), behind)
    assert result is not None and result.outcome is Outcome.INFO
    assert "ended the response after 15 s" in result.detail
    assert "no heartbeat" in result.detail  # what the proxy did is still said


def test_the_same_cut_without_a_total_timeout_is_the_proxys() -> None:
    idle_cut = context(layer="idle-timeout:15", idle_s=18.0, layer_note="cut at 15 s")
    result = judge("IDLE-HEARTBEAT", cut_idle(), idle_cut)
    assert result is not None and result.outcome is Outcome.NON_STRICT
    assert "cut at 15 s" in result.detail


def test_a_stream_shorter_than_the_total_timeout_is_judged_as_usual() -> None:
    behind = context(layer="total-timeout:60", total_cut_s=60.0, idle_s=18.0)
    result = judge("IDLE-HEARTBEAT", cut_idle(), behind)
    assert result is not None and result.outcome is Outcome.NON_STRICT


def test_a_check_the_layer_blinds_is_unimplemented_with_the_reason() -> None:
    ctx = context(layer="x", layer_blinds={"IDLE-HEARTBEAT": "it answers itself"})
    result = judge("IDLE-HEARTBEAT", cut_idle(), ctx)
    assert result is not None and result.outcome is Outcome.UNIMPLEMENTED
    assert "the x layer: it answers itself" in result.detail


def test_a_stock_setting_that_breaks_a_check_is_named_not_blamed() -> None:
    ctx = context(layer="haproxy", layer_breaks={"IDLE-HEARTBEAT": "`timeout 1s`"})
    result = judge("IDLE-HEARTBEAT", cut_idle(), ctx)
    assert result is not None and result.outcome is Outcome.INFO
    assert "stock configuration" in result.detail and "`timeout 1s`" in result.detail


SETTING = "Caddy's `encode gzip`"


@pytest.mark.parametrize(
    ("proxy_encoding", "outcome", "fragment"),
    [
        ("", Outcome.INFO, "added by the caddy-encode layer (Caddy's `encode gzip`)"),
        ("gzip", Outcome.NON_STRICT, "the proxy itself answers"),
    ],
)
def test_content_encoding_behind_a_compressing_layer(
    proxy_encoding: str, outcome: Outcome, fragment: str
) -> None:
    ctx = context(
        layer="caddy-encode",
        transparent=False,
        layer_compresses=SETTING,
        proxy_encoding=proxy_encoding,
    )
    result = judge("HDR-NO-COMPRESSION", compressed("gzip"), ctx)
    assert result is not None and result.outcome is outcome
    assert fragment in result.detail


def test_content_encoding_is_not_judged_behind_a_layer_that_rewrites_heads() -> None:
    ctx = context(layer="haproxy", transparent=False)
    assert judge("HDR-NO-COMPRESSION", compressed("gzip"), ctx) is None
