"""Recordings: a raw NDJSON capture, optionally annotated by a TOML sidecar.

Pure: standard library only; no clocks. The file formats are documented in
scenarios/README.md. Loading validates everything at once and raises ScenarioError
(``file:line: problem``) for the first problem found. The TOML keys are read by
``mock_ollama.scenario.annotation``.

Timing of a raw capture comes from each line's ``created_at`` (``mock_ollama.scenario.timestamps``).
A line without ``created_at`` (pull progress, an ``{"error": ...}`` line) is due together
with the line before it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from mock_ollama.errors import ScenarioError
from mock_ollama.scenario.annotation import annotate, embedded_body, read_toml
from mock_ollama.scenario.policies import NO_POLICIES, Policies
from mock_ollama.scenario.timestamps import offsets_from_stamps, parse_created_at


@dataclass(frozen=True, slots=True)
class Recording:
    """A recorded response: lines (verbatim, each with its ``\\n``), when each is due.

    ``offsets_ns[i]`` is when line i is due, relative to the first line (which goes out
    together with the headers, ``header_delay_ns`` after the request). Policies are the
    scenario file's own defaults (None: not set by the file).
    """

    name: str
    lines: tuple[bytes, ...]
    offsets_ns: tuple[int, ...]
    endpoint: str = "/api/chat"
    status: int = 200
    headers: tuple[tuple[str, str], ...] = ()
    header_delay_ns: int = 0
    model: str = ""
    description: str = ""
    source: str = "<memory>"
    policies: Policies = NO_POLICIES
    request: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def body(self) -> bytes:
        """All lines joined: the response body as recorded."""
        return b"".join(self.lines)


def split_lines(body: bytes) -> list[bytes]:
    """Split on ``\\n`` only (never ``\\r`` or U+2028), keeping each line's ``\\n``."""
    lines: list[bytes] = []
    start = 0
    while start < len(body):
        end = body.find(b"\n", start)
        end = len(body) if end < 0 else end + 1
        lines.append(body[start:end])
        start = end
    return lines


def parse_ndjson(
    body: bytes, source: str, first_line: int = 1
) -> tuple[tuple[bytes, ...], tuple[int, ...], list[dict[str, Any]]]:
    """Validate NDJSON bytes; return (lines, offsets from created_at, objects)."""
    lines = split_lines(body)
    if not lines:
        raise ScenarioError(source, None, "no lines: a scenario needs at least one")
    objects: list[dict[str, Any]] = []
    stamps: list[int | None] = []
    for number, line in enumerate(lines, start=first_line):
        if not line.strip():
            raise ScenarioError(source, number, "blank line (Ollama never sends one)")
        try:
            value = json.loads(line.decode("utf-8"))
        except UnicodeDecodeError as exc:
            raise ScenarioError(source, number, f"not UTF-8 ({exc.reason})") from None
        except json.JSONDecodeError as exc:
            raise ScenarioError(source, number, f"not JSON: {exc.msg}") from None
        if not isinstance(value, dict):
            raise ScenarioError(source, number, "not a JSON object")
        stamp = value.get("created_at")
        if stamp is not None:
            if not isinstance(stamp, str):
                raise ScenarioError(source, number, "created_at is not a string")
            try:
                stamps.append(parse_created_at(stamp))
            except ValueError as exc:
                raise ScenarioError(source, number, str(exc)) from None
        else:
            stamps.append(None)
        objects.append(value)
    return tuple(lines), offsets_from_stamps(stamps), objects


def load_scenario(path: str | Path) -> Recording:
    """Load ``NAME.ndjson`` (with optional ``NAME.toml`` beside it) or ``NAME.toml``."""
    path = Path(path)
    if path.suffix == ".toml":
        toml_path: Path | None = path
        ndjson_path = path.with_suffix(".ndjson")
    else:
        ndjson_path = path
        toml_path = path.with_suffix(".toml")
        if not toml_path.is_file():
            toml_path = None
    meta: dict[str, Any] = {}
    text = ""
    if toml_path is not None:
        meta, text = read_toml(toml_path)
    embedded = embedded_body(meta, toml_path or path, text)
    if embedded is not None:
        raw, first = embedded
        src = str(toml_path or path)
    else:
        if not ndjson_path.is_file():
            where = f" (and {toml_path.name} has no body)" if toml_path else ""
            raise ScenarioError(str(ndjson_path), None, f"no such file{where}")
        try:
            raw = ndjson_path.read_bytes()
        except OSError as exc:
            raise ScenarioError(str(ndjson_path), None, f"cannot read: {exc}") from None
        src, first = str(ndjson_path), 1
    lines, offsets, objects = parse_ndjson(raw, src, first)
    return _build(path.stem, src, lines, offsets, objects, meta, toml_path, text)


def recording_from_bytes(name: str, body: bytes, **meta: Any) -> Recording:
    """Build a Recording from NDJSON bytes and TOML-style keys (for tests and tools)."""
    lines, offsets, objects = parse_ndjson(body, f"<{name}>")
    return _build(name, f"<{name}>", lines, offsets, objects, meta, None, "")


def _build(
    name: str,
    src: str,
    lines: tuple[bytes, ...],
    offsets: tuple[int, ...],
    objects: list[dict[str, Any]],
    meta: dict[str, Any],
    toml_path: Path | None,
    text: str,
) -> Recording:
    where = toml_path or Path(src)
    a = annotate(meta, where, text, first=objects[0], line_count=len(lines))
    return Recording(
        name=name,
        lines=lines,
        offsets_ns=offsets if a.offsets_ns is None else a.offsets_ns,
        endpoint=a.endpoint,
        status=a.status,
        headers=a.headers,
        header_delay_ns=a.header_delay_ns,
        model=a.model,
        description=a.description,
        source=src,
        policies=a.policies,
        request=a.request,
    )


def repeated(rec: Recording, times: int) -> Recording:
    """``rec`` with its lines replayed ``times`` times, a final ``done`` line once at the end.

    Each repetition starts one average line gap after the previous one ended, so the
    timing policies see an ordinary, longer recording (the marker's ``repeat=N``).
    """
    if times <= 1 or not rec.lines:
        return rec
    last_done = b'"done":true' in rec.lines[-1]
    body = rec.lines[:-1] if last_done and len(rec.lines) > 1 else rec.lines
    offsets = rec.offsets_ns[: len(body)]
    span = offsets[-1] - offsets[0]
    step = span + (span // max(1, len(body) - 1) if len(body) > 1 else 0)
    lines: list[bytes] = []
    due: list[int] = []
    for n in range(times):
        lines += body
        due += [t + n * step for t in offsets]
    if last_done and len(rec.lines) > 1:
        lines.append(rec.lines[-1])
        due.append(due[-1] + (rec.offsets_ns[-1] - offsets[-1]))
    return replace(rec, lines=tuple(lines), offsets_ns=tuple(due))
