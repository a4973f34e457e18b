"""Recordings: a raw NDJSON capture, optionally annotated by a TOML sidecar.

Pure: standard library only; no clocks. The file formats are documented in
scenarios/README.md. Loading validates everything at once and raises ScenarioError
(``file:line: problem``) for the first problem found.

Timing of a raw capture comes from each line's ``created_at``: "time.Now().UTC()
rendered as RFC 3339 with nanoseconds, trailing zeros trimmed ... 0-9 fractional
digits, zone Z" (reference/ollama-api.md 1.3). A line without ``created_at`` (pull
progress, an ``{"error": ...}`` line) is due together with the line before it.
"""

from __future__ import annotations

import calendar
import json
import re
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from mock_ollama.errors import PolicyError, ScenarioError
from mock_ollama.policies import (
    Fault,
    Fragment,
    Timing,
    parse_fault,
    parse_fragment,
    parse_timing,
)

if TYPE_CHECKING:
    from collections.abc import Callable

ENDPOINTS = ("/api/chat", "/api/generate", "/api/pull")

_RFC3339 = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?"
    r"(?:([Zz])|([+-])(\d{2}):(\d{2}))"
)


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
    timing: Timing | None = None
    fragment: Fragment | None = None
    faults: tuple[Fault, ...] = ()
    gap_ms: float | None = None
    seed: int | None = None
    request: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def body(self) -> bytes:
        """All lines joined: the response body as recorded."""
        return b"".join(self.lines)


def parse_created_at(text: str) -> int:
    """RFC 3339 timestamp -> integer nanoseconds since the Unix epoch (exact)."""
    m = _RFC3339.fullmatch(text)
    if m is None:
        raise ValueError(f"created_at {text!r} is not an RFC 3339 timestamp")
    year, month, day, hour, minute, second = (int(g) for g in m.group(1, 2, 3, 4, 5, 6))
    if not (1 <= month <= 12 and 1 <= day <= 31 and hour < 24 and minute < 60):
        raise ValueError(f"created_at {text!r} is out of range")
    if second > 60:
        raise ValueError(f"created_at {text!r} is out of range")
    seconds = calendar.timegm((year, month, day, hour, minute, second, 0, 0, 0))
    if m.group(9):
        sign = 1 if m.group(9) == "+" else -1
        seconds -= sign * (int(m.group(10)) * 3600 + int(m.group(11)) * 60)
    fraction = (m.group(7) or "").ljust(9, "0")
    return seconds * 1_000_000_000 + int(fraction)


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


def _infer_endpoint(first: dict[str, Any]) -> str:
    if "response" in first:
        return "/api/generate"
    if "status" in first:
        return "/api/pull"
    return "/api/chat"


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


def offsets_from_stamps(stamps: list[int | None]) -> tuple[int, ...]:
    """Offsets relative to the first stamp; unstamped lines and backward steps hold."""
    base = next((s for s in stamps if s is not None), 0)
    offsets: list[int] = []
    last = 0
    for stamp in stamps:
        if stamp is not None:
            last = max(last, stamp - base)
        offsets.append(last)
    return tuple(offsets)


# --- TOML annotation ------------------------------------------------------------------

_KEYS = {
    "description",
    "endpoint",
    "model",
    "status",
    "header-delay-ms",
    "headers",
    "offsets-ms",
    "timing",
    "fragment",
    "faults",
    "gap-ms",
    "seed",
    "body",
    "request",
}


def _key_line(text: str, key: str) -> int | None:
    pattern = re.compile(rf'^[ \t]*"?{re.escape(key)}"?[ \t]*=', re.MULTILINE)
    m = pattern.search(text)
    return text.count("\n", 0, m.start()) + 1 if m else None


def _read_toml(path: Path) -> tuple[dict[str, Any], str]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError(str(path), None, f"cannot read: {exc}") from None
    try:
        return tomllib.loads(text), text
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"at line (\d+)", str(exc))
        problem = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
        raise ScenarioError(
            str(path), int(m.group(1)) if m else None, problem
        ) from None


def _check(cond: bool, path: Path, text: str, key: str, problem: str) -> None:
    if not cond:
        raise ScenarioError(str(path), _key_line(text, key), f"{key}: {problem}")


_T = TypeVar("_T")


def _policy(
    meta: dict[str, Any], key: str, parse: Callable[[str], _T], path: Path, text: str
) -> _T | None:
    if key not in meta:
        return None
    value = meta[key]
    _check(isinstance(value, str), path, text, key, "must be a policy string")
    try:
        return parse(value)
    except PolicyError as exc:
        raise ScenarioError(str(path), _key_line(text, key), str(exc)) from None


def _is_num(v: object) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool) and v >= 0


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
        meta, text = _read_toml(toml_path)
    if "body" in meta:
        tp = toml_path or path
        _check(isinstance(meta["body"], str), tp, text, "body", "must be a string")
        src, first = str(tp), (_key_line(text, "body") or 0) + 1
        raw = meta["body"].encode("utf-8")
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
    return _annotate(path.stem, src, lines, offsets, objects, meta, toml_path, text)


def recording_from_bytes(name: str, body: bytes, **meta: Any) -> Recording:
    """Build a Recording from NDJSON bytes and TOML-style keys (for tests and tools)."""
    lines, offsets, objects = parse_ndjson(body, f"<{name}>")
    return _annotate(name, f"<{name}>", lines, offsets, objects, meta, None, "")


def _annotate(
    name: str,
    src: str,
    lines: tuple[bytes, ...],
    offsets: tuple[int, ...],
    objects: list[dict[str, Any]],
    meta: dict[str, Any],
    toml_path: Path | None,
    text: str,
) -> Recording:
    tp = toml_path or Path(src)
    unknown = sorted(set(meta) - _KEYS)
    if unknown:
        key = unknown[0]
        known = ", ".join(sorted(_KEYS))
        raise ScenarioError(
            str(tp), _key_line(text, key), f"unknown key {key!r} (known: {known})"
        )
    endpoint = meta.get("endpoint", _infer_endpoint(objects[0]))
    _check(endpoint in ENDPOINTS, tp, text, "endpoint", f"must be one of {ENDPOINTS}")
    status = meta.get("status", 200)
    _check(
        isinstance(status, int) and 200 <= status <= 599,
        tp,
        text,
        "status",
        "must be an integer 200-599",
    )
    delay = meta.get("header-delay-ms", 0)
    _check(_is_num(delay), tp, text, "header-delay-ms", "must be a number >= 0")
    headers = meta.get("headers", {})
    _check(
        isinstance(headers, dict) and all(isinstance(v, str) for v in headers.values()),
        tp,
        text,
        "headers",
        "must be a table of strings",
    )
    if "offsets-ms" in meta:
        given = meta["offsets-ms"]
        _check(
            isinstance(given, list) and all(_is_num(v) for v in given),
            tp,
            text,
            "offsets-ms",
            "must be a list of numbers >= 0",
        )
        _check(
            len(given) == len(lines),
            tp,
            text,
            "offsets-ms",
            f"needs {len(lines)} values",
        )
        ns = [round(v * 1_000_000) for v in given]
        _check(ns == sorted(ns), tp, text, "offsets-ms", "must not go backwards")
        offsets = tuple(ns)
    model = meta.get("model", objects[0].get("model", ""))
    _check(isinstance(model, str), tp, text, "model", "must be a string")
    timing = _policy(meta, "timing", parse_timing, tp, text)
    fragment = _policy(meta, "fragment", parse_fragment, tp, text)
    faults_given = meta.get("faults", [])
    _check(
        isinstance(faults_given, list), tp, text, "faults", "must be a list of strings"
    )
    parsed = [
        _policy({"faults": f}, "faults", parse_fault, tp, text) for f in faults_given
    ]
    faults = tuple(f for f in parsed if f is not None)
    gap = meta.get("gap-ms")
    _check(gap is None or _is_num(gap), tp, text, "gap-ms", "must be a number >= 0")
    seed = meta.get("seed")
    _check(
        seed is None or isinstance(seed, int), tp, text, "seed", "must be an integer"
    )
    request = meta.get("request", {})
    return Recording(
        name=name,
        lines=lines,
        offsets_ns=offsets,
        endpoint=endpoint,
        status=status,
        headers=tuple((str(k), v) for k, v in headers.items()),
        header_delay_ns=round(delay * 1_000_000),
        model=model,
        description=str(meta.get("description", "")),
        source=src,
        timing=timing,
        fragment=fragment,
        faults=faults,
        gap_ms=None if gap is None else float(gap),
        seed=seed,
        request=request if isinstance(request, dict) else {},
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
