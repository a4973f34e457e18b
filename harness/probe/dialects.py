"""How the harness talks to a proxy and reads tokens back (README.md, ``--dialect``).

A dialect builds the request body for a prompt and classifies each dispatched SSE
event into readings: a token, the completion, an error, or something else.
"""

from __future__ import annotations

import enum
import importlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from harness.errors import UsageError
from harness.probe.catalog import DEFAULT_MODEL
from harness.sse import Event


class Kind(enum.Enum):
    TOKEN = "token"
    DONE = "done"
    ERROR = "error"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class Reading:
    kind: Kind
    text: str = ""


Classifier = Callable[[Event], list[Reading]]

#: the built-in dialects, by the name users give to --dialect
DIALECTS = ("token-json", "openai", "ollama")
#: older names still accepted
ALIASES = {"seed": "token-json"}
DEFAULT = "token-json"


@dataclass(frozen=True, slots=True)
class Dialect:
    name: str
    #: builds the JSON request body for a prompt (and an optional model name)
    body: Callable[[str, str | None], dict[str, Any]]
    classify: Classifier


def _json(data: str) -> Any:
    try:
        return json.loads(data)
    except ValueError:
        return None


def _error_text(value: Any) -> str:
    if isinstance(value, dict):
        return str(value.get("message") or json.dumps(value))
    return str(value)


def _object(event: Event) -> dict[str, Any] | list[Reading]:
    """The event's JSON object; or, for an error event or an ``error`` key, the
    error's reading, and for data that is not a JSON object, an OTHER reading."""
    obj = _json(event.data)
    if event.type == "error" or (isinstance(obj, dict) and "error" in obj):
        return [
            Reading(
                Kind.ERROR,
                _error_text(obj.get("error") if isinstance(obj, dict) else event.data),
            )
        ]
    if not isinstance(obj, dict):
        return [Reading(Kind.OTHER, "data is not a JSON object")]
    return obj


def _token_json(token_key: str, done_key: str) -> Classifier:
    """``data: {"token": …}`` per token, ``data: {"finished": true}`` at the end."""

    def classify(event: Event) -> list[Reading]:
        obj = _object(event)
        if isinstance(obj, list):
            return obj
        readings = []
        token = obj.get(token_key)
        if isinstance(token, str):
            readings.append(Reading(Kind.TOKEN, token))
        if obj.get(done_key):
            readings.append(Reading(Kind.DONE))
        return readings or [
            Reading(Kind.OTHER, f"no {token_key!r} or {done_key!r} key")
        ]

    return classify


def _openai(event: Event) -> list[Reading]:
    """OpenAI chat-completions chunks; completion is ``data: [DONE]``."""
    if event.data.strip() == "[DONE]":
        return [Reading(Kind.DONE)]
    obj = _object(event)
    if isinstance(obj, list):
        return obj
    choices = obj.get("choices")
    if isinstance(choices, list) and choices and isinstance(choices[0], dict):
        delta = choices[0].get("delta") or {}
        content = delta.get("content") if isinstance(delta, dict) else None
        if isinstance(content, str) and content:
            return [Reading(Kind.TOKEN, content)]
    return [Reading(Kind.OTHER, "chunk without delta.content")]


def _ollama(event: Event) -> list[Reading]:
    """SSE whose data is the Ollama chunk itself (ollama PR #11589)."""
    obj = _object(event)
    if isinstance(obj, list):
        return obj
    readings = []
    message = obj.get("message")
    content = (
        message.get("content") if isinstance(message, dict) else obj.get("response")
    )
    if isinstance(content, str) and content:
        readings.append(Reading(Kind.TOKEN, content))
    if obj.get("done") is True:
        readings.append(Reading(Kind.DONE))
    return readings or [Reading(Kind.OTHER, "chunk without content")]


def _prompt_body(prompt: str, model: str | None) -> dict[str, Any]:
    return {"prompt": prompt, **({"model": model} if model else {})}


def _chat_body(prompt: str, model: str | None) -> dict[str, Any]:
    return {
        "model": model or DEFAULT_MODEL,
        "messages": [{"role": "user", "content": prompt}],
        "stream": True,
    }


def _custom(spec: str) -> Classifier:
    module_name, _, attr = spec.partition(":")
    if not module_name or not attr:
        raise UsageError(
            f"--dialect {spec!r}: expected token-json, openai, ollama or module:function"
        )
    try:
        target = getattr(importlib.import_module(module_name), attr)
    except (ImportError, AttributeError) as exc:
        raise UsageError(f"--dialect {spec!r}: cannot load it ({exc})") from None
    except Exception as exc:  # the module itself raised while importing
        why = f"{type(exc).__name__}: {exc}"
        raise UsageError(f"--dialect {spec!r}: cannot load it ({why})") from None
    if not callable(target):
        raise UsageError(f"--dialect {spec!r}: {attr} is not a function")

    def classify(event: Event) -> list[Reading]:
        produced: Iterable[Any] = target(event) or ()
        readings = []
        for item in produced:
            if isinstance(item, Reading):
                readings.append(item)
            else:
                kind, text = item
                readings.append(Reading(Kind(kind), text or ""))
        return readings

    return classify


def make_dialect(
    name: str, *, token_key: str = "token", done_key: str = "finished"
) -> Dialect:
    """The dialect called ``name``: token-json, openai, ollama, or ``module:function``.

    ``seed`` is an alias of ``token-json`` (its first name); the dialect keeps the
    canonical name.
    """
    name = ALIASES.get(name, name)
    table: dict[str, tuple[Callable[[str, str | None], dict[str, Any]], Classifier]] = {
        "token-json": (_prompt_body, _token_json(token_key, done_key)),
        "openai": (_chat_body, _openai),
        "ollama": (_chat_body, _ollama),
    }
    if name in table:
        body, classify = table[name]
        return Dialect(name, body, classify)
    return Dialect(name, _prompt_body, _custom(name))
