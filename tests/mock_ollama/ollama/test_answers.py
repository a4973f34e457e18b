"""Whole answers (gin's ``c.JSON``) and Ollama's and gin's error answers."""

from __future__ import annotations

import json

from mock_ollama.ollama.answers import (
    JSON_TYPE,
    PAGE_NOT_FOUND,
    Answer,
    json_answer,
    method_not_allowed,
    not_found_model,
    status_answer,
)


def test_json_answer_is_go_encoded_gin_json() -> None:
    assert json_answer({"b": "<", "a": 1}, 201) == Answer(
        201, JSON_TYPE, b'{"b":"\\u003c","a":1}'
    )
    assert JSON_TYPE == "application/json; charset=utf-8"


def test_status_answers() -> None:
    assert status_answer(404, "m").body == b'{"error":"model \'m\' not found"}'
    assert status_answer(503, "m").body == (
        b'{"error":"server busy, please try again.  maximum pending requests exceeded"}'
    )
    assert status_answer(403, "m").body == b""
    assert status_answer(405, "m").extra_headers == (("Allow", "POST"),)
    assert json.loads(status_answer(429, "m").body) == {"error": "too many requests"}


def test_gin_pages_and_model_not_found() -> None:
    assert (PAGE_NOT_FOUND.status, PAGE_NOT_FOUND.content_type) == (404, "text/plain")
    assert PAGE_NOT_FOUND.body == b"404 page not found"
    allowed = method_not_allowed(["HEAD", "GET"])
    assert (allowed.status, allowed.body) == (405, b"405 method not allowed")
    assert allowed.extra_headers == (("Allow", "HEAD, GET"),)
    missing = not_found_model("Qwen:7B ")
    assert (missing.status, missing.body) == (
        404,
        b'{"error":"model \'Qwen:7B \' not found"}',
    )
