"""The ``/v1/*`` endpoints: a native scenario served as SSE, faults as OpenAI error objects."""

from __future__ import annotations

import json

import pytest

from mock_ollama.ollama.config import MockConfig
from mock_ollama.ollama.openai_routes import openai_stream
from mock_ollama.ollama.steps import Now, Reject
from mock_ollama.scenario.policies import Policies, Timing

CFG = MockConfig(policies=Policies(timing=Timing("zero")))
NOW = Now("Wed, 30 Jul 2025 09:45:03 GMT", "2025-07-30T09:45:03.1Z", 1753868703)
PATH = "/v1/chat/completions"


def _chat(prompt: str, **extra: object) -> bytes:
    messages = [{"role": "user", "content": prompt}]
    return json.dumps({"model": "qwen2.5:7b", "messages": messages, **extra}).encode()


def test_stream_is_sse_of_the_native_scenario() -> None:
    out = openai_stream(
        CFG, PATH, _chat("[[mock: scenario=qwen-chat]]", stream=True), NOW
    )
    assert dict(out.schedule.headers)["Content-Type"] == "text/event-stream"
    assert out.schedule.body.endswith(b"data: [DONE]\n\n")
    assert out.scenario == "qwen-chat"


def test_status_fault_becomes_an_openai_error_object() -> None:
    out = openai_stream(CFG, PATH, _chat("[[mock: fault=status:500]]"), NOW).schedule
    assert out.status == 500
    error = json.loads(out.body)["error"]
    assert (error["type"], error["message"]) == (
        "api_error",
        "llama runner process has terminated: exit status 2",
    )


def test_without_stream_true_one_completion_object() -> None:
    out = openai_stream(CFG, PATH, _chat("x"), NOW).schedule
    assert json.loads(out.body)["object"] == "chat.completion"


def test_empty_messages_are_rejected() -> None:
    with pytest.raises(Reject) as info:
        openai_stream(CFG, PATH, b'{"model":"qwen2.5:7b","messages":[]}', NOW)
    assert json.loads(info.value.answer.body)["error"]["message"] == (
        "[] is too short - 'messages'"
    )
