"""Attribution by cause: a knock-on is BLOCKED by its root only where the root's failure
can produce the knock-on's evidence in that probe (harness.checks.needs, ``when``).

Every root/knock-on pair of the table is judged on synthetic evidence: with its causal
condition holding (BLOCKED) and, where it has one, not holding (judged on its own).
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import pytest

from harness.checks import BY_ID
from harness.checks.model import Check, Level, Outcome, failed
from harness.checks.needs import NEEDS, Need
from harness.gate.judge import judge_layer
from tests.harness.evidence import (
    DONE,
    TOKENS,
    context,
    evidence,
    exchange,
    observation,
    raw,
    sse_token,
    streamed,
)

if TYPE_CHECKING:
    from harness.probe.evidence import Evidence

SILENT_MS = 20_000
CUT = ["Hel", "l\ufffd"]


def _idle(probe: str, head_ms: int | None) -> Evidence:
    """20 s of upstream silence before the first token (idle) or after it (idle-mid),
    no heartbeat; upstream's last line written after the first token arrived."""
    if probe == "idle":
        times = [SILENT_MS + 10 * i for i in range(len(TOKENS))]
    else:
        times = [10] + [SILENT_MS + 10 * i for i in range(len(TOKENS) - 1)]
    chunks = [(t, sse_token(tok)) for t, tok in zip(times, TOKENS, strict=True)]
    obs = observation([*chunks, (SILENT_MS + 100, DONE)], head_ms=head_ms)
    writes = [t - 5 for t in times]
    return evidence(probe, obs, TOKENS, (exchange(writes),))


def _early_done(probe: str) -> Evidence:
    body = sse_token(TOKENS[0]) + DONE + b"".join(sse_token(t) for t in TOKENS[1:])
    return raw(probe, body)


# (knock-on, root) -> evidence where the condition holds, and where it does not
CONDITIONS: dict[tuple[str, str], tuple[dict[str, Evidence], dict[str, Evidence]]] = {
    ("FRM-UTF8-VALID", "FRM-UTF8-SPLIT"): (
        {"utf8": streamed("utf8", TOKENS, sent=CUT)},
        {"utf8": streamed("utf8")},
    ),
    ("FRM-UTF8-SPLIT", "FRM-NDJSON-SPLIT"): (
        {"utf8": streamed("utf8")},
        {"utf8": streamed("utf8", TOKENS, sent=CUT)},
    ),
    ("FRM-TOKEN-MAPPING", "FRM-UTF8-VALID"): (
        {"valid": raw("valid", b'data: {"token": "\xff"}\n\n')},
        {"valid": streamed("valid")},
    ),
    ("FRM-TOKEN-MAPPING", "END-NOTHING-AFTER-DONE"): (
        {"valid": _early_done("valid")},
        {"valid": streamed("valid", TOKENS, sent=TOKENS[:2])},
    ),
    ("FRM-NDJSON-SPLIT", "FRM-UTF8-SPLIT"): (
        {"split-json": streamed("split-json", TOKENS, sent=CUT)},
        {"split-json": streamed("split-json", TOKENS, sent=TOKENS[:2])},
    ),
    ("END-DONE", "HDR-CONTENT-TYPE"): (
        {"valid": streamed("valid", done=False)},
        {"valid": streamed("valid")},
    ),
    ("END-DONE", "FRM-TOKEN-MAPPING"): (
        {"valid": streamed("valid", done=False)},
        {"valid": streamed("valid")},
    ),
    ("END-UPSTREAM-TRUNCATED", "END-NOTHING-AFTER-DONE"): (
        {"truncated": _early_done("truncated")},
        {"truncated": streamed("truncated")},
    ),
    ("IDLE-HEARTBEAT", "HDR-EARLY-FLUSH"): (
        {"idle": _idle("idle", SILENT_MS)},
        {"idle": _idle("idle", 1)},
    ),
    # after the first token the head is long out: a late head can never explain it
    ("IDLE-HEARTBEAT-MID", "HDR-EARLY-FLUSH"): (
        {"idle-mid": _idle("idle-mid", None)},
        {"idle-mid": _idle("idle-mid", 10)},
    ),
}


def _pairs() -> list[tuple[str, int, str]]:
    return [
        (check, index, root)
        for check, needs in NEEDS.items()
        for index, need in enumerate(needs)
        if need.holds is None
        for root in need.roots
    ]


def _broken(check_id: str) -> Check:
    return Check(check_id, Level.MUST, "r", "s", (), lambda ev, ctx: failed("broken"))


def _judge(
    monkeypatch: pytest.MonkeyPatch, check: str, need: Need, ev: dict[str, Evidence]
) -> tuple[Outcome, str]:
    """``check`` judged with this one knock-on on ``ev``, both failing as MUSTs."""
    (root,) = need.roots
    monkeypatch.setitem(NEEDS, check, (need,))
    monkeypatch.setitem(NEEDS, root, ())
    results = judge_layer([_broken(root), _broken(check)], ev, context())
    return results[1].outcome, results[1].blocked_by


def test_every_conditioned_pair_has_evidence_both_ways():
    conditioned = {
        (check, root)
        for check, index, root in _pairs()
        if NEEDS[check][index].when is not None
    }
    assert conditioned == set(CONDITIONS)


@pytest.mark.parametrize(
    ("check", "index", "root"), _pairs(), ids=[f"{c}<-{r}" for c, _, r in _pairs()]
)
def test_each_pair_blocks_only_under_its_cause(monkeypatch, check, index, root):
    need = replace(NEEDS[check][index], roots=(root,))
    holds, fails = CONDITIONS.get((check, root), ({"valid": streamed("valid")}, None))
    if need.when is not None:
        assert need.when(holds) and fails is not None and not need.when(fails)
    assert _judge(monkeypatch, check, need, holds) == (Outcome.BLOCKED, root)
    if fails is not None:
        assert _judge(monkeypatch, check, need, fails) == (Outcome.FAILED, "")


SILENCE_CHECKS = ("HDR-STATUS-200", "HDR-EARLY-FLUSH", "IDLE-HEARTBEAT-MID")


def _head_then_silence(head_ms: int) -> dict[str, Evidence]:
    writes = [1500 + 10 * i for i in range(len(TOKENS))]
    return {
        "valid": streamed("valid"),
        "early-flush": streamed(
            "early-flush", head_ms=head_ms, exchanges=(exchange(writes),)
        ),
        "idle-mid": _idle("idle-mid", 10 if head_ms > 1 else 1),
    }


@pytest.mark.parametrize(("head_ms", "flush"), [(1503, "NON-STRICT"), (1, "OK")])
def test_a_late_head_does_not_hide_a_missing_heartbeat_after_the_first_token(
    head_ms, flush
):
    """A head that waits for upstream's first token, no heartbeat: both findings on
    their own evidence; with the head sent at once, the same IDLE-HEARTBEAT-MID."""
    ev = _head_then_silence(head_ms)
    got = {
        r.check: r
        for r in judge_layer([BY_ID[c] for c in SILENCE_CHECKS], ev, context())
    }
    assert got["HDR-EARLY-FLUSH"].outcome.value == flush
    mid = got["IDLE-HEARTBEAT-MID"]
    assert mid.outcome is Outcome.NON_STRICT, mid.detail
    assert "no heartbeat during 20.0 s of upstream silence" in mid.detail


def test_a_late_head_still_explains_the_silence_before_the_first_byte():
    ev = {"valid": streamed("valid"), "idle": _idle("idle", SILENT_MS)}
    ev["early-flush"] = _head_then_silence(1503)["early-flush"]
    ids = ("HDR-STATUS-200", "HDR-EARLY-FLUSH", "IDLE-HEARTBEAT")
    got = {r.check: r for r in judge_layer([BY_ID[c] for c in ids], ev, context())}
    assert got["IDLE-HEARTBEAT"].blocked_by == "HDR-EARLY-FLUSH"


EARLY_CHECKS = (
    "HDR-STATUS-200",
    "HDR-CONTENT-TYPE",
    "FRM-TOKEN-MAPPING",
    "END-DONE",
    "END-NOTHING-AFTER-DONE",
    "END-UPSTREAM-TRUNCATED",
)


def test_an_early_completion_is_one_finding():
    """A completion after the first token, the tokens continuing: END-NOTHING-AFTER-DONE
    fails; the text cut short and the completion on the truncated stream follow."""
    ev = {"valid": _early_done("valid"), "truncated": _early_done("truncated")}
    got = {
        r.check: (r.outcome, r.blocked_by)
        for r in judge_layer([BY_ID[c] for c in EARLY_CHECKS], ev, context())
    }
    assert got["END-NOTHING-AFTER-DONE"] == (Outcome.FAILED, "")
    assert got["FRM-TOKEN-MAPPING"] == (Outcome.BLOCKED, "END-NOTHING-AFTER-DONE")
    assert got["END-UPSTREAM-TRUNCATED"] == (Outcome.BLOCKED, "END-NOTHING-AFTER-DONE")


def test_a_completion_fabricated_at_the_cut_still_fails_on_its_own():
    ev = {"valid": streamed("valid"), "truncated": streamed("truncated")}
    got = {
        r.check: (r.outcome, r.blocked_by)
        for r in judge_layer([BY_ID[c] for c in EARLY_CHECKS], ev, context())
    }
    assert got["END-UPSTREAM-TRUNCATED"] == (Outcome.FAILED, "")
    assert got["END-NOTHING-AFTER-DONE"] == (Outcome.OK, "")


def test_every_reason_names_a_check_and_every_cause_is_worded():
    from harness.checks.reasons import REASONS

    assert set(REASONS) <= set(BY_ID)
    for check, index, _ in _pairs():
        need = NEEDS[check][index]
        assert (need.when is None) == (not need.because), check
