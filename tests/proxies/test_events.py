"""proxies.starlette_proxy.events: SSE bytes that no token can break."""

from __future__ import annotations

import json

from hypothesis import given, strategies as st

from proxies.starlette_proxy.events import (
    HEARTBEAT,
    error_body,
    error_event,
    token_event,
)


def data_lines(event: bytes) -> list[str]:
    assert event.endswith(b"\n\n")
    text = event[:-2].decode("utf-8")
    assert "\r" not in text
    assert "\n\n" not in text
    return text.split("\n")


@given(st.text())
def test_token_event_round_trips_any_text(token: str) -> None:
    (line,) = data_lines(token_event(token))
    assert line.startswith("data: ")
    assert json.loads(line.removeprefix("data: ")) == {"token": token}


@given(st.text())
def test_error_event_round_trips_any_text(text: str) -> None:
    event_line, data_line = data_lines(error_event(text))
    assert event_line == "event: error"
    assert json.loads(data_line.removeprefix("data: ")) == {"error": text}


def test_lone_surrogate_stays_valid_utf8() -> None:
    (line,) = data_lines(token_event("a\ud800b"))
    assert "\\ud800" in line


def test_non_ascii_is_sent_as_utf8() -> None:
    assert token_event("é😀") == 'data: {"token": "é😀"}\n\n'.encode()


def test_heartbeat_is_a_comment() -> None:
    assert HEARTBEAT.startswith(b":")
    assert HEARTBEAT.endswith(b"\n\n")


def test_error_body_is_json() -> None:
    assert json.loads(error_body('bad "x"')) == {"error": 'bad "x"'}
