"""Schedule: recording + timing + fragmentation + faults -> timed writes.

Pure: standard library only; no clocks. Seeded and deterministic. Invariants (tested
with Hypothesis): without faults, the writes concatenate to exactly the recorded bytes;
with any policy the write times never go backwards; bytes are sliced from the recording,
never re-serialised.

Times are nanoseconds after the request was received. Headers go out with the first
line: Ollama's handler blocks on the result channel before the first Write, so status
and headers are not sent until the first token exists. Distinct writes of one line are
spaced by ``gap_ns``: distinct writes need a small gap (a few hundred us) or the kernel
merges them.
"""

from __future__ import annotations

import itertools
import math
import random
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from mock_ollama.errors import PolicyError

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from mock_ollama.scenario.policies import Fault, Fragment, Timing
    from mock_ollama.scenario.recording import Recording

End = Literal["complete", "cut", "stall"]

DEFAULT_GAP_NS = 1_000_000
#: what Ollama appends when generation fails after the stream started (server/routes.go
#: sends ``gin.H{"error": ...}`` down the stream's channel); the text is one real
#: runner failure.
NATIVE_ERROR_LINE = (
    b'{"error":"an error was encountered while running the model: unexpected EOF"}\n'
)


@dataclass(frozen=True, slots=True)
class Write:
    """One write: ``data`` at ``at_ns``; ``line`` = the line of its first byte."""

    at_ns: int
    data: bytes
    line: int
    offset: int


@dataclass(frozen=True, slots=True)
class LineSpan:
    """Byte range of an emitted line inside the response body."""

    index: int
    offset: int
    size: int


@dataclass(frozen=True, slots=True)
class Schedule:
    """What to send and when. ``head_at_ns`` is None when the headers never go out."""

    status: int
    headers: tuple[tuple[str, str], ...]
    head_at_ns: int | None
    writes: tuple[Write, ...]
    lines: tuple[LineSpan, ...]
    end: End

    @property
    def body(self) -> bytes:
        """Everything the writes carry, in order."""
        return b"".join(w.data for w in self.writes)


# --- timing: offsets of each line (ns, relative to the first line) --------------------


def _jitter(rec: Recording, t: Timing, rng: random.Random) -> list[int]:
    out, now = [0], 0
    for _ in rec.lines[1:]:
        now += max(0, round(t.value * 1e6 * (1 + rng.uniform(-1, 1) * t.pct / 100)))
        out.append(now)
    return out


_TIMING: dict[str, Callable[[Recording, Timing, random.Random], list[int]]] = {
    "recorded": lambda rec, t, rng: list(rec.offsets_ns),
    "scale": lambda rec, t, rng: [round(o * t.value) for o in rec.offsets_ns],
    "fixed": lambda rec, t, rng: [
        round(i * t.value * 1e6) for i in range(len(rec.lines))
    ],
    "jitter": _jitter,
    "zero": lambda rec, t, rng: [0] * len(rec.lines),
}


# --- fragmentation: cut positions inside one line -------------------------------------


def _json_cut(line: bytes) -> list[int]:
    """Cut in the middle of the token's JSON string value (else the first string)."""
    for key in (
        b'"content":"',
        b'"response":"',
        b'"thinking":"',
        b'"status":"',
        b'":"',
    ):
        start = line.find(key)
        if start >= 0:
            begin = start + len(key)
            end = begin
            while end < len(line) and line[end] != 0x22:  # closing quote
                end += 2 if line[end] == 0x5C else 1  # skip escapes
            return [begin + (min(end, len(line) - 1) - begin) // 2]
    return [len(line) // 2] if len(line) > 1 else []


def _random_cuts(line: bytes, rng: random.Random) -> list[int]:
    if len(line) < 2:
        return []
    return sorted(
        rng.sample(range(1, len(line)), rng.randint(0, min(4, len(line) - 1)))
    )


_CUTS: dict[str, Callable[[bytes, Fragment, random.Random], list[int]]] = {
    "line": lambda line, f, rng: [],
    "coalesce": lambda line, f, rng: [],
    "bytes": lambda line, f, rng: list(range(f.n, len(line), f.n)),
    # a lead byte of a multi-byte UTF-8 sequence is 0b11xxxxxx
    "utf8": lambda line, f, rng: [i + 1 for i, b in enumerate(line[:-1]) if b >= 0xC0],
    "json": lambda line, f, rng: _json_cut(line),
    "random": lambda line, f, rng: _random_cuts(line, rng),
}


# --- faults: replace or cut lines -----------------------------------------------------


def _garbage(rng: random.Random) -> bytes:
    """Seeded bytes that are not JSON: never start a value, never contain CR/LF."""
    alphabet = b"#%*;=?@^_`|~ abcxyz<>ABC\x01\x7f\xc3\xa9\xff"
    return b"~" + bytes(rng.choice(alphabet) for _ in range(rng.randint(8, 40))) + b"\n"


def _long_line(line: bytes, size: int) -> bytes:
    head = line.rstrip(b"\r\n")
    if not head.endswith(b"}") or len(head) < 2:
        head = b"{}"
    pad = b',"mock_padding":"' if len(head) > 2 else b'"mock_padding":"'
    fill = max(0, size - len(head) - len(pad) - 2)
    return head[:-1] + pad + b"x" * fill + b'"}\n'


@dataclass(frozen=True, slots=True)
class _Emit:
    index: int
    data: bytes
    stall_ns: int  # extra silence before this line


def _apply_faults(
    rec: Recording, faults: Sequence[Fault], rng: random.Random, error_line: bytes
) -> tuple[list[_Emit], End]:
    by_line: dict[int, list[Fault]] = {}
    for fault in faults:
        if fault.kind == "status":
            continue
        if fault.at >= len(rec.lines):
            raise PolicyError(
                f"fault {fault}: scenario {rec.name!r} has only {len(rec.lines)} lines"
            )
        by_line.setdefault(fault.at, []).append(fault)
    emits: list[_Emit] = []
    for index, line in enumerate(rec.lines):
        here = by_line.get(index, [])
        stall = sum(f.ms for f in here if f.kind == "stall")
        if math.isinf(stall):
            return emits, "stall"
        data, end = line, None
        replacing = next((f for f in here if f.kind != "stall"), None)
        if replacing is not None:
            data, end = _replace(replacing, line, rng, error_line)
        emits.append(_Emit(index, data, round(stall * 1e6)))
        if end is not None:
            return emits, end
    return emits, "complete"


def _replace(
    fault: Fault, line: bytes, rng: random.Random, error_line: bytes
) -> tuple[bytes, End | None]:
    half = max(1, len(line.rstrip(b"\r\n")) // 2)
    table: dict[str, tuple[bytes, End | None]] = {
        "error-at": (error_line, "complete"),
        "cut-at": (line[:half], "cut"),
        "garbage-at": (_garbage(rng), "complete"),
        "malformed-at": (line[:half] + b"\n", None),
        "long-line-at": (_long_line(line, fault.size), None),
    }
    return table[fault.kind]


def status_fault(faults: Sequence[Fault]) -> Fault | None:
    """The first ``status:CODE`` fault: the request gets an error answer instead."""
    return next((f for f in faults if f.kind == "status"), None)


def build_schedule(
    rec: Recording,
    timing: Timing,
    fragment: Fragment,
    faults: Sequence[Fault] = (),
    *,
    seed: int = 0,
    gap_ns: int = DEFAULT_GAP_NS,
    header_delay_ns: int | None = None,
    headers: tuple[tuple[str, str], ...] = (),
    error_line: bytes = NATIVE_ERROR_LINE,
) -> Schedule:
    """RequestPolicies the writes of ``rec``; PolicyError if a fault is past the last line."""
    rng = random.Random(seed)
    due = _TIMING[timing.kind](rec, timing, rng)
    emits, end = _apply_faults(rec, faults, rng, error_line)
    cut_rng = random.Random(fragment.n)
    head = rec.header_delay_ns if header_delay_ns is None else header_delay_ns
    groups = _group(emits, fragment.n if fragment.kind == "coalesce" else 1)
    writes: list[Write] = []
    offset, stall, last, last_ready = 0, 0, 0, 0
    for group in groups:
        stall += sum(e.stall_ns for e in group)
        ready = head + due[group[-1].index] + stall
        data = b"".join(e.data for e in group)
        pieces = _pieces(data, _CUTS[fragment.kind](data, fragment, cut_rng))
        piece_offset = offset
        for n, piece in enumerate(pieces):
            # a line due later than the previous one never shares its write time
            later = bool(writes) and ready > last_ready
            at = max(ready, last + gap_ns if later or n else last)
            line = _line_at(group, piece_offset - offset)
            writes.append(Write(at, piece, line, piece_offset))
            piece_offset += len(piece)
            last = at
        last_ready = ready
        offset += len(data)
    head_at = writes[0].at_ns if writes else (None if end == "stall" else head)
    return Schedule(rec.status, headers, head_at, tuple(writes), _spans(emits), end)


def _group(emits: list[_Emit], size: int) -> list[list[_Emit]]:
    return [emits[i : i + size] for i in range(0, len(emits), size)]


def _pieces(data: bytes, cuts: list[int]) -> list[bytes]:
    bounds = [0, *sorted({c for c in cuts if 0 < c < len(data)}), len(data)]
    return [data[a:b] for a, b in itertools.pairwise(bounds)] or [data]


def _line_at(group: list[_Emit], position: int) -> int:
    for e in group:
        if position < len(e.data):
            return e.index
        position -= len(e.data)
    return group[-1].index


def _spans(emits: list[_Emit]) -> tuple[LineSpan, ...]:
    spans, offset = [], 0
    for e in emits:
        spans.append(LineSpan(e.index, offset, len(e.data)))
        offset += len(e.data)
    return tuple(spans)
