"""What one probe produced and what it should have produced (pure records).

The probe room fills these in (``perform``); the checks (``harness.checks``) judge
them. Both rooms import them from here, so neither imports the other's records.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from harness.client.observation import Observation
    from harness.probe.catalog import Probe
    from harness.probe.transcript import Transcript
    from harness.upstream.exchanges import Exchange


@dataclass(frozen=True, slots=True)
class Expected:
    """What upstream sends for a probe: its content tokens, before any fault."""

    tokens: tuple[str, ...]
    #: the recording's line index of each token (to find its write time in the mock log)
    lines: tuple[int, ...]

    @property
    def text(self) -> str:
        return "".join(self.tokens)


@dataclass(frozen=True, slots=True)
class Evidence:
    """Everything one probe produced on one layer."""

    probe: Probe
    obs: Observation
    transcript: Transcript
    #: upstream requests the mock saw for this probe (matched by the marker's req id)
    exchanges: tuple[Exchange, ...]
    #: upstream requests without any marker that arrived while the probe ran
    unmarked: int
    expected: Expected
    alive_after: bool
    #: when the client aborted (cancellation probes), perf_counter_ns
    abort_ns: int | None = None
    note: str = ""

    @property
    def upstream_contacted(self) -> bool:
        return bool(self.exchanges) or self.unmarked > 0
