"""What each Ollama endpoint answers: request bytes -> a Schedule to play.

Pure: standard library only; the current time comes in as a ``Now``. Error order
follows Ollama's handlers (reference/ollama-api.md 1.5): JSON binding (400), then the
routing marker (400 ``mock marker: ...``), then the model (404), then the answer.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from mock_ollama import openai, responses
from mock_ollama.catalog import resolve
from mock_ollama.config import MockConfig, Plan, plan_for
from mock_ollama.errors import MarkerError, PolicyError, ScenarioError
from mock_ollama.gojson import decode_error
from mock_ollama.marker import Marker, find_marker
from mock_ollama.recording import Recording, recording_from_bytes, repeated
from mock_ollama.schedule import (
    NATIVE_ERROR_LINE,
    Schedule,
    Write,
    build_schedule,
    status_fault,
)

if TYPE_CHECKING:
    from mock_ollama.responses import Answer

#: "net/http sets Content-Length itself only when the whole body fits its 2048-byte
#: buffer"; larger c.JSON bodies go out chunked, as one chunk.
GO_BUFFER = 2048


@dataclass(frozen=True, slots=True)
class Now:
    """The current time, rendered the ways the answers need it."""

    http_date: str  # Date header: "Wed, 30 Jul 2025 09:45:03 GMT"
    rfc3339: str  # created_at of canned answers
    unix: int


@dataclass(frozen=True, slots=True)
class Outcome:
    """The schedule to play and what the exchange log should say about it."""

    schedule: Schedule
    scenario: str | None = None
    req: str | None = None


def go_headers(
    content_type: str | None,
    now: Now,
    *,
    extra: tuple[tuple[str, str], ...] = (),
    length: int | None = None,
) -> tuple[tuple[str, str], ...]:
    """Go's header order: the handler's map sorted by key, then Date, Content-Length."""
    own = [("Content-Type", content_type)] if content_type is not None else []
    tail = [("Content-Length", str(length))] if length is not None else []
    return (*sorted([*own, *extra]), ("Date", now.http_date), *tail)


def answer(a: Answer, now: Now, at_ns: int = 0) -> Outcome:
    """A whole answer sent at ``at_ns``: Content-Length when it fits Go's buffer."""
    length = len(a.body) if len(a.body) <= GO_BUFFER else None
    headers = go_headers(a.content_type, now, extra=a.extra_headers, length=length)
    writes = (Write(at_ns, a.body, 0, 0),) if a.body else ()
    return Outcome(Schedule(a.status, headers, at_ns, writes, (), "complete"))


# --- request reading ------------------------------------------------------------------


class Reject(Exception):
    """The request is answered with ``answer`` right away."""

    def __init__(self, answer: Answer) -> None:
        super().__init__(answer.status)
        self.answer = answer


def read_json(body: bytes, path: str, *, openai_style: bool = False) -> dict[str, Any]:
    """Bind the body like gin's ShouldBindJSON into the endpoint's request struct."""
    struct, fields = responses.REQUEST_FIELDS.get(path, ("api.Request", {}))
    if openai_style:
        struct = (
            "openai.ChatCompletionRequest"
            if "chat" in path
            else "openai.CompletionRequest"
        )
        fields = {"model": ("string", ("string",)), "stream": ("bool", ("bool",))}
    problem = decode_error(body, struct, fields)
    if problem is not None:
        if openai_style:
            raise Reject(
                openai.error(
                    400, "EOF" if problem == "missing request body" else problem
                )
            )
        raise Reject(responses.error_answer(400, problem))
    try:
        value = json.loads(body.decode("utf-8", "replace"))
    except ValueError:  # valid for Go: one value then trailing bytes
        value = json.JSONDecoder().raw_decode(body.decode("utf-8", "replace").lstrip())[
            0
        ]
    return value if isinstance(value, dict) else {}


def _marker(body: bytes) -> Marker | None:
    try:
        return find_marker(body)
    except MarkerError as exc:
        raise Reject(responses.error_answer(400, f"mock marker: {exc}")) from None


def check_model(cfg: MockConfig, model: str, *, openai_style: bool = False) -> None:
    """404 ``model 'NAME' not found`` unless the model is known (or --any-model)."""
    if cfg.any_model and model:
        return
    if model not in cfg.known_models():
        message = f"model '{model}' not found"
        raise Reject(
            openai.error(404, message)
            if openai_style
            else responses.not_found_model(model)
        )


def _scenario(cfg: MockConfig, marker: Marker | None, endpoint: str) -> Recording:
    name = marker.scenario if marker and marker.scenario else cfg.defaults.get(endpoint)
    if name is None:
        name = cfg.defaults["/api/chat"]
    try:
        rec = resolve(name, cfg.scenarios)
    except ScenarioError as exc:
        raise Reject(responses.error_answer(400, f"mock marker: {exc}")) from None
    if marker is not None and marker.repeat:
        rec = _repeated(rec, marker.repeat)
    return rec


@functools.lru_cache(maxsize=32)
def _repeated(rec: Recording, times: int) -> Recording:
    return repeated(rec, times)


def _schedule(
    rec: Recording, plan: Plan, headers: tuple[tuple[str, str], ...], **kw: Any
) -> Schedule:
    try:
        planned = _plan_writes(rec, plan, kw.get("error_line", NATIVE_ERROR_LINE))
    except PolicyError as exc:
        raise Reject(responses.error_answer(400, f"mock marker: {exc}")) from None
    return replace(planned, headers=headers)


@functools.lru_cache(maxsize=256)
def _plan_writes(rec: Recording, plan: Plan, error_line: bytes) -> Schedule:
    """build_schedule, memoised: many streams of one scenario share their plan."""
    return build_schedule(
        rec,
        plan.timing,
        plan.fragment,
        plan.faults,
        seed=plan.seed,
        gap_ns=plan.gap_ns,
        header_delay_ns=plan.header_delay_ns,
        error_line=error_line,
    )


def _emitted(schedule: Schedule) -> list[bytes]:
    body = schedule.body
    return [body[s.offset : s.offset + s.size] for s in schedule.lines]


def _finish_at(schedule: Schedule) -> int:
    return schedule.writes[-1].at_ns if schedule.writes else schedule.head_at_ns or 0


def _silent(rec: Recording, req: str | None) -> Outcome:
    """A stall that never ends, for stream: false (nothing is ever sent)."""
    return _tag(Outcome(Schedule(200, (), None, (), (), "stall")), rec, req)


def _error_in(lines: list[bytes]) -> str | None:
    """The text of the first line that is an error or not JSON at all."""
    for line in lines:
        try:
            obj = json.loads(line)
        except ValueError:
            return str(json.loads(NATIVE_ERROR_LINE)["error"])
        if isinstance(obj, dict) and "error" in obj:
            return str(obj["error"])
    return None


# --- native endpoints -----------------------------------------------------------------


def native_stream(cfg: MockConfig, path: str, body: bytes, now: Now) -> Outcome:
    """POST /api/chat and /api/generate."""
    obj = read_json(body, path)
    marker = _marker(body)
    model = obj.get("model") or ""
    check_model(cfg, model)
    req = marker.req if marker else None
    empty = not obj.get("messages") if path == "/api/chat" else not obj.get("prompt")
    if empty and marker is None:
        return answer(_load_answer(path, model, now), now)
    rec = _scenario(cfg, marker, path)
    plan = plan_for(cfg, rec, marker)
    fault = status_fault(plan.faults)
    capability = "chat" if path == "/api/chat" else "generate"
    if fault is not None:
        a = responses.status_answer(fault.at, model, capability)
        return _tag(answer(a, now, plan.header_delay_ns), rec, req)
    headers = rec.headers or (("Content-Type", responses.NDJSON_TYPE),)
    schedule = _schedule(rec, plan, go_headers(dict(headers)["Content-Type"], now))
    if obj.get("stream") is False:
        if schedule.end == "stall":
            return _silent(rec, req)
        a = _aggregate(_emitted(schedule), rec.endpoint)
        return _tag(answer(a, now, _finish_at(schedule)), rec, req)
    return _tag(Outcome(schedule), rec, req)


def _tag(o: Outcome, rec: Recording, req: str | None) -> Outcome:
    return Outcome(o.schedule, rec.name, req)


def _aggregate(lines: list[bytes], endpoint: str) -> Answer:
    problem = _error_in(lines)
    if problem is not None:  # "c.JSON(500, {"error": msg})" (reference 1.2)
        return responses.error_answer(500, problem)
    return responses.aggregate(lines, endpoint)


def _load_answer(path: str, model: str, now: Now) -> Answer:
    if path == "/api/chat":
        body: dict[str, Any] = {
            "model": model,
            "created_at": now.rfc3339,
            "message": {"role": "assistant", "content": ""},
            "done_reason": "load",
            "done": True,
        }
    else:
        body = {"model": model, "created_at": now.rfc3339, "response": "", "done": True}
        body["done_reason"] = "load"
    return responses.json_answer(body)


def pull(cfg: MockConfig, path: str, body: bytes, now: Now) -> Outcome:
    """POST /api/pull: the progress stream (an unknown model fails after line one)."""
    obj = read_json(body, path)
    marker = _marker(body)
    model = str(obj.get("model") or obj.get("name") or "")
    lines = responses.pull_lines(model)
    if not (cfg.any_model or model in cfg.known_models()):
        lines = [lines[0], b'{"error":"pull model manifest: file does not exist"}\n']
    offsets = [i * 50 for i in range(len(lines))]
    rec = recording_from_bytes("pull", b"".join(lines), **{"offsets-ms": offsets})
    plan = plan_for(cfg, rec, marker)
    schedule = _schedule(rec, plan, go_headers(responses.NDJSON_TYPE, now))
    if obj.get("stream") is False:
        final = json.loads(_emitted(schedule)[-1])
        status = 500 if "error" in final else 200
        return answer(responses.json_answer(final, status), now, _finish_at(schedule))
    return Outcome(schedule, None, marker.req if marker else None)


def show(cfg: MockConfig, path: str, body: bytes, now: Now) -> Outcome:
    """POST /api/show."""
    obj = read_json(body, path)
    model = str(obj.get("model") or obj.get("name") or "")
    check_model(cfg, model)
    return answer(responses.show(model), now)


def embed(cfg: MockConfig, path: str, body: bytes, now: Now) -> Outcome:
    """POST /api/embed (and the legacy /api/embeddings)."""
    obj = read_json(body, "/api/embed")
    model = str(obj.get("model") or "")
    check_model(cfg, model)
    given = obj.get("input", obj.get("prompt", ""))
    inputs = [str(x) for x in given] if isinstance(given, list) else [str(given)]
    a = responses.embed(model, inputs)
    if path == "/api/embeddings":
        vector = json.loads(a.body)["embeddings"][0]
        a = responses.json_answer({"embedding": vector})
    return answer(a, now)


# --- OpenAI-compatible endpoints ------------------------------------------------------


def openai_stream(cfg: MockConfig, path: str, body: bytes, now: Now) -> Outcome:
    """POST /v1/chat/completions and /v1/completions."""
    obj = read_json(body, path, openai_style=True)
    marker = _marker(body)
    kind: openai.Kind = "chat" if path == "/v1/chat/completions" else "completion"
    model = str(obj.get("model") or "")
    if kind == "chat" and not obj.get("messages"):
        raise Reject(openai.error(400, "[] is too short - 'messages'"))
    check_model(cfg, model, openai_style=True)
    native = "/api/chat" if kind == "chat" else "/api/generate"
    rec = _scenario(cfg, marker, native)
    plan = plan_for(cfg, rec, marker)
    req = marker.req if marker else None
    fault = status_fault(plan.faults)
    if fault is not None:
        a = responses.status_answer(
            fault.at, model, "chat" if kind == "chat" else "generate"
        )
        if a.content_type == responses.JSON_TYPE:
            a = openai.error(fault.at, json.loads(a.body)["error"])
        return _tag(answer(a, now, plan.header_delay_ns), rec, req)
    options = obj.get("stream_options")
    usage = isinstance(options, dict) and options.get("include_usage") is True
    if obj.get("stream") is not True:
        schedule = _schedule(rec, plan, ())
        if schedule.end == "stall":
            return _silent(rec, req)
        lines = _emitted(schedule)
        problem = _error_in(lines)
        if problem is None:
            a = openai.to_completion(lines, kind, seed=plan.seed)
        else:  # the native 500 {"error"} becomes an OpenAI error object
            a = openai.error(500, problem)
        return _tag(answer(a, now, _finish_at(schedule)), rec, req)
    sse, error_line = openai.to_sse(
        rec, kind, cfg.layout, include_usage=usage, seed=plan.seed
    )
    headers = go_headers(openai.SSE_TYPE, now)
    return _tag(Outcome(_schedule(sse, plan, headers, error_line=error_line)), rec, req)
