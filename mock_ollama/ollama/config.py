"""The server's configuration and how a request's policies are chosen.

Pure: standard library only. The six policy knobs are one ``Policies`` record in the
marker, the server's options and the scenario file alike. Precedence for every knob:
the request's marker, then the server's option (CLI ``--timing`` etc.), then the
scenario file, then the built-in default (``recorded``, ``line``, no faults, the
recorded header delay, 1 ms gap, seed 0).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from mock_ollama.ollama.models import DEFAULT_VERSION
from mock_ollama.ollama.openai import Layout, layout_for
from mock_ollama.replay.exchange_log import DEFAULT_CAPACITY
from mock_ollama.replay.schedule import DEFAULT_GAP_NS
from mock_ollama.scenario.catalog import DEFAULTS, load_bundled
from mock_ollama.scenario.policies import NO_POLICIES, Fault, Fragment, Policies, Timing

if TYPE_CHECKING:
    from mock_ollama.scenario.marker import Marker
    from mock_ollama.scenario.recording import Recording


#: request bodies past this many bytes get 400 ``http: request body too large``
#: (mock_ollama.server.request_body): Ollama's own only bound, maxDecompressedBodySize
DEFAULT_MAX_BODY = 20 << 20


@dataclass(frozen=True, slots=True)
class MockConfig:
    """Everything ``create_app`` needs. ``scenarios`` maps name -> Recording."""

    scenarios: dict[str, Recording] = field(default_factory=load_bundled)
    defaults: dict[str, str] = field(default_factory=lambda: dict(DEFAULTS))
    policies: Policies = NO_POLICIES
    models: tuple[str, ...] = ()
    any_model: bool = False
    version: str = DEFAULT_VERSION
    openai_layout: Layout | None = None
    #: request bodies past this many bytes get 400 (mock_ollama.server.request_body)
    max_body: int = DEFAULT_MAX_BODY
    #: exchanges the control endpoint keeps (mock_ollama.replay.exchange_log)
    exchange_log_size: int = DEFAULT_CAPACITY

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
class RequestPolicies:
    """The policies that apply to one request."""

    timing: Timing
    fragment: Fragment
    faults: tuple[Fault, ...]
    header_delay_ns: int
    gap_ns: int
    seed: int
    #: who asked for the faults: "mock marker", "mock-ollama --fault", "scenario NAME"
    faults_from: str = "mock marker"


def request_policies(
    cfg: MockConfig, rec: Recording, marker: Marker | None
) -> RequestPolicies:
    """Merge marker > server options > scenario file > defaults."""
    given = marker.policies if marker else NO_POLICIES
    p = given.over(cfg.policies, rec.policies)
    if given.faults or not p.faults:
        faults_from = "mock marker"
    elif cfg.policies.faults:
        faults_from = "mock-ollama --fault"
    else:
        faults_from = f"scenario {rec.name}"
    return RequestPolicies(
        timing=p.timing or Timing("recorded"),
        fragment=p.fragment or Fragment("line"),
        faults=p.faults,
        header_delay_ns=rec.header_delay_ns
        if p.header_delay_ms is None
        else round(p.header_delay_ms * 1e6),
        gap_ns=DEFAULT_GAP_NS if p.gap_ms is None else round(p.gap_ms * 1e6),
        seed=p.seed or 0,
        faults_from=faults_from,
    )
