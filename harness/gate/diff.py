"""Comparing two runs (``sse-harness diff OLD NEW``, ``run --baseline OLD``).

docs/ci.md#regressions: new failures (FAILED now and not then; NON-STRICT too under
``--strict``), fixed checks, checks whose kind of failure changed, and timing figures
that moved beyond their noise. The noise comes from the reports themselves. A median
(``lag_p50_ms``, ``added_p50_ms``) moves beyond noise when it moves more than the
client's self-test against the mock allows (twice the noisier run's
``baseline.lag_p99_ms``) plus the result's own spread (``lag_p99_ms - lag_p50_ms``),
and at least FLOOR_MS. A tail or a single sample (first token, TTFT, p99) moves beyond
noise only when it moves more than the per-token budget the gate itself grants in the
noisier run (harness.checks.lat.budget_from_baseline): one late token on a busy
machine is no regression. Pure: harness.gate.report_file reads the
reports.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from harness.checks.common import MS
from harness.checks.lat import budget_from_baseline

if TYPE_CHECKING:
    from collections.abc import Mapping

FAILING = frozenset({"FAILED", "NON-STRICT"})
HOLDING = frozenset({"OK", "INFO"})
#: timing figures compared: medians of many tokens, and tails or single samples
#: (the worst single token, ``lag_max_ms``, is all noise and never compared)
MEDIANS = ("lag_p50_ms", "added_p50_ms")
TAILS = ("first_token_lag_ms", "ttft_ms", "lag_p99_ms", "added_p99_ms")
#: a move below this is never reported (timer and scheduler resolution)
FLOOR_MS = 10.0
#: how many of the noisier run's self-test p99 a move must exceed
SELF_TEST_FACTOR = 2.0

Key = tuple[str, str]


@dataclass(frozen=True, slots=True)
class Change:
    check: str
    layer: str
    then: str
    now: str
    detail: str = ""


@dataclass(frozen=True, slots=True)
class Move:
    check: str
    layer: str
    figure: str
    then: float
    now: float
    noise: float

    @property
    def slower(self) -> bool:
        return self.now > self.then


@dataclass(frozen=True, slots=True)
class Diff:
    new_failures: tuple[Change, ...]
    fixed: tuple[Change, ...]
    changed: tuple[Change, ...]
    moves: tuple[Move, ...]

    def to_json(self) -> dict[str, Any]:
        def rows(items: tuple[Any, ...]) -> list[dict[str, Any]]:
            return [{f: getattr(i, f) for f in i.__dataclass_fields__} for i in items]

        return {
            "new_failures": rows(self.new_failures),
            "fixed": rows(self.fixed),
            "changed": rows(self.changed),
            "timing_moves": rows(self.moves),
        }


def _by_key(doc: Mapping[str, Any]) -> dict[Key, Mapping[str, Any]]:
    return {(r["check"], r["layer"]): r for r in doc["results"]}


def _self_test(doc: Mapping[str, Any]) -> float:
    return float(doc.get("baseline", {}).get("lag_p99_ms", 0.0))


def _median_noise(doc: Mapping[str, Any], result: Mapping[str, Any]) -> float:
    metrics = result.get("metrics", {})
    spread = metrics.get("lag_p99_ms", 0.0) - metrics.get("lag_p50_ms", 0.0)
    return SELF_TEST_FACTOR * _self_test(doc) + max(float(spread), 0.0)


def _tail_noise(doc: Mapping[str, Any]) -> float:
    return budget_from_baseline(_self_test(doc)) / MS


def _moves(
    old: Mapping[str, Any], new: Mapping[str, Any], a: Any, b: Any, key: Key
) -> list[Move]:
    median = FLOOR_MS + max(_median_noise(old, a), _median_noise(new, b))
    tail = max(FLOOR_MS, _tail_noise(old), _tail_noise(new))
    found = []
    for figure in (*MEDIANS, *TAILS):
        noise = median if figure in MEDIANS else tail
        then, now = a.get("metrics", {}).get(figure), b.get("metrics", {}).get(figure)
        numbers = isinstance(then, int | float) and isinstance(now, int | float)
        if numbers and abs(now - then) > noise:
            found.append(Move(*key, figure, then, now, round(noise, 1)))
    return found


def compare(
    old: Mapping[str, Any], new: Mapping[str, Any], *, strict: bool = False
) -> Diff:
    """What changed from run ``old`` to run ``new`` (two parsed report.json)."""
    bad = FAILING if strict else frozenset({"FAILED"})
    before, after = _by_key(old), _by_key(new)
    new_failures, fixed, changed, moves = [], [], [], []
    for key, b in after.items():
        a = before.get(key)
        then = a["outcome"] if a else "not judged"
        now = b["outcome"]
        if now in bad and then not in bad:
            new_failures.append(Change(*key, then, now, b.get("detail", "")))
        elif a is None:
            continue
        elif then in FAILING and now in HOLDING:
            fixed.append(Change(*key, then, now))
        elif then != now and (then in FAILING or now in FAILING):
            changed.append(Change(*key, then, now, b.get("detail", "")))
        if a is not None:
            moves += _moves(old, new, a, b, key)
    return Diff(tuple(new_failures), tuple(fixed), tuple(changed), tuple(moves))
