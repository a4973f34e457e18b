"""proxies.starlette_proxy.validate: admission of POST /api/v1/complete."""

from __future__ import annotations

import pytest

from proxies.starlette_proxy.validate import (
    Completion,
    Rejection,
    accepts_event_stream,
    check_content_type,
    check_method,
    media_type,
    parse_body,
)


def test_only_post_is_allowed() -> None:
    assert check_method("POST") is None
    rejection = check_method("GET")
    assert rejection is not None
    assert rejection.status == 405
    assert ("Allow", "POST") in rejection.headers


@pytest.mark.parametrize(
    "value",
    ["application/json", "Application/JSON; charset=utf-8", " application/json ;x=y"],
)
def test_json_content_types_pass(value: str) -> None:
    assert media_type(value) == "application/json"
    assert check_content_type(value) is None


@pytest.mark.parametrize(
    "value",
    [None, "", "text/plain", "application/jsonx", "application/x-ndjson", "json"],
)
def test_other_content_types_are_415_with_accept_post(value: str | None) -> None:
    rejection = check_content_type(value)
    assert rejection is not None
    assert rejection.status == 415
    assert ("Accept-Post", "application/json") in rejection.headers


@pytest.mark.parametrize(
    ("accept", "ok"),
    [
        (None, True),
        ("", True),
        ("*/*", True),
        ("text/*", True),
        ("text/event-stream", True),
        ("Text/Event-Stream; q=0.5", True),
        ("application/json, */*;q=0.1", True),
        ("image/png", False),
        ("application/json", False),
        ("text/event-stream;q=0", False),
        ("text/event-stream;q=0, */*", False),
        ("text/*;q=0, text/event-stream", True),
        ("*/*;q=0", False),
        ("*/*;q=nonsense", False),
    ],
)
def test_accept(accept: str | None, ok: bool) -> None:
    assert accepts_event_stream(accept) is ok


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b'{"prompt": "hi"}', Completion("hi", None)),
        (b'{"prompt": "", "model": "m"}', Completion("", "m")),
        (b'{"prompt": "hi", "model": null, "extra": 1}', Completion("hi", None)),
        (b'{"prompt": "\\u00e9"}', Completion("é", None)),
    ],
)
def test_valid_bodies(body: bytes, expected: Completion) -> None:
    assert parse_body(body) == expected


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"{",
        b'{"prompt": "hi"',
        b"[]",
        b'"hi"',
        b"{}",
        b'{"prompt": 1}',
        b'{"prompt": null}',
        b'{"prompt": "hi", "model": 3}',
        b'{"prompt": "\xff"}',
    ],
)
def test_invalid_bodies_are_400(body: bytes) -> None:
    verdict = parse_body(body)
    assert isinstance(verdict, Rejection)
    assert verdict.status == 400


def test_huge_body_is_413() -> None:
    verdict = parse_body(b'{"prompt": "' + b"x" * (1024 * 1024) + b'"}')
    assert isinstance(verdict, Rejection)
    assert verdict.status == 413
