"""Known failures: a TOML file of ``[[known]]`` entries, and which results they mark.

docs/ci.md#known-failures: each entry has ``check`` (an id, glob allowed), an optional
``layer``, a required ``reason`` and a required ``link`` (a URL or an issue reference).
A FAILED or NON-STRICT result an entry matches is reported as known and does not fail
the run; an entry that matched nothing while its check passed is stale ("fixed? remove
it"). ``load`` reads and checks the file (a UsageError naming the file and the entry);
``mark`` is pure.
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from harness.checks.model import Outcome
from harness.errors import UsageError
from harness.gate.config_file import read_toml

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from harness.checks.model import Result

#: what a known failure may be: the outcomes that fail a run
MARKABLE = frozenset({Outcome.FAILED, Outcome.NON_STRICT})
#: outcomes that say the check holds now (an entry matching none of its results is stale)
HOLDS = frozenset({Outcome.OK, Outcome.INFO})
KEYS = ("check", "layer", "reason", "link")
#: a URL, or an issue reference: #12, owner/repo#12, PROJ-12
LINK = re.compile(r"(https?://\S+|([\w.-]+/[\w.-]+)?#\d+|[A-Z][A-Z0-9]+-\d+)")


@dataclass(frozen=True, slots=True)
class Known:
    """One ``[[known]]`` entry."""

    check: str
    layer: str | None
    reason: str
    link: str

    def matches(self, result: Result) -> bool:
        return fnmatch.fnmatchcase(result.check, self.check.upper()) and (
            self.layer is None or self.layer == result.layer
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "check": self.check,
            "layer": self.layer,
            "reason": self.reason,
            "link": self.link,
        }


@dataclass(frozen=True, slots=True)
class KnownFile:
    path: str
    entries: tuple[Known, ...]


@dataclass(frozen=True, slots=True)
class Marked:
    """What a known-failures file did to one run's results."""

    file: str
    #: (check, layer) of each result marked known -> the entry that marked it
    marks: Mapping[tuple[str, str], Known]
    matched: tuple[Known, ...]
    stale: tuple[Known, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "matched": [k.to_json() for k in self.matched],
            "stale": [k.to_json() for k in self.stale],
        }


def _entry(raw: object, where: str) -> Known:
    from harness.checks import select

    if not isinstance(raw, dict):
        raise UsageError(f"{where}: expected a table")
    extra = sorted(set(raw) - set(KEYS))
    if extra:
        raise UsageError(f"{where}: unknown key {extra[0]!r} (keys: {', '.join(KEYS)})")
    for key in ("check", "reason", "link"):
        value = raw.get(key)
        if not isinstance(value, str) or not value.strip():
            raise UsageError(f"{where}: {key} is required (a non-empty string)")
    layer = raw.get("layer")
    if layer is not None and (not isinstance(layer, str) or not layer.strip()):
        raise UsageError(f"{where}: layer must be a non-empty string")
    if not select((raw["check"],)):
        raise UsageError(
            f"{where}: check {raw['check']!r} matches no check; "
            "`sse-harness checks` lists them"
        )
    if not LINK.fullmatch(raw["link"].strip()):
        raise UsageError(
            f"{where}: link {raw['link']!r} is neither a URL nor an issue "
            "reference (#12, owner/repo#12, PROJ-12)"
        )
    return Known(raw["check"], layer, raw["reason"].strip(), raw["link"].strip())


def parse(doc: Mapping[str, Any], where: str) -> tuple[Known, ...]:
    """The entries of a parsed known-failures file (``where`` names it in errors)."""
    extra = sorted(set(doc) - {"known"})
    if extra:
        raise UsageError(f"{where}: unknown key {extra[0]!r} (only [[known]] tables)")
    entries = doc.get("known", [])
    if not isinstance(entries, list):
        raise UsageError(f"{where}: known must be [[known]] tables")
    return tuple(
        _entry(raw, f"{where}: [[known]] #{n}") for n, raw in enumerate(entries, 1)
    )


def load(path: Path, option: str = "--known-failures") -> KnownFile:
    """The checked file, or a UsageError naming ``option``, the file and the entry."""
    where = f"{option} {path}"
    doc = read_toml(Path(path), where)
    return KnownFile(str(path), parse(doc, where))


def mark(known: KnownFile, results: Sequence[Result]) -> Marked:
    """Each FAILED or NON-STRICT result the file's first matching entry marks; the
    entries that marked something; the stale ones (their checks held on every layer
    they were judged on, and none was marked)."""
    marks: dict[tuple[str, str], Known] = {}
    for r in results:
        if r.outcome in MARKABLE:
            entry = next((k for k in known.entries if k.matches(r)), None)
            if entry is not None:
                marks[(r.check, r.layer)] = entry
    used = set(marks.values())
    matched = tuple(k for k in known.entries if k in used)
    stale = tuple(
        k
        for k in known.entries
        if k not in used and any(k.matches(r) and r.outcome in HOLDS for r in results)
    )
    return Marked(known.path, marks, matched, stale)
