"""What a client driver is asked, what it reports, and the judge (pure).

A driver reads one stream with one real client library and reports what the library
handed to the application: the dispatched events (or, for SDK clients that parse the
stream themselves, the token texts), the error it raised or surfaced, and whether it
tried to reconnect. :func:`judge` turns that into a matrix cell by reading the events
the way the target's dialect does, and the way an application does: ``JSON.parse`` on
every message's data (so an empty keep-alive message throws, as it would in the app).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from harness.compat.model import MatrixCell
from harness.probe.dialects import Dialect, Kind
from harness.sse import Event

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = ["CLIENTS", "ClientSpec", "Job", "Seen", "Stream", "fits", "judge"]


@dataclass(frozen=True, slots=True)
class Stream:
    """One target as the drivers see it.

    ``kind``: ``sse`` (a proxy, or the mock's what-if SSE mode) or ``ndjson`` (the
    mock as Ollama is). ``get_url``: the GET form of the endpoint (``?prompt=``) when
    the target serves one (EventSource can only GET).
    """

    name: str
    url: str
    kind: str
    dialect: str
    get_url: str | None = None
    #: for SDK clients: "generate" | "chat" (Ollama) or "chat" (OpenAI)
    endpoint: str = "chat"


@dataclass(frozen=True, slots=True)
class Job:
    """One request a driver makes; ``body`` is JSON text (None for GET)."""

    client: str
    url: str
    method: str
    headers: tuple[tuple[str, str], ...]
    body: str | None
    timeout_s: float
    prompt: str
    model: str
    endpoint: str


@dataclass(frozen=True, slots=True)
class Seen:
    """What a client handed to the application.

    ``events``: ``(type, data, ms since the request started)`` per dispatched event;
    with ``sdk`` True the data is already the token text the SDK yielded.
    """

    events: tuple[tuple[str, str, float], ...] = ()
    error: str | None = None
    reconnected: bool = False
    note: str = ""
    sdk: bool = False

    @classmethod
    def from_driver(cls, raw: Mapping[str, Any], *, sdk: bool = False) -> Seen:
        """The result a Node or browser driver reports (``{events: [[type, data,
        ms], …], error, reconnected, note}``)."""
        return cls(
            events=tuple((str(t), str(d), float(ms)) for t, d, ms in raw["events"]),
            error=raw.get("error"),
            reconnected=bool(raw.get("reconnected")),
            note=str(raw.get("note") or ""),
            sdk=sdk,
        )


@dataclass(frozen=True, slots=True)
class ClientSpec:
    name: str
    family: str  # python | node | chromium
    reads: str  # sse | ndjson
    methods: tuple[str, ...]  # in order of preference
    dialects: tuple[str, ...] | None = None  # None: any SSE dialect


CLIENTS: dict[str, ClientSpec] = {
    c.name: c
    for c in (
        ClientSpec("chromium-eventsource", "chromium", "sse", ("GET",)),
        ClientSpec("chromium-fetch-event-source", "chromium", "sse", ("POST",)),
        ClientSpec("chromium-nextjs-hook", "chromium", "sse", ("POST",)),
        ClientSpec("react-native-sse", "node", "sse", ("POST",)),
        ClientSpec("eventsource", "node", "sse", ("POST", "GET")),
        ClientSpec("eventsource-parser", "node", "sse", ("POST",)),
        ClientSpec("httpx-sse", "python", "sse", ("POST",)),
        ClientSpec("openai-python", "python", "sse", ("POST",), ("openai",)),
        ClientSpec("ollama-python", "python", "ndjson", ("POST",)),
        ClientSpec("ollama-js", "node", "ndjson", ("POST",)),
    )
}


#: names a user may have typed before a client was renamed -> its name now
CLIENT_ALIASES = {"chromium-seed-hook": "chromium-nextjs-hook"}


def method_for(spec: ClientSpec, stream: Stream) -> str | None:
    """The method ``spec`` would use on ``stream``, None when it does not fit.

    SSE clients read SSE targets and the NDJSON target too (that is the issue: they
    are pointed at Ollama); NDJSON (official) clients read only NDJSON targets.
    """
    if spec.reads == "ndjson" and stream.kind != "ndjson":
        return None
    if spec.dialects is not None and stream.dialect not in spec.dialects:
        return None
    offered = ("POST", "GET") if stream.get_url else ("POST",)
    return next((m for m in spec.methods if m in offered), None)


def fits(spec: ClientSpec, stream: Stream) -> bool:
    return method_for(spec, stream) is not None


def _not_json(data: str) -> bool:
    try:
        json.loads(data)
    except ValueError:
        return data.strip() != "[DONE]"
    return False


def judge(
    seen: Seen,
    dialect: Dialect,
    expected: str,
    *,
    client: str,
    target: str,
    layer: str = "direct",
) -> MatrixCell:
    """The cell of one client on one target."""
    tokens: list[str] = []
    first: float | None = None
    error = seen.error
    for kind, data, at_ms in seen.events:
        if seen.sdk:
            found = [data] if data else []
        else:
            if error is None and kind == "message" and _not_json(data):
                error = (
                    f"the app's JSON.parse throws on a dispatched message {data[:40]!r}"
                )
            readings = dialect.classify(Event(kind, data, "", None, 0, 0))
            found = [r.text for r in readings if r.kind is Kind.TOKEN]
            errors = [r.text for r in readings if r.kind is Kind.ERROR]
            if errors and error is None:
                error = f"error event: {errors[0]}"
        if found and first is None:
            first = at_ms
        tokens += found
    text = "".join(tokens)
    note = seen.note
    if text != expected and tokens:
        note = (note + "; " if note else "") + _diff(text, expected)
    return MatrixCell(
        client=client,
        target=target,
        layer=layer,
        events=len(seen.events),
        tokens=len(tokens),
        text_ok=text == expected,
        error=error,
        first_token_ms=None if first is None else round(first, 1),
        reconnected=seen.reconnected,
        note=note,
    )


def _diff(got: str, want: str) -> str:
    at = next(
        (i for i, (a, b) in enumerate(zip(got, want, strict=False)) if a != b),
        min(len(got), len(want)),
    )
    return (
        f"text differs at char {at}: got {got[at : at + 12]!r}, "
        f"upstream sent {want[at : at + 12]!r}"
    )
