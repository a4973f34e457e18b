"""Ollama's ``created_at`` stamps: RFC 3339 text -> nanoseconds -> line offsets.

Pure: standard library only; no clocks. A stamp is time.Now().UTC() rendered as
RFC 3339 with nanoseconds, trailing zeros trimmed (Go's time.RFC3339Nano: 0-9
fractional digits, zone Z); other zones are read too.
"""

from __future__ import annotations

import calendar
import re

_RFC3339 = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?"
    r"(?:([Zz])|([+-])(\d{2}):(\d{2}))"
)


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
