"""LAT judges on synthetic evidence: a prompt stream passes, a buffered or timer-batched
one fails, one hiccup is noise, lags follow the text, and the budget is clamped."""

from __future__ import annotations

from harness.checks import lat
from harness.checks.common import lags
from tests.harness.evidence import (
    DONE,
    context,
    evidence,
    exchange,
    observation,
    sse_token,
)

TOKENS = [f"t{i}" for i in range(20)]
WRITES = [100 * i for i in range(20)]


def streamed(delay_ms: int = 3) -> list[tuple[int, bytes]]:
    return [
        (t + delay_ms, sse_token(tok)) for t, tok in zip(WRITES, TOKENS, strict=True)
    ] + [(2000, DONE)]


def test_prompt_stream_passes():
    ev = {"lat": evidence("lat", observation(streamed()), TOKENS, (exchange(WRITES),))}
    assert lat.first_token(ev, context()).ok is True
    verdict = lat.no_batching(ev, context())
    assert verdict.ok is True, verdict.detail
    assert verdict.metrics["merged_pairs"] == 0


def test_buffered_stream_fails_both():
    everything = b"".join(sse_token(t) for t in TOKENS) + DONE
    ev = {
        "lat": evidence(
            "lat", observation([(2001, everything)]), TOKENS, (exchange(WRITES),)
        )
    }
    first = lat.first_token(ev, context(layer_note="buffered by nginx"))
    assert first.ok is False and "buffered by nginx" in first.detail
    batching = lat.no_batching(ev, context())
    assert batching.ok is False and "arrived together" in batching.detail


def test_timer_batching_under_budget_still_fails():
    # a proxy flushing every 200 ms: every token within 200 ms, but pairs arrive together
    chunks = []
    for i in range(0, 20, 2):
        chunks.append(
            (WRITES[i + 1] + 5, sse_token(TOKENS[i]) + sse_token(TOKENS[i + 1]))
        )
    ev = {
        "lat": evidence(
            "lat", observation([*chunks, (2000, DONE)]), TOKENS, (exchange(WRITES),)
        )
    }
    verdict = lat.no_batching(ev, context())
    assert verdict.ok is False, verdict.detail


def test_one_hiccup_is_noise():
    chunks = streamed()
    # tokens 5 and 6 delayed by a 120 ms stall: they arrive together once
    chunks[5] = (WRITES[6] + 20, chunks[5][1])
    chunks[6] = (WRITES[6] + 20, chunks[6][1])
    ev = {"lat": evidence("lat", observation(chunks), TOKENS, (exchange(WRITES),))}
    assert lat.no_batching(ev, context()).ok is True


def test_lags_follow_text_not_events():
    # the proxy splits every token in two events: arrival is when the second half lands
    chunks = []
    for t, tok in zip(WRITES, TOKENS, strict=True):
        chunks += [(t + 1, sse_token(tok[0])), (t + 7, sse_token(tok[1:]))]
    ev = evidence("lat", observation(chunks), TOKENS, (exchange(WRITES),))
    found = lags(ev)
    assert len(found) == 20
    assert all(abs(x.lag_ns / 1e6 - 7) < 0.01 for x in found)


def test_budget_is_clamped():
    assert lat.budget_from_baseline(1.0) == 250_000_000
    assert lat.budget_from_baseline(60.0) == 340_000_000
    assert lat.budget_from_baseline(5000.0) == 1_000_000_000
