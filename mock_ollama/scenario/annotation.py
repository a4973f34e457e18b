"""A scenario's TOML annotation: the keys a sidecar ``NAME.toml`` may set, validated.

Pure: standard library only; no clocks. The keys are documented in
scenarios/README.md. Every problem raises ScenarioError naming the TOML file and the
line of the offending key (``file:line: key: problem``). A key left out takes its
default, partly from the recording's first NDJSON line (endpoint, model).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from mock_ollama.errors import PolicyError, ScenarioError
from mock_ollama.scenario.policies import (
    Policies,
    parse_fault,
    parse_fragment,
    parse_timing,
)

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

ENDPOINTS = ("/api/chat", "/api/generate", "/api/pull")

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


@dataclass(frozen=True, slots=True)
class Annotation:
    """The validated keys of a scenario's TOML, defaults filled in.

    ``offsets_ns`` is None unless ``offsets-ms`` replaces the ``created_at`` timing.
    """

    endpoint: str
    status: int
    headers: tuple[tuple[str, str], ...]
    header_delay_ns: int
    offsets_ns: tuple[int, ...] | None
    model: str
    description: str
    policies: Policies
    request: dict[str, Any]


def _key_line(text: str, key: str) -> int | None:
    pattern = re.compile(rf'^[ \t]*"?{re.escape(key)}"?[ \t]*=', re.MULTILINE)
    m = pattern.search(text)
    return text.count("\n", 0, m.start()) + 1 if m else None


def read_toml(path: Path) -> tuple[dict[str, Any], str]:
    """The TOML file's keys and its text (for naming the line of a bad key)."""
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


def embedded_body(
    meta: dict[str, Any], path: Path, text: str
) -> tuple[bytes, int] | None:
    """The ``body`` key's NDJSON bytes and the file line its first line is on."""
    if "body" not in meta:
        return None
    _check(isinstance(meta["body"], str), path, text, "body", "must be a string")
    return meta["body"].encode("utf-8"), (_key_line(text, "body") or 0) + 1


def _infer_endpoint(first: dict[str, Any]) -> str:
    if "response" in first:
        return "/api/generate"
    if "status" in first:
        return "/api/pull"
    return "/api/chat"


def annotate(
    meta: dict[str, Any],
    path: Path,
    text: str,
    *,
    first: dict[str, Any],
    line_count: int,
) -> Annotation:
    """Validate ``meta`` (the TOML keys) for a recording whose first line is ``first``.

    ``path`` and ``text`` name the TOML file and its text in error messages.
    """
    unknown = sorted(set(meta) - _KEYS)
    if unknown:
        key = unknown[0]
        known = ", ".join(sorted(_KEYS))
        raise ScenarioError(
            str(path), _key_line(text, key), f"unknown key {key!r} (known: {known})"
        )
    endpoint = meta.get("endpoint", _infer_endpoint(first))
    _check(endpoint in ENDPOINTS, path, text, "endpoint", f"must be one of {ENDPOINTS}")
    status = meta.get("status", 200)
    _check(
        isinstance(status, int) and 200 <= status <= 599,
        path,
        text,
        "status",
        "must be an integer 200-599",
    )
    delay = meta.get("header-delay-ms", 0)
    _check(_is_num(delay), path, text, "header-delay-ms", "must be a number >= 0")
    headers = meta.get("headers", {})
    _check(
        isinstance(headers, dict) and all(isinstance(v, str) for v in headers.values()),
        path,
        text,
        "headers",
        "must be a table of strings",
    )
    offsets: tuple[int, ...] | None = None
    if "offsets-ms" in meta:
        given = meta["offsets-ms"]
        _check(
            isinstance(given, list) and all(_is_num(v) for v in given),
            path,
            text,
            "offsets-ms",
            "must be a list of numbers >= 0",
        )
        _check(
            len(given) == line_count,
            path,
            text,
            "offsets-ms",
            f"needs {line_count} values",
        )
        ns = [round(v * 1_000_000) for v in given]
        _check(ns == sorted(ns), path, text, "offsets-ms", "must not go backwards")
        offsets = tuple(ns)
    model = meta.get("model", first.get("model", ""))
    _check(isinstance(model, str), path, text, "model", "must be a string")
    timing = _policy(meta, "timing", parse_timing, path, text)
    fragment = _policy(meta, "fragment", parse_fragment, path, text)
    faults_given = meta.get("faults", [])
    _check(
        isinstance(faults_given, list),
        path,
        text,
        "faults",
        "must be a list of strings",
    )
    parsed = [
        _policy({"faults": f}, "faults", parse_fault, path, text) for f in faults_given
    ]
    faults = tuple(f for f in parsed if f is not None)
    gap = meta.get("gap-ms")
    _check(gap is None or _is_num(gap), path, text, "gap-ms", "must be a number >= 0")
    seed = meta.get("seed")
    _check(
        seed is None or isinstance(seed, int), path, text, "seed", "must be an integer"
    )
    request = meta.get("request", {})
    return Annotation(
        endpoint=endpoint,
        status=status,
        headers=tuple((str(k), v) for k, v in headers.items()),
        header_delay_ns=round(delay * 1_000_000),
        offsets_ns=offsets,
        model=model,
        description=str(meta.get("description", "")),
        policies=Policies(
            timing=timing,
            fragment=fragment,
            faults=faults,
            gap_ms=None if gap is None else float(gap),
            seed=seed,
        ),
        request=request if isinstance(request, dict) else {},
    )
