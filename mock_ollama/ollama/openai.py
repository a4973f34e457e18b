"""Ollama's OpenAI-compatible layer: native lines -> ``/v1`` chunks and SSE frames.

Pure: standard library only. From Ollama's ``middleware/openai.go`` and
``openai/openai.go``:

- "Each frame is ``data: <json>\\n\\n``; the last frame is ``data: [DONE]\\n\\n``. No
  event: or id: lines." A flush happens once per native response, so the frames made
  from one native line form one write group (one "line" of the derived recording).
- "From v0.32.6: role is sent only on the first chunk; a separate finish chunk with
  ``"delta":{}`` carries finish_reason (tool_calls if any were sent); with
  stream_options.include_usage, an extra chunk with ``"choices":[]`` and usage comes
  before [DONE]; one created value for the whole stream."
- "Before v0.32.6: role on every chunk; finish_reason on the last content chunk;
  created is the time each chunk was sent; the usage chunk is a copy of the last chunk
  with choices:[]."
- A native ``{"error": ...}`` line is decoded as an ordinary response: an empty delta,
  then the stream ends without [DONE] ("A mid-stream error seems to be swallowed").
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Literal

from mock_ollama.go.json import dumps
from mock_ollama.ollama.answers import Answer, json_answer
from mock_ollama.scenario.timestamps import parse_created_at

if TYPE_CHECKING:
    from mock_ollama.scenario.recording import Recording

Layout = Literal["legacy", "current"]
Kind = Literal["chat", "completion"]
NEW_LAYOUT_FROM = (0, 32, 6)
DONE_FRAME = b"data: [DONE]\n\n"
SSE_TYPE = "text/event-stream"


def layout_for(version: str) -> Layout:
    """``current`` from Ollama v0.32.6 on, ``legacy`` before."""
    parts = tuple(
        int(p) if p.isdigit() else 0 for p in version.split("-")[0].split(".")
    )
    return "current" if parts >= NEW_LAYOUT_FROM else "legacy"


@dataclass(frozen=True, slots=True)
class _Native:
    model: str
    created: int
    content: str
    reasoning: str
    tool_calls: list[dict[str, Any]]
    done: bool
    done_reason: str
    usage: dict[str, int]


def _native(obj: dict[str, Any], created: int) -> _Native:
    message = obj.get("message") or {}
    content = message.get("content", obj.get("response", "")) or ""
    stamp = obj.get("created_at")
    prompt = int(obj.get("prompt_eval_count", 0) or 0)
    completion = int(obj.get("eval_count", 0) or 0)
    return _Native(
        model=str(obj.get("model", "")),
        created=parse_created_at(stamp) // 1_000_000_000 if stamp else created,
        content=str(content),
        reasoning=str(message.get("thinking", obj.get("thinking", "")) or ""),
        tool_calls=list(message.get("tool_calls", obj.get("tool_calls", [])) or []),
        done=bool(obj.get("done", False)),
        done_reason=str(obj.get("done_reason", "") or ""),
        usage={
            "prompt_tokens": prompt,
            "completion_tokens": completion,
            "total_tokens": prompt + completion,
        },
    )


def _tool_calls(calls: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Native tool calls -> OpenAI's: ``arguments`` becomes a JSON *string*."""
    out = []
    for n, call in enumerate(calls):
        function = call.get("function", {})
        out.append(
            {
                "id": call.get("id", f"call_{n}"),
                "index": function.get("index", n),
                "type": "function",
                "function": {
                    "name": function.get("name", ""),
                    "arguments": dumps(function.get("arguments", {})).decode(),
                },
            }
        )
    return out


def _finish(n: _Native, sent_tools: bool) -> str | None:
    if not n.done:
        return None
    return "tool_calls" if sent_tools or n.tool_calls else (n.done_reason or "stop")


@dataclass(slots=True)
class _Converter:
    kind: Kind
    layout: Layout
    include_usage: bool
    ident: str
    first: bool = True
    sent_tools: bool = False
    stream_created: int | None = None

    def head(self, n: _Native) -> dict[str, Any]:
        if self.stream_created is None:
            self.stream_created = n.created
        created = n.created if self.layout == "legacy" else self.stream_created
        obj = "chat.completion.chunk" if self.kind == "chat" else "text_completion"
        return {
            "id": self.ident,
            "object": obj,
            "created": created,
            "model": n.model,
            "system_fingerprint": "fp_ollama",
        }

    def choice(
        self, n: _Native, finish: str | None, empty: bool = False
    ) -> dict[str, Any]:
        if self.kind == "completion":
            return {
                "text": "" if empty else n.content,
                "index": 0,
                "finish_reason": finish,
            }
        delta: dict[str, Any] = {}
        if not empty:
            if self.layout == "legacy" or self.first:
                delta["role"] = "assistant"
            if (
                n.content
                or self.layout == "legacy"
                or not (n.reasoning or n.tool_calls)
            ):
                delta["content"] = n.content
            if n.reasoning:
                delta["reasoning"] = n.reasoning
            if n.tool_calls:
                delta["tool_calls"] = _tool_calls(n.tool_calls)
                self.sent_tools = True
            self.first = False
        return {"index": 0, "delta": delta, "finish_reason": finish}

    def frames(self, n: _Native) -> bytes:
        chunks: list[dict[str, Any]] = []
        if self.layout == "legacy":
            chunks.append(
                {
                    **self.head(n),
                    "choices": [self.choice(n, _finish(n, self.sent_tools))],
                }
            )
            last = chunks[-1]
            if n.done and self.include_usage:
                chunks.append({**last, "choices": [], "usage": n.usage})
        else:
            if not n.done or n.content or n.reasoning or n.tool_calls:
                chunks.append({**self.head(n), "choices": [self.choice(n, None)]})
            if n.done:
                finish = _finish(n, self.sent_tools)
                chunks.append(
                    {**self.head(n), "choices": [self.choice(n, finish, empty=True)]}
                )
                if self.include_usage:
                    chunks.append({**self.head(n), "choices": [], "usage": n.usage})
        frames = b"".join(b"data: " + dumps(c) + b"\n\n" for c in chunks)
        return frames + (DONE_FRAME if n.done else b"")


def _ident(kind: Kind, seed: int) -> str:
    # "The id is rand.Intn(999), so ids collide."
    number = random.Random(seed).randrange(999)
    return f"chatcmpl-{number}" if kind == "chat" else f"cmpl-{number}"


def to_sse(
    rec: Recording,
    kind: Kind,
    layout: Layout,
    *,
    include_usage: bool = False,
    seed: int = 0,
) -> tuple[Recording, bytes]:
    """A recording whose lines are SSE frame groups, and the error-at line."""
    conv = _Converter(kind, layout, include_usage, _ident(kind, seed))
    groups, created = [], 0
    for line in rec.lines:
        native = _native(json.loads(line), created)
        created = native.created
        groups.append(conv.frames(native))
    error = conv.frames(
        _native(
            {"error": "x", "model": _native(json.loads(rec.lines[0]), 0).model}, created
        )
    )
    derived = replace(rec, lines=tuple(groups), headers=(("Content-Type", SSE_TYPE),))
    return derived, error


def to_completion(lines: list[bytes], kind: Kind, *, seed: int = 0) -> Answer:
    """The non-streamed ``chat.completion`` / ``text_completion`` object."""
    natives, created = [], 0
    for line in lines:
        n = _native(json.loads(line), created)
        created = n.created
        natives.append(n)
    last = natives[-1]
    content = "".join(n.content for n in natives)
    reasoning = "".join(n.reasoning for n in natives)
    calls = [c for n in natives for c in n.tool_calls]
    finish = "tool_calls" if calls else (last.done_reason or "stop")
    head = {
        "id": _ident(kind, seed),
        "object": "chat.completion" if kind == "chat" else "text_completion",
        "created": last.created,
        "model": last.model,
        "system_fingerprint": "fp_ollama",
    }
    if kind == "completion":
        choice: dict[str, Any] = {"text": content, "index": 0, "finish_reason": finish}
    else:
        message: dict[str, Any] = {"role": "assistant", "content": content}
        if reasoning:
            message["reasoning"] = reasoning
        if calls:
            message["tool_calls"] = _tool_calls(calls)
        choice = {"index": 0, "message": message, "finish_reason": finish}
    return json_answer({**head, "choices": [choice], "usage": last.usage})


def error(status: int, message: str) -> Answer:
    """``{"error": {"message", "type", "param": null, "code": null}}``
    (Ollama's openai/openai.go)."""
    kind = {400: "invalid_request_error", 404: "not_found_error"}.get(
        status, "api_error"
    )
    body = {"error": {"message": message, "type": kind, "param": None, "code": None}}
    return json_answer(body, status)


def models(names: list[str], created: int) -> Answer:
    """GET /v1/models: ``"data": null`` when there are no models (middleware test)."""
    data = [
        {"id": m, "object": "model", "created": created, "owned_by": "library"}
        for m in names
    ]
    return json_answer({"object": "list", "data": data or None})


def model(name: str, created: int) -> Answer:
    """GET /v1/models/:model."""
    return json_answer(
        {"id": name, "object": "model", "created": created, "owned_by": "library"}
    )
