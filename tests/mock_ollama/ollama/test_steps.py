"""The steps every endpoint shares: Go's headers, binding, the marker, the first error line."""

from __future__ import annotations

import json

import pytest

from mock_ollama.ollama.answers import Answer, json_answer
from mock_ollama.ollama.steps import (
    GO_BUFFER,
    Now,
    Reject,
    answer,
    error_in,
    go_headers,
    marker_in,
    read_json,
)

NOW = Now("Wed, 30 Jul 2025 09:45:03 GMT", "2025-07-30T09:45:03.1Z", 1753868703)


def test_go_headers_sort_the_handler_map_then_date_then_length() -> None:
    headers = go_headers("a/b", NOW, extra=(("Allow", "POST"),), length=3)
    assert headers == (
        ("Allow", "POST"),
        ("Content-Type", "a/b"),
        ("Date", NOW.http_date),
        ("Content-Length", "3"),
    )
    assert go_headers(None, NOW) == (("Date", NOW.http_date),)


def test_answer_has_a_length_only_when_it_fits_gos_buffer() -> None:
    small = answer(json_answer({"a": 1}), NOW, at_ns=7).schedule
    assert dict(small.headers)["Content-Length"] == str(len(b'{"a":1}'))
    assert [(w.at_ns, w.data) for w in small.writes] == [(7, b'{"a":1}')]
    big = answer(Answer(200, "text/plain", b"x" * (GO_BUFFER + 1)), NOW).schedule
    assert "Content-Length" not in dict(big.headers)
    assert answer(Answer(403, None, b""), NOW).schedule.writes == ()


def test_read_json_binds_like_gin() -> None:
    assert read_json(b'{"model":"m"} trailing', "/api/chat") == {"model": "m"}
    assert read_json(b"null", "/api/chat") == {}
    with pytest.raises(Reject) as native:
        read_json(b"", "/api/chat")
    assert json.loads(native.value.answer.body) == {"error": "missing request body"}
    with pytest.raises(Reject) as openai_style:
        read_json(b"", "/v1/chat/completions", openai_style=True)
    assert json.loads(openai_style.value.answer.body)["error"]["message"] == "EOF"


def test_a_bad_marker_is_a_400() -> None:
    assert marker_in(b"no marker") is None
    with pytest.raises(Reject) as info:
        marker_in(b"[[mock: colour=red]]")
    assert info.value.answer.status == 400
    assert json.loads(info.value.answer.body)["error"].startswith("mock marker: ")


def test_error_in_finds_the_first_error_or_non_json_line() -> None:
    assert error_in([b'{"a":1}\n', b'{"error":"boom"}\n']) == "boom"
    assert error_in([b"{not json\n"]) is not None
    assert error_in([b'{"a":1}\n']) is None
