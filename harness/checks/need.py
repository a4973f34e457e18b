"""One thing a check needs, and whose failure takes it away (pure; the table is
harness.checks.needs).

Two kinds of :class:`Need`:

- an **evidence need** (``holds`` given): a fact about the probe evidence, e.g. "a
  first token that arrived while upstream was still writing". When it does not hold
  the check has nothing to judge: BLOCKED by the first of ``roots`` that failed, else
  UNIMPLEMENTED with ``what`` as the reason. Never OK without its evidence.
- a **knock-on** (``holds`` None): the check can judge, but when it fails while one of
  ``roots`` failed, that failure is the root's doing (a stream the dialect cannot read
  fails every text comparison). BLOCKED by that root. A check that passes anyway
  stays OK: it judged its own property.

A knock-on names its cause: ``when`` is the condition under which the root's failure
can produce this check's evidence in this probe (a head held back for upstream can
hide a silence before the first byte, never one after the first token). Where it does
not hold, the check is judged on its own evidence, whatever else failed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from harness.checks.facts import Holds


@dataclass(frozen=True, slots=True)
class Need:
    #: what is needed, as a noun phrase ("a 2xx answer to the valid request")
    what: str
    #: checks whose failure explains a missing need, the likeliest first
    roots: tuple[str, ...]
    #: the evidence test; None for a knock-on (the roots' failure is the need)
    holds: Holds | None = None
    #: a knock-on only applies where this holds (None: always): the causal condition
    when: Holds | None = None
    #: the causal condition in words, for the catalogue
    because: str = ""


def knock(*roots: str, when: Holds | None = None, because: str = "") -> Need:
    return Need("checks it builds on to pass", roots, when=when, because=because)
