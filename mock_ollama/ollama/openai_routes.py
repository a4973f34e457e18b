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
from mock_ollama.ollama.answers import JSON_TYPE, status_answer
from mock_ollama.ollama.config import request_policies
from mock_ollama.ollama.steps import (
    Reject,
    Routed,
    answer,
    check_model,
    emitted,
    error_in,
    finish_at,
    go_headers,
    marker_in,
    plan_schedule,
    read_json,
    scenario_for,
    silent,
    tagged,
)
from mock_ollama.replay.schedule import status_fault

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
    rec = scenario_for(cfg, marker, native)
    plan = request_policies(cfg, rec, marker)
    req = marker.req if marker else None
    fault = status_fault(plan.faults)
    if fault is not None:
        a = status_answer(fault.at, model, "chat" if kind == "chat" else "generate")
        if a.content_type == JSON_TYPE:
            a = openai.error(fault.at, json.loads(a.body)["error"])
        return tagged(answer(a, now, plan.header_delay_ns), rec, req)
    options = obj.get("stream_options")
    usage = isinstance(options, dict) and options.get("include_usage") is True
    if obj.get("stream") is not True:
        schedule = plan_schedule(rec, plan, ())
        if schedule.end == "stall":
            return silent(rec, req)
        lines = emitted(schedule)
        problem = error_in(lines)
        if problem is None:
            a = openai.to_completion(lines, kind, seed=plan.seed)
        else:  # the native 500 {"error"} becomes an OpenAI error object
            a = openai.error(500, problem)
        return tagged(answer(a, now, finish_at(schedule)), rec, req)
    sse, error_line = openai.to_sse(
        rec, kind, cfg.layout, include_usage=usage, seed=plan.seed
    )
    headers = go_headers(openai.SSE_TYPE, now)
    schedule = plan_schedule(sse, plan, headers, error_line=error_line)
    return tagged(Routed(schedule), rec, req)
