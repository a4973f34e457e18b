"""Ollama's canned answers: tags, ps, show, version, embed, pull, errors, stream:false.

Pure: standard library only. Bodies are Go-encoded (gojson.dumps) in struct order
(reference/ollama-api.md 1.3-1.5). Times are passed in, never read from a clock.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

from mock_ollama.gojson import FieldTypes, dumps

JSON_TYPE = "application/json; charset=utf-8"
NDJSON_TYPE = "application/x-ndjson"
TEXT_TYPE = "text/plain"
DEFAULT_VERSION = "0.12.6"


@dataclass(frozen=True, slots=True)
class Answer:
    """A whole HTTP answer: status, content type (None: no header), body."""

    status: int
    content_type: str | None
    body: bytes
    extra_headers: tuple[tuple[str, str], ...] = ()


def json_answer(value: Any, status: int = 200) -> Answer:
    """gin's ``c.JSON``: Go-encoded, ``application/json; charset=utf-8``."""
    return Answer(status, JSON_TYPE, dumps(value))


def error_answer(status: int, message: str) -> Answer:
    """``{"error": message}`` with ``status`` (Ollama's error shape, 1.5)."""
    return json_answer({"error": message}, status)


def not_found_model(model: str) -> Answer:
    """404 ``model 'NAME' not found`` - NAME echoed exactly as sent (1.5)."""
    return error_answer(404, f"model '{model}' not found")


#: gin's own answers (1.5): "Unknown path: 404 text/plain, body 404 page not found";
#: "Wrong method: 405 text/plain, body 405 method not allowed, with an Allow: header".
PAGE_NOT_FOUND = Answer(404, TEXT_TYPE, b"404 page not found")


def method_not_allowed(allowed: list[str]) -> Answer:
    """gin's 405 with ``Allow`` listing the methods the path has (joined by ', ')."""
    return Answer(
        405, TEXT_TYPE, b"405 method not allowed", (("Allow", ", ".join(allowed)),)
    )


def status_answer(code: int, model: str, capability: str = "chat") -> Answer:
    """Ollama's exact answer for a ``status:CODE`` fault (1.5 errors table)."""
    table: dict[int, Answer] = {
        400: error_answer(400, f'"{model}" does not support {capability}'),
        403: Answer(403, None, b""),  # disallowed Host or Origin: empty body
        404: not_found_model(model),
        405: method_not_allowed(["POST"]),
        499: error_answer(499, "request canceled"),
        500: error_answer(500, "llama runner process has terminated: exit status 2"),
        503: error_answer(
            503, "server busy, please try again.  maximum pending requests exceeded"
        ),
    }
    if code in table:
        return table[code]
    try:
        phrase = HTTPStatus(code).phrase.lower()
    except ValueError:
        phrase = f"status {code}"
    return error_answer(code, phrase)


# --- request field types (for gojson.decode_error) ------------------------------------

_S, _B, _A, _O, _N = ("string",), ("bool",), ("array",), ("object",), ("number",)
_ANY = ("string", "bool", "array", "object", "number")
_COMMON: FieldTypes = {
    "model": ("string", _S),
    "stream": ("bool", _B),
    "format": ("json.RawMessage", _ANY),
    "options": ("map[string]interface {}", _O),
    "truncate": ("bool", _B),
    "shift": ("bool", _B),
    "logprobs": ("bool", _B),
    "top_logprobs": ("int", _N),
}
REQUEST_FIELDS: dict[str, tuple[str, FieldTypes]] = {
    "/api/chat": (
        "api.ChatRequest",
        {**_COMMON, "messages": ("[]api.Message", _A), "tools": ("api.Tools", _A)},
    ),
    "/api/generate": (
        "api.GenerateRequest",
        {
            **_COMMON,
            "prompt": ("string", _S),
            "suffix": ("string", _S),
            "system": ("string", _S),
            "template": ("string", _S),
            "context": ("[]int", _A),
            "raw": ("bool", _B),
            "images": ("[]api.ImageData", _A),
        },
    ),
    "/api/show": (
        "api.ShowRequest",
        {"model": ("string", _S), "name": ("string", _S), "verbose": ("bool", _B)},
    ),
    "/api/embed": ("api.EmbedRequest", {"model": ("string", _S), "input": ("", _ANY)}),
    "/api/pull": (
        "api.PullRequest",
        {"model": ("string", _S), "name": ("string", _S), "stream": ("bool", _B)},
    ),
}


# --- model catalogue bodies -----------------------------------------------------------


def _digest(model: str) -> str:
    return hashlib.sha256(model.encode()).hexdigest()


def _details(model: str) -> dict[str, Any]:
    family = "qwen2" if model.startswith(("qwen", "deepseek")) else "llama"
    size = model.rpartition(":")[2] if ":" in model else "7b"
    return {
        "parent_model": "",
        "format": "gguf",
        "family": family,
        "families": [family],
        "parameter_size": size.upper() if size[:1].isdigit() else "7.6B",
        "quantization_level": "Q4_K_M",
    }


def _size(model: str) -> int:
    return 1_000_000_000 + int(_digest(model)[:7], 16)


MODIFIED_AT = "2025-07-29T10:12:33.484939118+02:00"


def tags(models: list[str]) -> Answer:
    """GET /api/tags: ``{"models": [...]}`` (1.4)."""
    return json_answer(
        {
            "models": [
                {
                    "name": m,
                    "model": m,
                    "modified_at": MODIFIED_AT,
                    "size": _size(m),
                    "digest": _digest(m),
                    "details": _details(m),
                }
                for m in models
            ]
        }
    )


def ps(models: list[str], expires_at: str) -> Answer:
    """GET /api/ps: the tags keys plus expires_at, size_vram, context_length (1.4)."""
    return json_answer(
        {
            "models": [
                {
                    "name": m,
                    "model": m,
                    "size": _size(m),
                    "digest": _digest(m),
                    "details": _details(m),
                    "expires_at": expires_at,
                    "size_vram": _size(m),
                    "context_length": 4096,
                }
                for m in models
            ]
        }
    )


def show(model: str) -> Answer:
    """POST /api/show: always carries ``model_info`` (the Python client requires it)."""
    details = _details(model)
    family = details["family"]
    return json_answer(
        {
            "license": "MIT License\n\nCopyright (c) 2023 DeepSeek",
            "modelfile": f'# Modelfile generated by "ollama show"\nFROM {model}\n',
            "parameters": 'stop                           "<|im_start|>"\n'
            'stop                           "<|im_end|>"',
            "template": "{{- range .Messages }}<|im_start|>{{ .Role }}\n"
            "{{ .Content }}<|im_end|>\n{{ end }}<|im_start|>assistant\n",
            "details": details,
            "model_info": {
                "general.architecture": family,
                "general.file_type": 15,
                "general.parameter_count": _size(model) * 2,
                "general.quantization_version": 2,
                f"{family}.attention.head_count": 28,
                f"{family}.attention.head_count_kv": 4,
                f"{family}.block_count": 28,
                f"{family}.context_length": 131072,
                f"{family}.embedding_length": 3584,
                "tokenizer.ggml.model": "gpt2",
            },
            "tensors": [],
            "capabilities": ["completion", "tools"],
            "modified_at": MODIFIED_AT,
        }
    )


def version(number: str) -> Answer:
    """GET /api/version: ``{"version": "x.y.z"}``."""
    return json_answer({"version": number})


def embed(model: str, inputs: list[str]) -> Answer:
    """POST /api/embed: deterministic unit-ish vectors, one per input (1.4)."""
    vectors = []
    for text in inputs:
        seed = hashlib.sha256(text.encode()).digest()
        vectors.append([round((b - 127.5) / 1275, 6) for b in seed[:16]])
    return json_answer(
        {
            "model": model,
            "embeddings": vectors,
            "total_duration": 14_143_917,
            "load_duration": 1_019_500,
            "prompt_eval_count": sum(max(1, len(t) // 4) for t in inputs),
        }
    )


def pull_lines(model: str) -> list[bytes]:
    """The /api/pull progress stream, in Ollama's order (1.4)."""
    digest = _digest(model)
    total = _size(model)
    steps: list[dict[str, Any]] = [{"status": "pulling manifest"}]
    for done in (0, total // 2, total):
        steps.append(
            {
                "status": f"pulling {digest[:12]}",
                "digest": f"sha256:{digest}",
                "total": total,
                **({"completed": done} if done else {}),
            }
        )
    steps += [
        {"status": "verifying sha256 digest"},
        {"status": "writing manifest"},
        {"status": "removing unused layers"},
        {"status": "success"},
    ]
    return [dumps(s) + b"\n" for s in steps]


# --- stream: false --------------------------------------------------------------------

_MESSAGE_ORDER = ("role", "content", "thinking", "images", "tool_calls", "tool_name")


def aggregate(lines: list[bytes], endpoint: str) -> Answer:
    """What Ollama answers for ``stream: false`` given the lines it would have streamed.

    "the server concatenates message.content/thinking (and response for generate),
    collects all tool_calls and logprobs, and keeps the final chunk's metrics" (1.2);
    an error chunk gives ``c.JSON(500, {"error": msg})``.
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
