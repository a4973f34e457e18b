"""Go's encoder: escaping, float formatting, and output that reads back as the same JSON."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings, strategies as st

from mock_ollama.go.json import dumps


def test_dumps_escapes_like_go() -> None:
    value = {
        "b": '<think>&\u2028\u2029\u0085é🌍\n\t\x01\x08\x0c"\\',
        "a": [1, 1.5, None],
    }
    assert (
        dumps(value)
        == (
            '{"b":"\\u003cthink\\u003e\\u0026\\u2028\\u2029\u0085é🌍\\n\\t\\u0001\\b\\f\\"\\\\",'
            '"a":[1,1.5,null]}'
        ).encode()
    )


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (3.0, "3"),
        (1e21, "1e+21"),
        (1e-7, "1e-7"),
        (1e16, "10000000000000000"),
        (0.000001, "0.000001"),
        (-2.5, "-2.5"),
    ],
)
def test_dumps_formats_floats_like_go(value: float, text: str) -> None:
    assert dumps(value) == text.encode()


@settings(deadline=None)
@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(),
        lambda inner: st.lists(inner) | st.dictionaries(st.text(), inner),
        max_leaves=20,
    )
)
def test_dumps_is_json_that_reads_back(value: object) -> None:
    assert json.loads(dumps(value)) == value
