"""Timing, fragmentation and fault policies: parse the shared policy grammar.

Pure: standard library only. The same strings are used on the CLI, in scenario files
and in the ``[[mock: ...]]`` marker (scenarios/README.md, "Policies"):

    timing:   recorded | scale:K | fixed:MS | jitter:MS:PCT | zero
    fragment: line | coalesce:N | bytes:N | utf8 | json | random:SEED
    fault:    error-at:N | cut-at:N | status:CODE | stall:N:MS | garbage-at:N
              | malformed-at:N | long-line-at:N:BYTES

Line indices N are 0-based over the recording's lines. ``str(policy)`` gives back a
canonical string that parses to an equal policy.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, TypeVar

from mock_ollama.errors import PolicyError

TimingKind = Literal["recorded", "scale", "fixed", "jitter", "zero"]
FragmentKind = Literal["line", "coalesce", "bytes", "utf8", "json", "random"]
FaultKind = Literal[
    "error-at",
    "cut-at",
    "status",
    "stall",
    "garbage-at",
    "malformed-at",
    "long-line-at",
]


def _num(x: float) -> str:
    if math.isinf(x):
        return "inf"
    return str(int(x)) if float(x).is_integer() and abs(x) < 1e15 else repr(float(x))


@dataclass(frozen=True, slots=True)
class Timing:
    """When each line is due. ``value`` is K (scale) or MS (fixed, jitter)."""

    kind: TimingKind
    value: float = 0.0
    pct: float = 0.0

    def __str__(self) -> str:
        if self.kind in ("recorded", "zero"):
            return self.kind
        if self.kind == "jitter":
            return f"jitter:{_num(self.value)}:{_num(self.pct)}"
        return f"{self.kind}:{_num(self.value)}"


@dataclass(frozen=True, slots=True)
class Fragment:
    """How each line is cut into writes. ``n`` is N (coalesce, bytes) or SEED."""

    kind: FragmentKind
    n: int = 0

    def __str__(self) -> str:
        if self.kind in ("line", "utf8", "json"):
            return self.kind
        return f"{self.kind}:{self.n}"


@dataclass(frozen=True, slots=True)
class Fault:
    """A fault. ``at`` is the line index N (or the CODE of ``status``)."""

    kind: FaultKind
    at: int
    ms: float = 0.0
    size: int = 0

    def __str__(self) -> str:
        if self.kind == "stall":
            return f"stall:{self.at}:{_num(self.ms)}"
        if self.kind == "long-line-at":
            return f"long-line-at:{self.at}:{self.size}"
        return f"{self.kind}:{self.at}"


# --- parameter readers: text -> value, or a one-line problem --------------------------


def _int(text: str, what: str, low: int, high: int | None = None) -> int:
    if not (text.isascii() and text.isdigit()) or len(text) > 12:
        raise PolicyError(f"{what} must be an integer, got {text!r}")
    value = int(text)
    if value < low or (high is not None and value > high):
        bound = f"between {low} and {high}" if high is not None else f">= {low}"
        raise PolicyError(f"{what} must be {bound}, got {value}")
    return value


def _float(text: str, what: str, *, positive: bool, allow_inf: bool = False) -> float:
    if allow_inf and text == "inf":
        return math.inf
    try:
        value = float(text)
    except ValueError:
        raise PolicyError(f"{what} must be a number, got {text!r}") from None
    if not math.isfinite(value) or text.strip() != text or "_" in text:
        raise PolicyError(f"{what} must be a finite number, got {text!r}")
    if value < 0 or (positive and value == 0):
        raise PolicyError(f"{what} must be {'> 0' if positive else '>= 0'}, got {text}")
    return value


def _pct(text: str) -> float:
    value = _float(text, "PCT", positive=False)
    if value > 100:
        raise PolicyError(f"PCT must be <= 100, got {text}")
    return value


_TimingParser = Callable[[list[str]], Timing]
_TIMINGS: dict[str, tuple[int, _TimingParser]] = {
    "recorded": (0, lambda a: Timing("recorded")),
    "zero": (0, lambda a: Timing("zero")),
    "scale": (1, lambda a: Timing("scale", _float(a[0], "K", positive=True))),
    "fixed": (1, lambda a: Timing("fixed", _float(a[0], "MS", positive=False))),
    "jitter": (
        2,
        lambda a: Timing("jitter", _float(a[0], "MS", positive=False), _pct(a[1])),
    ),
}


_FragmentParser = Callable[[list[str]], Fragment]
_FRAGMENTS: dict[str, tuple[int, _FragmentParser]] = {
    "line": (0, lambda a: Fragment("line")),
    "utf8": (0, lambda a: Fragment("utf8")),
    "json": (0, lambda a: Fragment("json")),
    "coalesce": (1, lambda a: Fragment("coalesce", _int(a[0], "N", 1))),
    "bytes": (1, lambda a: Fragment("bytes", _int(a[0], "N", 1))),
    "random": (1, lambda a: Fragment("random", _int(a[0], "SEED", 0))),
}

_FaultParser = Callable[[list[str]], Fault]
_FAULTS: dict[str, tuple[int, _FaultParser]] = {
    "error-at": (1, lambda a: Fault("error-at", _int(a[0], "N", 0))),
    "cut-at": (1, lambda a: Fault("cut-at", _int(a[0], "N", 0))),
    "garbage-at": (1, lambda a: Fault("garbage-at", _int(a[0], "N", 0))),
    "malformed-at": (1, lambda a: Fault("malformed-at", _int(a[0], "N", 0))),
    "status": (1, lambda a: Fault("status", _int(a[0], "CODE", 400, 599))),
    "stall": (
        2,
        lambda a: Fault(
            "stall",
            _int(a[0], "N", 0),
            ms=_float(a[1], "MS", positive=False, allow_inf=True),
        ),
    ),
    "long-line-at": (
        2,
        lambda a: Fault(
            "long-line-at", _int(a[0], "N", 0), size=_int(a[1], "BYTES", 1, 1 << 30)
        ),
    ),
}


_P = TypeVar("_P")


def _parse(
    family: str, text: str, table: dict[str, tuple[int, Callable[[list[str]], _P]]]
) -> _P:
    name, *args = text.split(":")
    entry = table.get(name)
    if entry is None:
        known = ", ".join(sorted(table))
        raise PolicyError(
            f"{family} {text!r}: unknown policy {name!r} (known: {known})"
        )
    arity, build = entry
    if len(args) != arity:
        raise PolicyError(f"{family} {text!r}: {name} takes {arity} argument(s)")
    try:
        return build(args)
    except PolicyError as exc:
        raise PolicyError(f"{family} {text!r}: {exc}") from None


def parse_timing(text: str) -> Timing:
    """Parse a timing policy (``recorded``, ``scale:K``, ``fixed:MS``, ...)."""
    return _parse("timing", text, _TIMINGS)


def parse_fragment(text: str) -> Fragment:
    """Parse a fragment policy (``line``, ``bytes:N``, ``utf8``, ...)."""
    return _parse("fragment", text, _FRAGMENTS)


def parse_fault(text: str) -> Fault:
    """Parse one fault (``error-at:N``, ``cut-at:N``, ``stall:N:MS``, ...)."""
    return _parse("fault", text, _FAULTS)


@dataclass(frozen=True, slots=True)
class Policies:
    """The six policy knobs, as a marker, the server's options or a scenario set them.

    None (or no faults) means "not set here": ``over`` fills the gaps from lower layers
    (marker > server options > scenario file, mock_ollama.ollama.config).
    """

    timing: Timing | None = None
    fragment: Fragment | None = None
    faults: tuple[Fault, ...] = ()
    header_delay_ms: float | None = None
    gap_ms: float | None = None
    seed: int | None = None

    def over(self, *lower: Policies) -> Policies:
        """These policies, each gap filled from the first lower layer that sets it."""
        layers = (self, *lower)

        def first(name: str) -> object:
            return next(
                (v for v in (getattr(p, name) for p in layers) if v is not None), None
            )

        return Policies(
            timing=first("timing"),  # type: ignore[arg-type]
            fragment=first("fragment"),  # type: ignore[arg-type]
            faults=next((p.faults for p in layers if p.faults), ()),
            header_delay_ms=first("header_delay_ms"),  # type: ignore[arg-type]
            gap_ms=first("gap_ms"),  # type: ignore[arg-type]
            seed=first("seed"),  # type: ignore[arg-type]
        )

    def items(self) -> list[tuple[str, str]]:
        """(key, value) in the marker's grammar, for what is set; faults repeat."""
        out = [("timing", str(self.timing))] if self.timing else []
        out += [("fragment", str(self.fragment))] if self.fragment else []
        out += [("fault", str(f)) for f in self.faults]
        if self.header_delay_ms is not None:
            out.append(("header-delay", _num(self.header_delay_ms)))
        if self.gap_ms is not None:
            out.append(("gap", _num(self.gap_ms)))
        out += [("seed", str(self.seed))] if self.seed is not None else []
        return out


#: nothing set (the default of every layer)
NO_POLICIES = Policies()
