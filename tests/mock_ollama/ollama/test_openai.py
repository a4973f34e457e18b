"""The OpenAI-compatible shapes: both SSE layouts, tool calls, reasoning, errors, completions."""

from __future__ import annotations

import json
from typing import Any

from mock_ollama.ollama.openai import DONE_FRAME, layout_for, to_completion, to_sse
from mock_ollama.scenario.catalog import load_bundled

BUNDLED = load_bundled()


def _frames(group: bytes) -> list[Any]:
    out: list[Any] = []
    for frame in group.split(b"\n\n")[:-1]:
        assert frame.startswith(b"data: ")
        payload = frame[len(b"data: ") :]
        out.append("[DONE]" if payload == b"[DONE]" else json.loads(payload))
    return out


def test_layout_switches_at_v0_32_6() -> None:
    assert layout_for("0.32.5") == "legacy"
    assert layout_for("0.32.6") == "current"
    assert layout_for("0.33.0-rc2") == "current"
    assert layout_for("0.1.32") == "legacy"


def test_current_layout_sends_role_once_and_usage_before_done() -> None:
    rec = BUNDLED["qwen-chat"]
    sse, _ = to_sse(rec, "chat", "current", include_usage=True, seed=1)
    assert len(sse.lines) == len(rec.lines)
    assert sse.headers == (("Content-Type", "text/event-stream"),)
    first, second = _frames(sse.lines[0]), _frames(sse.lines[1])
    assert first[0]["choices"][0]["delta"] == {"role": "assistant", "content": "Server"}
    assert second[0]["choices"][0]["delta"] == {"content": "-S"}
    last = _frames(sse.lines[-1])
    finish, usage, done = last
    assert finish["choices"] == [{"index": 0, "delta": {}, "finish_reason": "stop"}]
    assert usage["choices"] == []
    assert usage["usage"]["total_tokens"] == 31 + 22
    assert done == "[DONE]"
    created = {
        f["created"] for g in sse.lines for f in _frames(g) if isinstance(f, dict)
    }
    assert len(created) == 1
    ids = {f["id"] for g in sse.lines for f in _frames(g) if isinstance(f, dict)}
    assert len(ids) == 1
    assert ids.pop().startswith("chatcmpl-")


def test_legacy_layout_repeats_the_role_and_finishes_on_the_last_delta() -> None:
    rec = BUNDLED["qwen-chat"]
    sse, _ = to_sse(rec, "chat", "legacy")
    deltas = [_frames(g)[0]["choices"][0] for g in sse.lines]
    assert all(c["delta"]["role"] == "assistant" for c in deltas)
    assert deltas[-1]["finish_reason"] == "stop"
    assert all(c["finish_reason"] is None for c in deltas[:-1])
    assert sse.lines[-1].endswith(DONE_FRAME)


def test_tool_call_arguments_become_a_string() -> None:
    sse, _ = to_sse(BUNDLED["tool-call"], "chat", "current")
    call = _frames(sse.lines[0])[0]["choices"][0]["delta"]["tool_calls"][0]
    assert call["function"] == {
        "name": "get_weather",
        "arguments": '{"city":"Paris","unit":"celsius"}',
    }
    assert _frames(sse.lines[-1])[0]["choices"][0]["finish_reason"] == "tool_calls"


def test_thinking_goes_to_reasoning() -> None:
    sse, _ = to_sse(BUNDLED["thinking"], "chat", "current")
    assert _frames(sse.lines[0])[0]["choices"][0]["delta"] == {
        "role": "assistant",
        "reasoning": "Okay",
    }


def test_error_line_is_swallowed_without_done() -> None:
    sse, error_line = to_sse(BUNDLED["error-mid-stream"], "chat", "legacy")
    assert not sse.body.endswith(DONE_FRAME)
    swallowed = _frames(sse.lines[-1])[0]["choices"][0]
    assert swallowed == {
        "index": 0,
        "delta": {"role": "assistant", "content": ""},
        "finish_reason": None,
    }
    assert b"[DONE]" not in error_line


def test_completions_and_non_stream() -> None:
    sse, _ = to_sse(BUNDLED["qwen-generate"], "completion", "current")
    chunk = _frames(sse.lines[0])[0]
    assert chunk["object"] == "text_completion"
    assert chunk["choices"][0] == {"text": "The", "index": 0, "finish_reason": None}
    whole = json.loads(to_completion(list(BUNDLED["qwen-chat"].lines), "chat").body)
    assert whole["object"] == "chat.completion"
    assert whole["choices"][0]["message"]["content"].startswith("Server-Sent Events")
    assert whole["usage"] == {
        "prompt_tokens": 31,
        "completion_tokens": 22,
        "total_tokens": 53,
    }
