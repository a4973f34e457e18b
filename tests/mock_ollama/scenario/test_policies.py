"""Timing, fragment and fault grammars: round trips and one clear PolicyError for bad text."""

from __future__ import annotations

import contextlib
import math
from typing import TYPE_CHECKING

import pytest
from hypothesis import given, settings, strategies as st

from mock_ollama.errors import PolicyError
from mock_ollama.scenario.policies import (
    Fault,
    Fragment,
    Timing,
    parse_fault,
    parse_fragment,
    parse_timing,
)

if TYPE_CHECKING:
    from collections.abc import Callable

ms = st.floats(min_value=0, max_value=1e6, allow_nan=False)
timings = st.one_of(
    st.sampled_from([Timing("recorded"), Timing("zero")]),
    st.builds(Timing, st.just("scale"), st.floats(min_value=1e-3, max_value=1e3)),
    st.builds(Timing, st.just("fixed"), ms),
    st.builds(Timing, st.just("jitter"), ms, st.floats(min_value=0, max_value=100)),
)
fragments = st.one_of(
    st.sampled_from([Fragment("line"), Fragment("utf8"), Fragment("json")]),
    st.builds(
        Fragment,
        st.sampled_from(["coalesce", "bytes"]),
        st.integers(min_value=1, max_value=10**6),
    ),
    st.builds(Fragment, st.just("random"), st.integers(min_value=0, max_value=10**9)),
)
n = st.integers(min_value=0, max_value=10**6)
faults = st.one_of(
    st.builds(
        Fault,
        st.sampled_from(["error-at", "cut-at", "garbage-at", "malformed-at"]),
        n,
    ),
    st.builds(Fault, st.just("status"), st.integers(min_value=400, max_value=599)),
    st.builds(
        Fault,
        st.just("stall"),
        n,
        ms=st.one_of(ms, st.just(math.inf)),
    ),
    st.builds(
        Fault,
        st.just("long-line-at"),
        n,
        size=st.integers(min_value=1, max_value=1 << 30),
    ),
)


@settings(deadline=None)
@given(timings)
def test_timing_round_trips(t: Timing) -> None:
    assert parse_timing(str(t)) == t


@settings(deadline=None)
@given(fragments)
def test_fragment_round_trips(f: Fragment) -> None:
    assert parse_fragment(str(f)) == f


@settings(deadline=None)
@given(faults)
def test_fault_round_trips(f: Fault) -> None:
    assert parse_fault(str(f)) == f


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("fixed:50", Timing("fixed", 50.0)),
        ("scale:0.5", Timing("scale", 0.5)),
        ("jitter:20:10", Timing("jitter", 20.0, 10.0)),
    ],
)
def test_timing_examples(text: str, expected: Timing) -> None:
    assert parse_timing(text) == expected


def test_stall_inf_never_ends() -> None:
    assert parse_fault("stall:3:inf") == Fault("stall", 3, ms=math.inf)


@pytest.mark.parametrize(
    ("parse", "text", "fragment"),
    [
        (parse_fragment, "bytes:x", "N must be an integer"),
        (parse_fragment, "bytes:0", "N must be >= 1"),
        (parse_fragment, "bytes", "takes 1 argument"),
        (parse_fragment, "chunky", "unknown policy 'chunky'"),
        (parse_timing, "scale:0", "K must be > 0"),
        (parse_timing, "fixed:-1", ">= 0"),
        (parse_timing, "fixed:nan", "finite"),
        (parse_timing, "fixed:inf", "finite"),
        (parse_timing, "jitter:10:101", "PCT must be <= 100"),
        (parse_fault, "status:200", "between 400 and 599"),
        (parse_fault, "stall:1", "takes 2 argument"),
        (parse_fault, "error-at:-1", "integer"),
        (parse_fault, "", "unknown policy"),
    ],
)
def test_bad_policies_name_the_problem(
    parse: Callable[[str], object], text: str, fragment: str
) -> None:
    with pytest.raises(PolicyError) as info:
        parse(text)
    message = str(info.value)
    assert fragment in message
    assert "\n" not in message
    assert repr(text) in message


@settings(deadline=None)
@given(st.text(max_size=30))
def test_any_text_parses_or_raises_policy_error(text: str) -> None:
    for parse in (parse_timing, parse_fragment, parse_fault):
        with contextlib.suppress(PolicyError):
            parse(text)
