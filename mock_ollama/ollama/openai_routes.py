"""Ollama's OpenAI-compatible endpoints: ``/v1/chat/completions``, ``/v1/completions``.

Pure: standard library only; the current time comes in as a ``Now``. The native
scenario is played through ``mock_ollama.ollama.openai`` (Ollama's openai/openai.go and
middleware/openai.go); the steps shared with the native endpoints are
``mock_ollama.ollama.steps``.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from mock_ollama.ollama import openai
from mock_ollama.ollama.answers import JSON_TYPE
from mock_ollama.ollama.steps import (
    Play,
    Reject,
    Routed,
    check_model,
    go_headers,
    marker_in,
    plan_schedule,
    read_json,
)

if TYPE_CHECKING:
    from mock_ollama.ollama.config import MockConfig
    from mock_ollama.ollama.steps import Now


def openai_stream(cfg: MockConfig, path: str, body: bytes, now: Now) -> Routed:
    """POST /v1/chat/completions and /v1/completions."""
    obj = read_json(body, path, openai_style=True)
    marker = marker_in(body)
    kind: openai.Kind = "chat" if path == "/v1/chat/completions" else "completion"
    model = str(obj.get("model") or "")
    if kind == "chat" and not obj.get("messages"):
        raise Reject(openai.error(400, "[] is too short - 'messages'"))
    check_model(cfg, model, openai_style=True)
    native = "/api/chat" if kind == "chat" else "/api/generate"
    play = Play.of(cfg, marker, native)
    fault = play.status_answer(model, "chat" if kind == "chat" else "generate")
    if fault is not None:
        if fault.content_type == JSON_TYPE:
            fault = openai.error(fault.status, json.loads(fault.body)["error"])
        return play.at_head(fault, now)
    options = obj.get("stream_options")
    usage = isinstance(options, dict) and options.get("include_usage") is True
    if obj.get("stream") is not True:
        return play.whole(
            plan_schedule(play.rec, play.plan, ()),
            now,
            lambda lines: openai.to_completion(lines, kind, seed=play.plan.seed),
            # the native 500 {"error"} becomes an OpenAI error object
            lambda problem: openai.error(500, problem),
        )
    sse, error_line = openai.to_sse(
        play.rec, kind, cfg.layout, include_usage=usage, seed=play.plan.seed
    )
    headers = go_headers(openai.SSE_TYPE, now)
    schedule = plan_schedule(sse, play.plan, headers, error_line=error_line)
    return play.tagged(Routed(schedule))
