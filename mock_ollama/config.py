"""The server's configuration and how a request's policies are chosen.

Pure: standard library only. Precedence for every knob: the request's marker, then the
server's option (CLI ``--timing`` etc.), then the scenario file, then the built-in
default (``recorded``, ``line``, no faults, the recorded header delay, 1 ms gap,
seed 0).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, TypeVar

from mock_ollama.catalog import DEFAULTS, load_bundled
from mock_ollama.marker import Marker
from mock_ollama.models import DEFAULT_VERSION
from mock_ollama.openai import Layout, layout_for
from mock_ollama.policies import Fault, Fragment, Timing
from mock_ollama.schedule import DEFAULT_GAP_NS

if TYPE_CHECKING:
    from mock_ollama.recording import Recording


@dataclass(frozen=True, slots=True)
class MockConfig:
    """Everything ``create_app`` needs. ``scenarios`` maps name -> Recording."""

    scenarios: dict[str, Recording] = field(default_factory=load_bundled)
    defaults: dict[str, str] = field(default_factory=lambda: dict(DEFAULTS))
    timing: Timing | None = None
    fragment: Fragment | None = None
    faults: tuple[Fault, ...] = ()
    header_delay_ms: float | None = None
    gap_ms: float | None = None
    seed: int | None = None
    models: tuple[str, ...] = ()
    any_model: bool = False
    version: str = DEFAULT_VERSION
    openai_layout: Layout | None = None

    @property
    def layout(self) -> Layout:
        """The /v1 chunk layout: given, or derived from ``version``."""
        return self.openai_layout or layout_for(self.version)

    def known_models(self) -> list[str]:
        """The bundled/loaded scenarios' models plus ``--model`` names, sorted."""
        names = {r.model for r in self.scenarios.values() if r.model} | set(self.models)
        return sorted(names)

    def with_default(self, rec: Recording) -> MockConfig:
        """A copy where ``rec`` is loaded and the default of its endpoint."""
        scenarios = {**self.scenarios, rec.name: rec}
        defaults = {**self.defaults, rec.endpoint: rec.name}
        return _replace(self, scenarios=scenarios, defaults=defaults)


def _replace(cfg: MockConfig, **changes: Any) -> MockConfig:
    return replace(cfg, **changes)


@dataclass(frozen=True, slots=True)
class Plan:
    """The policies that apply to one request."""

    timing: Timing
    fragment: Fragment
    faults: tuple[Fault, ...]
    header_delay_ns: int
    gap_ns: int
    seed: int


def plan_for(cfg: MockConfig, rec: Recording, marker: Marker | None) -> Plan:
    """Merge marker > server options > scenario file > defaults."""
    m = marker or Marker()
    delay_ms = _first(m.header_delay_ms, cfg.header_delay_ms)
    gap_ms = _first(m.gap_ms, cfg.gap_ms, rec.gap_ms)
    return Plan(
        timing=_first(m.timing, cfg.timing, rec.timing) or Timing("recorded"),
        fragment=_first(m.fragment, cfg.fragment, rec.fragment) or Fragment("line"),
        faults=m.faults or cfg.faults or rec.faults,
        header_delay_ns=rec.header_delay_ns
        if delay_ms is None
        else round(delay_ms * 1e6),
        gap_ns=DEFAULT_GAP_NS if gap_ms is None else round(gap_ms * 1e6),
        seed=_first(m.seed, cfg.seed, rec.seed) or 0,
    )


_T = TypeVar("_T")


def _first(*values: _T | None) -> _T | None:
    return next((v for v in values if v is not None), None)
