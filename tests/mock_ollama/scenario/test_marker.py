"""The ``[[mock: ...]]`` grammar: round trips, last marker wins, every bad marker named."""

from __future__ import annotations

import contextlib
import json

import pytest
from hypothesis import given, settings, strategies as st

from mock_ollama.errors import MarkerError
from mock_ollama.scenario.marker import Marker, find_marker, parse_marker
from mock_ollama.scenario.policies import Fault, Fragment, Policies, Timing
from tests.mock_ollama.scenario.test_policies import faults, fragments, timings


def test_the_documented_example_parses_to_every_field() -> None:
    body = (
        b'{"prompt": "hi [[mock: scenario=NAME fragment=bytes:1 timing=fixed:50 '
        b'fault=error-at:3 req=ab12]]"}'
    )
    assert find_marker(body) == Marker(
        scenario="NAME",
        policies=Policies(
            timing=Timing("fixed", 50.0),
            fragment=Fragment("bytes", 1),
            faults=(Fault("error-at", 3),),
        ),
        req="ab12",
    )


def test_no_marker_is_none() -> None:
    assert find_marker(b'{"prompt": "hello [[not a marker]]"}') is None


def test_empty_marker_means_defaults() -> None:
    assert find_marker(b"[[mock:]]") == Marker()


def test_last_marker_wins() -> None:
    body = b'"[[mock: scenario=a]]", "[[mock: scenario=b req=x]]"'
    assert find_marker(body) == Marker(scenario="b", req="x")


def test_faults_repeat_and_keep_order() -> None:
    m = parse_marker(
        " fault=stall:1:200 fault=cut-at:4 header-delay=1.5 gap=0.3 seed=-7"
    )
    p = m.policies
    assert p.faults == (Fault("stall", 1, ms=200.0), Fault("cut-at", 4))
    assert (p.header_delay_ms, p.gap_ms, p.seed) == (1.5, 0.3, -7)


@pytest.mark.parametrize(
    ("inner", "fragment"),
    [
        ("colour=red", "unknown key 'colour'"),
        ("scenario", "not key=value"),
        ("scenario=", "not key=value"),
        ("fragment=bytes:0", "N must be >= 1"),
        ("timing=fast", "unknown policy 'fast'"),
        ("req=" + "a" * 65, "req="),
        ("req=a.b", "req="),
        ("seed=x", "seed=x"),
        ("gap=-1", "gap=-1"),
        ("header-delay=inf", "header-delay=inf"),
        ("scenario=a scenario=b", "given twice"),
    ],
)
def test_bad_markers_name_the_problem(inner: str, fragment: str) -> None:
    with pytest.raises(MarkerError) as info:
        parse_marker(inner)
    assert fragment in str(info.value)


markers = st.builds(
    Marker,
    scenario=st.none() | st.from_regex(r"[a-z0-9-]{1,20}", fullmatch=True),
    policies=st.builds(
        Policies,
        timing=st.none() | timings,
        fragment=st.none() | fragments,
        faults=st.lists(faults, max_size=3).map(tuple),
        header_delay_ms=st.none() | st.floats(min_value=0, max_value=1e5),
        gap_ms=st.none() | st.floats(min_value=0, max_value=1e3),
        seed=st.none() | st.integers(min_value=-(10**9), max_value=10**9),
    ),
    req=st.none() | st.from_regex(r"[A-Za-z0-9_-]{1,64}", fullmatch=True),
)


@settings(deadline=None)
@given(markers, st.text(max_size=20).filter(lambda t: "[[" not in t))
def test_marker_survives_json_in_a_prompt(marker: Marker, prose: str) -> None:
    """The marker's text is JSON-safe: found again in the bytes a client sends."""
    body = json.dumps({"messages": [{"content": f"{prose} {marker}"}]}).encode()
    assert find_marker(body) == marker


@settings(deadline=None)
@given(st.text(max_size=60))
def test_any_inner_text_parses_or_raises_marker_error(inner: str) -> None:
    with contextlib.suppress(MarkerError):
        parse_marker(inner)


def test_repeat_is_a_bounded_positive_count():
    from mock_ollama.errors import MarkerError
    from mock_ollama.scenario.marker import parse_marker

    assert parse_marker("scenario=qwen-chat repeat=40").repeat == 40
    assert "repeat=40" in str(parse_marker("repeat=40"))
    for bad in ("repeat=0", "repeat=x", "repeat=100001"):
        with pytest.raises(MarkerError, match="repeat"):
            parse_marker(bad)
