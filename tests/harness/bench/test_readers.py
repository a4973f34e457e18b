"""The bench reads streams as the gate does: the parser closed at the end, a dialect's
exception recorded as the stream's error, a malformed NDJSON line a finding."""

from __future__ import annotations

import json

from harness.bench.designs.engines.readers import ndjson_record, sse_record
from harness.probe.dialects import make_dialect
from harness.testing.evidence import DONE, MS, T0, observation, sse_token

TOKEN_JSON = make_dialect("token-json")


def test_an_unterminated_last_event_is_read_at_the_end_of_the_stream():
    """WHATWG discards it, but the gate's reader reports what the parser held at
    close; the bench reads the same tokens as the gate (none from the fragment)."""
    obs = observation([(10, sse_token("a")), (20, b'data: {"token": "b"}')])
    record = sse_record("r", obs, TOKEN_JSON)
    assert [text for _, text in record.tokens] == ["a"]
    assert record.tokens[0][0] == T0 + 10 * MS
    assert not record.completed and record.error


def test_tokens_and_completion_with_the_stamp_of_their_read():
    obs = observation([(10, sse_token("a") + sse_token("b")), (30, DONE)])
    record = sse_record("r", obs, TOKEN_JSON)
    assert record.tokens == ((T0 + 10 * MS, "a"), (T0 + 10 * MS, "b"))
    assert record.completed and record.error == ""


def test_a_dialect_that_raises_is_the_streams_error(tmp_path, monkeypatch):
    (tmp_path / "raising_dialect.py").write_text(
        "def classify(event):\n    raise ValueError('no ' + event.data[:5])\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    dialect = make_dialect("raising_dialect:classify")
    record = sse_record("r", observation([(10, sse_token("a")), (20, DONE)]), dialect)
    assert record.tokens == ()
    assert record.error.startswith("dialect raised ValueError: no {")


def _ndjson(*objs: object) -> bytes:
    return b"".join(json.dumps(o).encode() + b"\n" for o in objs)


def test_ndjson_chat_and_generate_lines():
    body = _ndjson(
        {"message": {"content": "a"}, "done": False},
        {"response": "b", "done": False},
        {"message": {"content": ""}, "done": True},
    )
    record = ndjson_record("r", observation([(10, body)]))
    assert [t for _, t in record.tokens] == ["a", "b"]
    assert record.completed and record.error == ""


def test_a_malformed_ndjson_line_is_a_finding_not_an_exception():
    body = _ndjson({"message": {"content": "a"}}) + b"{oops\n"
    body += _ndjson({"done": True})
    record = ndjson_record("r", observation([(10, body)]))
    assert [t for _, t in record.tokens] == ["a"]
    assert record.error.startswith("not a JSON line: b'{oops'")
