"""Where each check's failure was seen in the wild (``seen:``), keyed by check id.

Every check of the catalogue has an entry (tests/harness/gate/test_seen.py): one or
more real cases, each a short account and the link of its issue, pull request or
article, or ``()`` when nobody is known to have hit it, which ``sse-harness checks``
and docs/checks.md then say. A link is only ever one that was found, never made up.
"""

from __future__ import annotations

from harness.checks import seen_cases, seen_end
from harness.checks.seen_cases import Seen

#: every check's cases (the two tables hold disjoint families)
SEEN: dict[str, tuple[Seen, ...]] = {**seen_cases.SEEN, **seen_end.SEEN}

__all__ = ["NONE_KNOWN", "SEEN", "Seen", "seen_line", "seen_of"]

NONE_KNOWN = "none known: no public report of this failure found yet"


def seen_of(check: str) -> tuple[Seen, ...]:
    """The cases of ``check`` (``()``: none known)."""
    return SEEN.get(check, ())


def seen_line(check: str) -> str:
    """One line: the cases, ``; ``-separated, each ``what (link)``; or NONE_KNOWN."""
    cases = seen_of(check)
    if not cases:
        return NONE_KNOWN
    return "; ".join(f"{c.what} ({c.link})" for c in cases)
