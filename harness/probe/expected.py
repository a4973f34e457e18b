"""What a probe should produce, derived from the scenario recording (pure).

The content tokens of a recorded stream are ``message.content`` (chat) or ``response``
(generate) of each line, in order; empty ones are not tokens. Faults that end the stream
early (error-at, cut-at, garbage-at) leave only the tokens before their line.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from harness.probe.evidence import Expected
from mock_ollama.scenario.policies import parse_fault

if TYPE_CHECKING:
    from collections.abc import Sequence

#: faults after whose line upstream sends no further content
ENDING_FAULTS = ("error-at", "cut-at", "garbage-at")
#: faults that replace their line but let the stream continue
REPLACING_FAULTS = ("malformed-at",)


def content_of(line: bytes) -> str:
    """The token text of one NDJSON line ("" for none, or a line that is not JSON)."""
    try:
        obj: Any = json.loads(line)
    except ValueError:
        return ""
    return content_in(obj)


def content_in(obj: object) -> str:
    """The token text of one parsed NDJSON line: ``message.content`` (chat) or
    ``response`` (generate); "" when it has none."""
    if not isinstance(obj, dict):
        return ""
    message = obj.get("message")
    value = message.get("content") if isinstance(message, dict) else obj.get("response")
    return value if isinstance(value, str) else ""


def _fault_line(faults: Sequence[str], kinds: Sequence[str]) -> list[int]:
    """The line indices of the ``kinds`` faults (parsed by the mock's own parser)."""
    parsed = (parse_fault(f) for f in faults)
    return [f.at for f in parsed if f.kind in kinds]


def expected_tokens(lines: Sequence[bytes], faults: Sequence[str] = ()) -> Expected:
    """Tokens of ``lines`` up to the first stream-ending fault, minus replaced lines."""
    if any(parse_fault(f).kind == "status" for f in faults):
        return Expected((), ())
    ending = min(_fault_line(faults, ENDING_FAULTS), default=len(lines))
    replaced = set(_fault_line(faults, REPLACING_FAULTS))
    tokens: list[str] = []
    indices: list[int] = []
    for index, line in enumerate(lines[:ending]):
        text = content_of(line)
        if text and index not in replaced:
            tokens.append(text)
            indices.append(index)
    return Expected(tuple(tokens), tuple(indices))
