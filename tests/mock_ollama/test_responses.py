from __future__ import annotations

from mock_ollama.responses import JSON_TYPE, Answer, json_answer


def test_json_answer_is_go_encoded_gin_json() -> None:
    assert json_answer({"b": "<", "a": 1}, 201) == Answer(
        201, JSON_TYPE, b'{"b":"\\u003c","a":1}'
    )
    assert JSON_TYPE == "application/json; charset=utf-8"
