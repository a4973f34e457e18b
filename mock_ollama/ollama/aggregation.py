"""What Ollama answers for ``stream: false``: the streamed lines folded into one body.

Pure: standard library only (Ollama's server/routes.go, streamResponse).
"""

from __future__ import annotations

import json
from typing import Any

from mock_ollama.ollama.answers import Answer, error_answer, json_answer

_MESSAGE_ORDER = ("role", "content", "thinking", "images", "tool_calls", "tool_name")


def aggregate(lines: list[bytes], endpoint: str) -> Answer:
    """What Ollama answers for ``stream: false`` given the lines it would have streamed.

    Ollama's handlers (server/routes.go) concatenate message.content/thinking (and
    response for generate), collect all tool_calls and logprobs, and keep the final
    chunk's metrics; an error chunk gives ``c.JSON(500, {"error": msg})``.
    """
    objects = [json.loads(line) for line in lines if line.strip()]
    for obj in objects:
        if isinstance(obj, dict) and "error" in obj:
            return error_answer(500, str(obj["error"]))
    final: dict[str, Any] = dict(objects[-1])
    if endpoint == "/api/generate":
        final["response"] = "".join(o.get("response", "") for o in objects)
        thinking = "".join(o.get("thinking", "") for o in objects)
        if thinking:
            final = _insert_after(final, "response", "thinking", thinking)
        return json_answer(final)
    messages = [o.get("message", {}) for o in objects]
    merged: dict[str, Any] = dict(final.get("message", {"role": "assistant"}))
    merged["content"] = "".join(m.get("content", "") for m in messages)
    thinking = "".join(m.get("thinking", "") for m in messages)
    calls = [c for m in messages for c in m.get("tool_calls", [])]
    merged.pop("thinking", None)
    merged.pop("tool_calls", None)
    if thinking:
        merged["thinking"] = thinking
    if calls:
        merged["tool_calls"] = calls
    order = [k for k in _MESSAGE_ORDER if k in merged] + [
        k for k in merged if k not in _MESSAGE_ORDER
    ]
    final["message"] = {k: merged[k] for k in order}
    return json_answer(final)


def _insert_after(
    obj: dict[str, Any], after: str, key: str, value: Any
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in obj.items():
        if k != key:
            out[k] = v
        if k == after:
            out[key] = value
    return out
