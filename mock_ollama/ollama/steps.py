"""The steps every endpoint shares: request bytes -> a Schedule to play.

Pure: standard library only; the current time comes in as a ``Now``. Error order
follows Ollama's handlers (server/routes.go): JSON binding (400), then the
routing marker (400 ``mock marker: ...``), then the model (404), then the answer.
The endpoints themselves: ``native`` (``/api/*``) and ``openai_routes``
(``/v1/*``).
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from mock_ollama.errors import MarkerError, PolicyError, ScenarioError
from mock_ollama.go.decode import decode
from mock_ollama.go.fields import REQUEST_FIELDS
from mock_ollama.ollama import openai
from mock_ollama.ollama.answers import error_answer, not_found_model, status_answer
from mock_ollama.ollama.config import request_policies
from mock_ollama.replay.schedule import (
    NATIVE_ERROR_LINE,
    Schedule,
    Write,
    build_schedule,
    status_fault,
)
from mock_ollama.scenario.catalog import lookup
from mock_ollama.scenario.marker import Marker, find_marker
from mock_ollama.scenario.recording import Recording, repeated

if TYPE_CHECKING:
    from collections.abc import Callable

    from mock_ollama.ollama.answers import Answer
    from mock_ollama.ollama.config import MockConfig, RequestPolicies

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
class Routed:
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


def answer(a: Answer, now: Now, at_ns: int = 0) -> Routed:
    """A whole answer sent at ``at_ns``: Content-Length when it fits Go's buffer."""
    length = len(a.body) if len(a.body) <= GO_BUFFER else None
    headers = go_headers(a.content_type, now, extra=a.extra_headers, length=length)
    writes = (Write(at_ns, a.body, 0, 0),) if a.body else ()
    return Routed(Schedule(a.status, headers, at_ns, writes, (), "complete"))


# --- request reading ------------------------------------------------------------------


class Reject(Exception):
    """The request is answered with ``answer`` right away."""

    def __init__(self, answer: Answer) -> None:
        super().__init__(answer.status)
        self.answer = answer


def read_json(body: bytes, path: str, *, openai_style: bool = False) -> dict[str, Any]:
    """Bind the body like gin's ShouldBindJSON into the endpoint's request struct."""
    struct, fields = REQUEST_FIELDS.get(path, ("api.Request", {}))
    if openai_style:
        struct = (
            "openai.ChatCompletionRequest"
            if "chat" in path
            else "openai.CompletionRequest"
        )
        fields = {"model": ("string", ("string",)), "stream": ("bool", ("bool",))}
    value, problem = decode(body, struct, fields)
    if problem is not None:
        if openai_style:
            raise Reject(
                openai.error(
                    400, "EOF" if problem == "missing request body" else problem
                )
            )
        raise Reject(error_answer(400, problem))
    return value


def marker_in(body: bytes) -> Marker | None:
    """The routing marker in the body (None: none); a bad one is a 400 Reject."""
    try:
        return find_marker(body)
    except MarkerError as exc:
        raise Reject(error_answer(400, f"mock marker: {exc}")) from None


def check_model(cfg: MockConfig, model: str, *, openai_style: bool = False) -> None:
    """404 ``model 'NAME' not found`` unless the model is known (or --any-model)."""
    if cfg.any_model and model:
        return
    if model not in cfg.known_models():
        message = f"model '{model}' not found"
        raise Reject(
            openai.error(404, message) if openai_style else not_found_model(model)
        )


# --- planning -------------------------------------------------------------------------


def scenario_for(cfg: MockConfig, marker: Marker | None, endpoint: str) -> Recording:
    """The marker's scenario (repeated if asked), else the server's default for it."""
    name = marker.scenario if marker and marker.scenario else cfg.defaults.get(endpoint)
    if name is None:
        name = cfg.defaults["/api/chat"]
    try:
        rec = lookup(name, cfg.scenarios)
    except ScenarioError as exc:
        raise Reject(error_answer(400, f"mock marker: {exc}")) from None
    if marker is not None and marker.repeat:
        rec = _repeated(rec, marker.repeat)
    return rec


@functools.lru_cache(maxsize=32)
def _repeated(rec: Recording, times: int) -> Recording:
    return repeated(rec, times)


def plan_schedule(
    rec: Recording,
    plan: RequestPolicies,
    headers: tuple[tuple[str, str], ...],
    *,
    error_line: bytes = NATIVE_ERROR_LINE,
) -> Schedule:
    """The schedule of ``rec`` under ``plan``, with ``headers``; bad policies: 400."""
    try:
        planned = _plan_writes(rec, plan, error_line)
    except PolicyError as exc:  # named after who asked for the fault
        raise Reject(error_answer(400, f"{plan.faults_from}: {exc}")) from None
    return replace(planned, headers=headers)


@functools.lru_cache(maxsize=256)
def _plan_writes(rec: Recording, plan: RequestPolicies, error_line: bytes) -> Schedule:
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


def emitted(schedule: Schedule) -> list[bytes]:
    """The lines the schedule sends, as sent (after faults)."""
    body = schedule.body
    return [body[s.offset : s.offset + s.size] for s in schedule.lines]


def finish_at(schedule: Schedule) -> int:
    """When the schedule's last write is due (its head, if it writes nothing)."""
    return schedule.writes[-1].at_ns if schedule.writes else schedule.head_at_ns or 0


def tagged(o: Routed, rec: Recording, req: str | None) -> Routed:
    """``o`` logged as a replay of ``rec`` for request id ``req``."""
    return Routed(o.schedule, rec.name, req)


def silent(rec: Recording, req: str | None) -> Routed:
    """A stall that never ends, for stream: false (nothing is ever sent)."""
    return tagged(Routed(Schedule(200, (), None, (), (), "stall")), rec, req)


def error_in(lines: list[bytes]) -> str | None:
    """The text of the first line that is an error or not JSON at all."""
    for line in lines:
        try:
            obj = json.loads(line)
        except ValueError:
            return str(json.loads(NATIVE_ERROR_LINE)["error"])
        if isinstance(obj, dict) and "error" in obj:
            return str(obj["error"])
    return None


# --- one played request -----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Play:
    """What a streaming endpoint plays: the scenario, the policies it is played
    with (marker > server options > scenario file > defaults), the marker's req."""

    rec: Recording
    plan: RequestPolicies
    req: str | None

    @classmethod
    def of(cls, cfg: MockConfig, marker: Marker | None, endpoint: str) -> Play:
        rec = scenario_for(cfg, marker, endpoint)
        plan = request_policies(cfg, rec, marker)
        return cls(rec, plan, marker.req if marker else None)

    def tagged(self, o: Routed) -> Routed:
        return tagged(o, self.rec, self.req)

    def status_answer(self, model: str, capability: str) -> Answer | None:
        """A ``status:CODE`` fault's answer (Ollama's error for it), else None."""
        fault = status_fault(self.plan.faults)
        return None if fault is None else status_answer(fault.at, model, capability)

    def at_head(self, a: Answer, now: Now) -> Routed:
        """``a``, sent when the plan's head is due."""
        return self.tagged(answer(a, now, self.plan.header_delay_ns))

    def whole(
        self,
        schedule: Schedule,
        now: Now,
        whole: Callable[[list[bytes]], Answer],
        error: Callable[[str], Answer],
    ) -> Routed:
        """``stream: false``: the lines the schedule emits as one answer (``whole``),
        or, where one is an error or not JSON, ``error`` of its text; sent when the
        last line was due. A stall is answered by silence."""
        if schedule.end == "stall":
            return silent(self.rec, self.req)
        lines = emitted(schedule)
        problem = error_in(lines)
        a = whole(lines) if problem is None else error(problem)
        return self.tagged(answer(a, now, finish_at(schedule)))
