"""``stream: false``: the lines of a scenario folded into one answer, as Ollama does."""

from __future__ import annotations

import json

from mock_ollama.ollama.aggregation import aggregate
from mock_ollama.scenario.catalog import load_bundled

BUNDLED = load_bundled()


def test_aggregate_chat_concatenates_and_keeps_final_metrics() -> None:
    rec = BUNDLED["seed-deepseek"]
    answer = aggregate(list(rec.lines), "/api/chat")
    body = json.loads(answer.body)
    assert body["message"]["content"].startswith("\n\n</think>\n\nOllama is an open")
    assert body["message"]["content"].endswith("command-line setup.")
    assert body["eval_count"] == 274
    assert body["done"] is True
    assert answer.body.startswith(
        b'{"model":"deepseek-r1:1.5b","created_at":"2025-07-30T'
    )
    assert b"\\u003c/think\\u003e" in answer.body  # Go-encoded again
    assert answer.content_type == "application/json; charset=utf-8"


def test_aggregate_thinking_tools_generate_and_errors() -> None:
    thinking = json.loads(aggregate(list(BUNDLED["thinking"].lines), "/api/chat").body)
    assert list(thinking["message"]) == ["role", "content", "thinking"]
    assert thinking["message"]["thinking"].startswith("Okay, the user asks 2+2")
    tools = json.loads(aggregate(list(BUNDLED["tool-call"].lines), "/api/chat").body)
    assert tools["message"]["tool_calls"][0]["function"]["arguments"] == {
        "city": "Paris",
        "unit": "celsius",
    }
    gen = json.loads(
        aggregate(list(BUNDLED["qwen-generate"].lines), "/api/generate").body
    )
    assert gen["response"] == "The sky is blue because of Rayleigh scattering."
    failed = aggregate(list(BUNDLED["error-mid-stream"].lines), "/api/chat")
    assert failed.status == 500
    assert json.loads(failed.body) == {
        "error": "an error was encountered while running the model: unexpected EOF"
    }
