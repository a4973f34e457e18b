"""The ``[[mock: ...]]`` routing marker a proxied prompt carries.

The grammar is documented in scenarios/README.md, "Routing a proxied request".

Pure: standard library only.

    [[mock: scenario=NAME fragment=bytes:1 timing=fixed:50 fault=error-at:3 req=ab12]]

"Regex over the raw request body bytes: ``\\[\\[mock:([^\\]]*)\\]\\]``; inside,
whitespace-separated key=value; values never contain whitespace, ``]``, ``"``, ``\\``,
``<``, ``>``, ``&``, ``/``." Such values survive JSON and Go's HTML escaping unchanged,
so the marker is found in the raw bytes whatever client encoded them. When a body holds
several markers the last one wins (the newest message comes last in a chat history).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from mock_ollama.errors import MarkerError, PolicyError
from mock_ollama.scenario.policies import (
    NO_POLICIES,
    Fault,
    Policies,
    parse_fault,
    parse_fragment,
    parse_timing,
)

MARKER_RE = re.compile(rb"\[\[mock:([^\]]*)\]\]")
_REQ_RE = re.compile(r"[A-Za-z0-9_-]{1,64}")
_VALUE_RE = re.compile(r"[^\s\]\"\\<>&/]+")


@dataclass(frozen=True, slots=True)
class Marker:
    """What a marker asks for; None (or no policies) means "not given".

    The only place the marker grammar is written: ``str(marker)`` renders it and
    ``parse_marker`` reads it back (the harness builds a Marker, never the text).
    """

    scenario: str | None = None
    policies: Policies = NO_POLICIES
    req: str | None = None
    #: replay the scenario's lines (all but a final done line) this many times
    repeat: int | None = None

    def __str__(self) -> str:
        parts = [f"scenario={self.scenario}"] if self.scenario else []
        parts += [f"{key}={value}" for key, value in self.policies.items()]
        parts += [f"repeat={self.repeat}"] if self.repeat is not None else []
        parts += [f"req={self.req}"] if self.req else []
        return f"[[mock: {' '.join(parts)}]]"


def _ms(value: str, key: str) -> float:
    try:
        ms = float(value)
    except ValueError:
        raise MarkerError(f"{key}={value}: not a number of milliseconds") from None
    if not math.isfinite(ms) or ms < 0:
        raise MarkerError(f"{key}={value}: must be a finite number >= 0")
    return ms


def _seed(value: str) -> int:
    if not re.fullmatch(r"-?\d{1,18}", value):
        raise MarkerError(f"seed={value}: not an integer")
    return int(value)


def _req(value: str) -> str:
    if not _REQ_RE.fullmatch(value):
        raise MarkerError(f"req={value}: must match [A-Za-z0-9_-]{{1,64}}")
    return value


MAX_REPEAT = 100_000


def _repeat(value: str) -> int:
    if not value.isdigit() or not 1 <= int(value) <= MAX_REPEAT:
        raise MarkerError(
            f"repeat={value}: must be a whole number from 1 to {MAX_REPEAT}"
        )
    return int(value)


def _scenario(value: str) -> str:
    if not re.fullmatch(r"[A-Za-z0-9_.:+-]{1,128}", value):
        raise MarkerError(f"scenario={value}: not a scenario name")
    return value


#: key -> (Marker field, parser); ``fault`` is the only repeatable key.
_KEYS = {
    "scenario": ("scenario", _scenario),
    "req": ("req", _req),
    "repeat": ("repeat", _repeat),
}
#: key -> (Policies field, parser)
_POLICY_KEYS = {
    "timing": ("timing", parse_timing),
    "fragment": ("fragment", parse_fragment),
    "header-delay": ("header_delay_ms", lambda v: _ms(v, "header-delay")),
    "gap": ("gap_ms", lambda v: _ms(v, "gap")),
    "seed": ("seed", _seed),
}


def parse_marker(inner: str) -> Marker:
    """Parse the text between ``[[mock:`` and ``]]``; raise MarkerError when invalid."""
    fields: dict[str, object] = {}
    policies: dict[str, object] = {}
    faults: list[Fault] = []
    for item in inner.split():
        key, sep, value = item.partition("=")
        if not sep or not value:
            raise MarkerError(f"{item!r} is not key=value")
        if not _VALUE_RE.fullmatch(value):
            raise MarkerError(f"{key}={value}: value has a forbidden character")
        try:
            if key == "fault":
                faults.append(parse_fault(value))
                continue
            table, into = (_KEYS, fields) if key in _KEYS else (_POLICY_KEYS, policies)
            if key not in table:
                known = ", ".join(sorted([*_KEYS, *_POLICY_KEYS, "fault"]))
                raise MarkerError(f"unknown key {key!r} (known: {known})")
            name, parse = table[key]
            if name in into:
                raise MarkerError(f"key {key!r} given twice")
            into[name] = parse(value)
        except MarkerError:
            raise
        except PolicyError as exc:
            raise MarkerError(str(exc)) from None
    given = Policies(faults=tuple(faults), **policies)  # type: ignore[arg-type]
    return Marker(policies=given, **fields)  # type: ignore[arg-type]


def find_marker(body: bytes) -> Marker | None:
    """The last marker in a raw request body, or None when there is none."""
    found = MARKER_RE.findall(body)
    if not found:
        return None
    try:
        inner = found[-1].decode("utf-8")
    except UnicodeDecodeError:
        raise MarkerError("marker is not UTF-8") from None
    return parse_marker(inner)
