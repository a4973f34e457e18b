"""What the harness sends: one probe is one request with one upstream behaviour.

Pure data (and the mock's pure marker/policy modules, the grammar's one owner). A
check names the probes whose evidence it judges (harness.checks); the
runner (harness.gate.run) performs each probe once per layer and hands the evidence over.
The upstream behaviour travels in the prompt as the mock's routing marker:
``[[mock: scenario=NAME timing=… fragment=… fault=… header-delay=MS req=ID]]``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from mock_ollama.scenario.marker import Marker
from mock_ollama.scenario.policies import (
    Policies,
    parse_fault,
    parse_fragment,
    parse_timing,
)


@dataclass(frozen=True, slots=True)
class Probe:
    name: str
    scenario: str = "qwen-chat"
    timing: str = "fixed:10"
    fragment: str = "line"
    faults: tuple[str, ...] = ()
    header_delay_ms: int = 0
    gap_ms: float | None = None
    #: request variant, a key of harness.probe.requests.VARIANTS
    request: str = "valid"
    accept_encoding: str = "gzip, deflate"
    #: "first-token": abort as soon as the first token has arrived
    stop: str = ""
    #: abort as soon as the mock has received the proxied request
    abort_on_upstream: bool = False
    #: stop reading after the response head for this long, then abort
    pause_after_head_s: float | None = None
    #: run against a second proxy instance whose upstream is a dead port
    upstream_down: bool = False
    #: the silence is the run's --idle-seconds (header delay), not header_delay_ms
    idle: bool = False
    #: with ``idle``: the silence comes before this recording line (the mock's
    #: ``stall:N:MS`` fault) instead of before the head (``header-delay``)
    idle_before_line: int | None = None
    #: read until an error, a completion, the end, or this long (failure probes: the
    #: client must be able to tell it failed within this long); None: the default limits
    patience_s: float | None = None
    #: judged on the direct layer only: behind nginx the layer, not the proxy, decides
    direct_only: bool = False
    extra_marker: tuple[tuple[str, str], ...] = field(default=())

    def marker(self, req: str, idle_ms: int) -> str:
        """The routing marker's text, rendered by its owner (mock_ollama.scenario.marker)."""
        delay = idle_ms if self.idle else self.header_delay_ms
        faults = [*self.faults]
        if self.idle and self.idle_before_line is not None:
            # the silence comes mid-stream (the mock's stall fault), not before the head
            faults.append(f"stall:{self.idle_before_line}:{idle_ms}")
            delay = self.header_delay_ms
        extra = dict(self.extra_marker)
        unknown = set(extra) - {"repeat"}
        if unknown:
            raise ValueError(
                f"probe {self.name}: unknown marker keys {sorted(unknown)}"
            )
        policies = Policies(
            timing=parse_timing(self.timing),
            fragment=parse_fragment(self.fragment),
            faults=tuple(parse_fault(f) for f in faults),
            header_delay_ms=float(delay) if delay else None,
            gap_ms=self.gap_ms,
        )
        repeat = int(extra["repeat"]) if "repeat" in extra else None
        return str(Marker(self.scenario, policies, req=req, repeat=repeat))


#: the latency scenario: 22 short tokens, 60 ms apart (LAT-NO-BATCHING,
#: ~20 tokens spaced ~50-100 ms)
#: the model every request names unless the user gives one (the mock accepts any)
DEFAULT_MODEL = "qwen2.5:7b"
#: the prompt every probe and benchmark stream carries before its marker
PROMPT = "Why is the sky blue? "
LAT_TIMING = "fixed:60"

#: the slow reader stops reading for this long while upstream sends
#: SLOW_READER_REPEAT x the size-sweep scenario (~1.4 MB of tokens each) as fast as it can
SLOW_READER_PAUSE_S = 5.0
SLOW_READER_REPEAT = 40

#: CANCEL-*: the upstream connection must close within this long of the client's abort
CANCEL_MS = 2000

#: END-UPSTREAM-STATUS / END-UPSTREAM-DOWN: "within 30 s the client can tell it failed"
FAILURE_PATIENCE_S = 30.0

PROBES: dict[str, Probe] = {
    p.name: p
    for p in (
        Probe("valid"),
        Probe("compress", accept_encoding="gzip, br"),
        Probe("early-flush", header_delay_ms=1500),
        Probe("utf8", scenario="multilingual", fragment="utf8", gap_ms=2),
        Probe("split-json", fragment="json", gap_ms=2),
        Probe("split-bytes", fragment="bytes:1", timing="zero", gap_ms=0.3),
        Probe("split-coalesce", fragment="coalesce:3"),
        Probe("split-random", fragment="random:7", gap_ms=1),
        Probe("injection", scenario="injection"),
        Probe("long-line", scenario="long-line"),
        Probe("lat", timing=LAT_TIMING),
        Probe("sizes", scenario="size-sweep", timing="fixed:150"),
        Probe("error-line", scenario="error-mid-stream"),
        Probe("truncated", faults=("cut-at:5",)),
        Probe("status-404", faults=("status:404",), patience_s=FAILURE_PATIENCE_S),
        Probe("status-500", faults=("status:500",), patience_s=FAILURE_PATIENCE_S),
        Probe(
            "down",
            upstream_down=True,
            direct_only=True,
            patience_s=FAILURE_PATIENCE_S,
        ),
        Probe("garbage", faults=("garbage-at:4",)),
        Probe("malformed", faults=("malformed-at:4",)),
        Probe("alive"),
        # three times the scenario: upstream is still streaming well past the 2 s limit
        Probe(
            "cancel-mid",
            timing=LAT_TIMING,
            stop="first-token",
            extra_marker=(("repeat", "3"),),
        ),
        Probe("cancel-before", header_delay_ms=15000, abort_on_upstream=True),
        Probe(
            "slow-reader",
            scenario="size-sweep",
            timing="zero",
            pause_after_head_s=SLOW_READER_PAUSE_S,
            extra_marker=(("repeat", str(SLOW_READER_REPEAT)),),
            direct_only=True,
        ),
        Probe("wrong-type", request="wrong-type"),
        Probe("missing-type", request="missing-type"),
        Probe("type-params", request="type-params"),
        Probe("malformed-json", request="malformed-json"),
        Probe("accept-png", request="accept-png"),
        Probe("get", request="get"),
        Probe("idle", idle=True),
        # the same silence after the first token (line 0 of qwen-chat is a token)
        Probe("idle-mid", idle=True, idle_before_line=1),
    )
}
