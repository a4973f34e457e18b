"""created_at to nanosecond offsets: exact, monotonic, tolerant of unstamped lines."""

from __future__ import annotations

import calendar
from datetime import datetime

import pytest
from hypothesis import given, settings, strategies as st

from mock_ollama.scenario.timestamps import offsets_from_stamps, parse_created_at


@settings(deadline=None)
@given(
    st.datetimes(min_value=datetime(1970, 1, 1), max_value=datetime(2200, 1, 1)),
    st.integers(min_value=0, max_value=999_999_999),
    st.integers(min_value=0, max_value=9),
)
def test_created_at_to_ns_exactly(moment: datetime, nanos: int, digits: int) -> None:
    fraction = f"{nanos:09d}"[:digits]
    text = (
        moment.strftime("%Y-%m-%dT%H:%M:%S") + (f".{fraction}" if digits else "") + "Z"
    )
    expected = calendar.timegm(moment.timetuple()) * 10**9 + int(fraction.ljust(9, "0"))
    assert parse_created_at(text) == expected


def test_created_at_offsets_and_rejects() -> None:
    utc = parse_created_at("2024-01-01T10:00:00Z")
    assert parse_created_at("2024-01-01T03:00:00-07:00") == utc
    assert parse_created_at("2024-01-01T10:00:00.5Z") == utc + 500_000_000
    for bad in ("2024-01-01 10:00:00Z", "2024-01-01T10:00:00.1234567890Z", "yesterday"):
        with pytest.raises(ValueError, match="created_at"):
            parse_created_at(bad)


def test_offsets_hold_for_unstamped_and_backward_lines() -> None:
    assert offsets_from_stamps([None, 100, None, 250, 200]) == (0, 0, 0, 150, 150)
