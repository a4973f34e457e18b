"""The top-level fields of Ollama's request structs, for ``go.decode.decode_error``.

Pure: standard library only. Go type names and the JSON kinds each accepts, by JSON
key, per endpoint (``api.ChatRequest`` etc. in Ollama's api/types.go).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mock_ollama.go.decode import FieldTypes

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
