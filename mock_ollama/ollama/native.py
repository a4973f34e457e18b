"""Ollama's native endpoints: ``/api/chat``, ``/api/generate``, pull, show, embed.

Pure: standard library only; the current time comes in as a ``Now``. Each handler
turns request bytes into a Routed answer (Ollama's server/routes.go and
api/types.go); the steps they share (binding, marker, model check, planning) are
``mock_ollama.ollama.steps``.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from mock_ollama.ollama import models
from mock_ollama.ollama.aggregation import aggregate
from mock_ollama.ollama.answers import (
    NDJSON_TYPE,
    error_answer,
    json_answer,
)
from mock_ollama.ollama.config import request_policies
from mock_ollama.ollama.steps import (
    Play,
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
    silent,
)
from mock_ollama.scenario.recording import recording_from_bytes

if TYPE_CHECKING:
    from mock_ollama.ollama.answers import Answer
    from mock_ollama.ollama.config import MockConfig
    from mock_ollama.ollama.steps import Now


def native_stream(cfg: MockConfig, path: str, body: bytes, now: Now) -> Routed:
    """POST /api/chat and /api/generate."""
    obj = read_json(body, path)
    marker = marker_in(body)
    model = obj.get("model") or ""
    check_model(cfg, model)
    empty = not obj.get("messages") if path == "/api/chat" else not obj.get("prompt")
    if empty and marker is None:
        return answer(_load_answer(path, model, now), now)
    play = Play.of(cfg, marker, path)
    rec = play.rec
    fault = play.status_answer(model, "chat" if path == "/api/chat" else "generate")
    if fault is not None:
        return play.at_head(fault, now)
    headers = rec.headers or (("Content-Type", NDJSON_TYPE),)
    content_type = dict(headers)["Content-Type"]
    schedule = plan_schedule(rec, play.plan, go_headers(content_type, now))
    if obj.get("stream") is False:
        return play.whole(
            schedule,
            now,
            lambda lines: aggregate(lines, rec.endpoint),
            # "c.JSON(500, {"error": msg})" (reference 1.2)
            lambda problem: error_answer(500, problem),
        )
    return play.tagged(Routed(schedule))


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
    return json_answer(body)


def pull(cfg: MockConfig, path: str, body: bytes, now: Now) -> Routed:
    """POST /api/pull: the progress stream (an unknown model fails after line one)."""
    obj = read_json(body, path)
    marker = marker_in(body)
    model = str(obj.get("model") or obj.get("name") or "")
    lines = models.pull_lines(model)
    if not (cfg.any_model or model in cfg.known_models()):
        lines = [lines[0], b'{"error":"pull model manifest: file does not exist"}\n']
    offsets = [i * 50 for i in range(len(lines))]
    rec = recording_from_bytes("pull", b"".join(lines), **{"offsets-ms": offsets})
    plan = request_policies(cfg, rec, marker)
    schedule = plan_schedule(rec, plan, go_headers(NDJSON_TYPE, now))
    if obj.get("stream") is False:
        # Ollama's waitForStream: the final progress object, or 500 with the error.
        # Faults that never end or break a line are answered as Ollama would see them.
        req = marker.req if marker else None
        if schedule.end == "stall":
            return silent(rec, req)
        shown = emitted(schedule)
        problem = error_in(shown) if schedule.end == "complete" else "unexpected EOF"
        if problem is not None or not shown:
            text = problem or "unexpected EOF"
            return answer(json_answer({"error": text}, 500), now, finish_at(schedule))
        return answer(json_answer(json.loads(shown[-1]), 200), now, finish_at(schedule))
    return Routed(schedule, None, marker.req if marker else None)


def show(cfg: MockConfig, path: str, body: bytes, now: Now) -> Routed:
    """POST /api/show."""
    obj = read_json(body, path)
    model = str(obj.get("model") or obj.get("name") or "")
    check_model(cfg, model)
    return answer(models.show(model), now)


def embed(cfg: MockConfig, path: str, body: bytes, now: Now) -> Routed:
    """POST /api/embed (and the legacy /api/embeddings)."""
    obj = read_json(body, "/api/embed")
    model = str(obj.get("model") or "")
    check_model(cfg, model)
    given = obj.get("input", obj.get("prompt", ""))
    inputs = [str(x) for x in given] if isinstance(given, list) else [str(given)]
    a = models.embed(model, inputs)
    if path == "/api/embeddings":
        vector = json.loads(a.body)["embeddings"][0]
        a = json_answer({"embedding": vector})
    return answer(a, now)
