"""What-if upstream modes: how Ollama would answer if a proposal landed (pure).

``mock-ollama serve --upstream-mode MODE`` (opt-in; the default is Ollama as it is):

- ``ollama``: NDJSON whatever ``Accept`` says (what Ollama really does; ollama#4788).
- ``sse-on-accept``: when ``text/event-stream`` is the *first* media type in
  ``Accept`` (ollama PR #11589), each NDJSON line ``L`` goes out as ``data: L`` and a
  blank line, with ``Content-Type: text/event-stream``; same timing, same writes.
- ``reject-415``: the issue's last comment: an ``Accept`` that rules out NDJSON (and
  JSON, which Ollama's own clients ask for) gets 415 with
  ``Accept-Post: application/x-ndjson``.
- ``reject-406``: the same request gets RFC 9110's 406 (Not Acceptable), which is what
  an ``Accept`` the server cannot serve calls for (§15.5.7).

Only the streaming routes (``POST /api/chat``, ``/api/generate``) are affected.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from mock_ollama.ollama.answers import NDJSON_TYPE, json_answer
from mock_ollama.ollama.steps import Now, Routed, answer

if TYPE_CHECKING:
    from mock_ollama.replay.schedule import Schedule

__all__ = ["MODES", "SSE_TYPE", "apply", "decide"]

MODES = ("ollama", "sse-on-accept", "reject-415", "reject-406")
SSE_TYPE = "text/event-stream"
STREAM_PATHS = frozenset({"/api/chat", "/api/generate"})
#: ranges a request may name and still get Ollama's stream (RFC 9110 12.5.1):
#: application/json too, because Ollama's own clients (ollama-python, ollama-js) send
#: ``Accept: application/json`` — a rule allowing only NDJSON would reject them
NDJSON_RANGES = frozenset({"*/*", "application/*", NDJSON_TYPE, "application/json"})


def _ranges(accept: str | None) -> list[tuple[str, float]]:
    found = []
    for item in (accept or "").split(","):
        range_, *params = item.split(";")
        q = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value.strip())
                except ValueError:
                    q = 0.0
        if range_.strip():
            found.append((range_.strip().lower(), q))
    return found


def ndjson_acceptable(accept: str | None) -> bool:
    """No Accept, or one that allows NDJSON with q > 0."""
    ranges = _ranges(accept)
    return not ranges or any(r in NDJSON_RANGES and q > 0 for r, q in ranges)


def decide(mode: str, method: str, path: str, accept: str | None) -> str:
    """``as-is``, ``sse`` or ``reject`` for this request under ``mode``."""
    if mode == "ollama" or method != "POST" or path not in STREAM_PATHS:
        return "as-is"
    if mode == "sse-on-accept":
        ranges = _ranges(accept)
        return "sse" if ranges and ranges[0][0] == SSE_TYPE else "as-is"
    return "as-is" if ndjson_acceptable(accept) else "reject"


def _sse(schedule: Schedule) -> Schedule:
    """Each line ``L\\n`` becomes ``data: L\\n\\n``; the writes keep their times
    (a line cut across writes gets its prefix in the write where it starts)."""
    at_start = True
    writes = []
    for w in schedule.writes:
        out = bytearray()
        for i, piece in enumerate(w.data.split(b"\n")):
            if i > 0:
                out += b"\n\n"
                at_start = True
            if piece:
                out += (b"data: " if at_start else b"") + piece
                at_start = False
        writes.append(replace(w, data=bytes(out)))
    headers = tuple(
        (k, SSE_TYPE) if k.lower() == "content-type" else (k, v)
        for k, v in schedule.headers
    )
    return replace(schedule, headers=headers, writes=tuple(writes))


def apply(
    mode: str, method: str, path: str, accept: str | None, outcome: Routed, now: Now
) -> Routed:
    """The outcome the mode turns ``outcome`` into (unchanged in mode ``ollama``)."""
    verdict = decide(mode, method, path, accept)
    schedule = outcome.schedule
    is_stream = schedule.status == 200 and any(
        k.lower() == "content-type" and v == NDJSON_TYPE for k, v in schedule.headers
    )
    if verdict == "sse" and is_stream:
        return replace(outcome, schedule=_sse(schedule))
    if verdict == "reject":
        message = f"Accept {accept!r} allows neither {NDJSON_TYPE} nor application/json"
        if mode == "reject-415":
            rejected = json_answer({"error": message}, 415)
            extra = (("Accept-Post", NDJSON_TYPE),)
            return answer(replace(rejected, extra_headers=extra), now)
        return answer(json_answer({"error": message}, 406), now)
    return outcome
