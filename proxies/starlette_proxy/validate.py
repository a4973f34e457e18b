"""Request admission for ``POST /api/v1/complete`` (pure: strings and bytes in).

Rejections are decided before anything is sent upstream; each carries the status,
the extra headers and the one-line message of a JSON error body (RFC 9457 spirit).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

ACCEPTED_TYPE = "application/json"
MAX_BODY_BYTES = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Completion:
    prompt: str
    model: str | None


@dataclass(frozen=True, slots=True)
class Rejection:
    status: int
    message: str
    headers: tuple[tuple[str, str], ...] = ()


def check_method(method: str) -> Rejection | None:
    # RFC 9110 15.5.6: "The origin server MUST generate an Allow header field in a 405".
    if method == "POST":
        return None
    return Rejection(405, f"method {method} not allowed", (("Allow", "POST"),))


def from_query(query: dict[str, str]) -> Completion | Rejection:
    """``GET /api/v1/complete?prompt=…[&model=…]`` (the browser's EventSource can only
    GET). The target URI includes the query (RFC 9110 7.1): without ``prompt`` the
    route stays POST-only, so that GET keeps its 405."""
    prompt = query.get("prompt")
    if prompt is None:
        return Rejection(
            405, "method GET not allowed without ?prompt=", (("Allow", "POST"),)
        )
    return Completion(prompt, query.get("model") or None)


def media_type(value: str) -> str:
    """``Application/JSON; charset=utf-8`` -> ``application/json`` (RFC 9110 8.3.1)."""
    return value.split(";", 1)[0].strip().lower()


def check_content_type(value: str | None) -> Rejection | None:
    # RFC 9110 15.5.16: 415 when "the content is in a format not supported"; W3C LDP
    # 7.1.2 / the seed issue: say what is accepted in Accept-Post.
    if value is not None and media_type(value) == ACCEPTED_TYPE:
        return None
    problem = "missing Content-Type" if value is None else f"Content-Type {value!r}"
    return Rejection(
        415,
        f"{problem}: send {ACCEPTED_TYPE}",
        (("Accept-Post", ACCEPTED_TYPE),),
    )


def _quality(params: list[str]) -> float:
    for param in params:
        name, _, value = param.partition("=")
        if name.strip().lower() == "q":
            try:
                return float(value.strip())
            except ValueError:
                return 0.0
    return 1.0


def accepts_event_stream(value: str | None) -> bool:
    """Whether ``Accept`` allows ``text/event-stream`` (RFC 9110 12.5.1): the most
    specific matching range decides, and ``q=0`` means "not acceptable"."""
    if value is None or not value.strip():
        return True
    best: tuple[int, float] | None = None  # (specificity, quality)
    for item in value.split(","):
        range_, *params = item.split(";")
        specificity = {"*/*": 0, "text/*": 1, "text/event-stream": 2}.get(
            range_.strip().lower()
        )
        if specificity is not None and (best is None or specificity > best[0]):
            best = (specificity, _quality(params))
    return best is not None and best[1] > 0


def check_accept(value: str | None) -> Rejection | None:
    if accepts_event_stream(value):
        return None
    return Rejection(406, f"Accept {value!r} does not allow text/event-stream")


def parse_body(body: bytes) -> Completion | Rejection:
    """``{"prompt": str, "model"?: str}``; anything else is a 400."""
    if len(body) > MAX_BODY_BYTES:
        return Rejection(413, f"request body larger than {MAX_BODY_BYTES} bytes")
    try:
        value = json.loads(body)
    except ValueError as exc:
        return Rejection(400, f"request body is not valid JSON: {exc}")
    if not isinstance(value, dict):
        return Rejection(400, "request body must be a JSON object")
    prompt = value.get("prompt")
    if not isinstance(prompt, str):
        return Rejection(400, 'request body needs "prompt" as a string')
    model = value.get("model")
    if model is not None and not isinstance(model, str):
        return Rejection(400, '"model" must be a string when given')
    return Completion(prompt, model)
