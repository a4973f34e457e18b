"""harness.client.sessions: the recorder of one exchange."""

from __future__ import annotations

from hypothesis import given, strategies as st

from harness.client.observation import End, Request
from harness.client.sessions import ObservationRecorder


@given(st.lists(st.binary(min_size=1, max_size=50), max_size=20), st.integers(0, 600))
def test_keep_first_keeps_exactly_the_first_bytes(pieces, limit):
    rec = ObservationRecorder(Request("GET", "http://x/", (), b""), "1.1")
    rec.head(0, 200, [])
    for t, piece in enumerate(pieces):
        rec.data(t, piece)
    whole = b"".join(pieces)
    rec.keep_first(limit)
    obs = rec.finish(End.ABORTED)
    assert obs.body == whole[:limit]
    assert obs.wire_body_size == len(whole)
    assert ("kept" in obs.extra) == (len(whole) > limit)
    assert [c.t_ns for c in obs.chunks] == sorted(c.t_ns for c in obs.chunks)
