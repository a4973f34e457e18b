"""Facts about one layer's probe evidence that the checks' needs test (pure).

Each is a ``Holds``: evidence in, bool out. Absent probes never make a fact false
(the judge reports those as UNIMPLEMENTED first), except where a fact is about what
some probe got (``stream``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from harness.checks.common import is_stream, lags
from harness.checks.end import tokens_after_done
from harness.checks.idle import SILENCES, beats_in_silence, silence
from harness.sse import LINT_INVALID_UTF8

if TYPE_CHECKING:
    from harness.probe.evidence import Evidence

Holds = Callable[[Mapping[str, "Evidence"]], bool]


def _present(ev: Mapping[str, Evidence], names: tuple[str, ...]) -> list[Evidence]:
    return [ev[name] for name in names if name in ev]


def head(*probes: str) -> Holds:
    """Every probe got a response head."""
    return lambda ev: all(e.obs.status is not None for e in _present(ev, probes))


def stream(*probes: str) -> Holds:
    """Some probe got a 200 (its body is then parsed as SSE whatever its type says)."""
    return lambda ev: any(is_stream(e) for e in _present(ev, probes))


def tokens(probe: str) -> Holds:
    """Upstream's tokens could be read and timed on ``probe``."""
    return lambda ev: probe not in ev or bool(lags(ev[probe]))


def streamed(e: Evidence) -> bool:
    """The first token reached the client while upstream was still writing."""
    found = lags(e)
    if not found or not e.exchanges or not e.expected.lines:
        return False
    last = e.exchanges[-1].line_written_ns(e.expected.lines[-1])
    return last is None or found[0].arrived_ns < last


def streams(probe: str) -> Holds:
    return lambda ev: probe not in ev or streamed(ev[probe])


def completed(probe: str) -> Holds:
    """``probe``'s stream carried the dialect's completion event."""
    return lambda ev: probe in ev and ev[probe].transcript.done is not None


def completes(ev: Mapping[str, Evidence]) -> bool:
    """Some stream carried the dialect's completion event."""
    return any(e.transcript.done is not None for e in ev.values())


def heartbeats(ev: Mapping[str, Evidence]) -> bool:
    return any(beats_in_silence(e) for e in _present(ev, SILENCES))


def fifteen(ev: Mapping[str, Evidence]) -> bool:
    return "wrong-type" not in ev or ev["wrong-type"].obs.status == 415


def readable(probe: str) -> Holds:
    """``probe`` got a 200 whose tokens are exactly upstream's (a stream to lint)."""
    return lambda ev: (
        probe not in ev
        or (
            is_stream(ev[probe])
            and ev[probe].transcript.text == ev[probe].expected.text
        )
    )


def contacted(probe: str) -> Holds:
    return lambda ev: probe not in ev or ev[probe].upstream_contacted


def invalid_utf8(probe: str) -> Holds:
    return lambda ev: (
        probe in ev
        and any(f.code == LINT_INVALID_UTF8 for f in ev[probe].transcript.findings)
    )


def replaced(*probes: str) -> Holds:
    """Some probe's text has a U+FFFD upstream never sent (a decoding fault, not a loss)."""
    return lambda ev: any(
        "\ufffd" in e.transcript.text and "\ufffd" not in e.expected.text
        for e in _present(ev, probes)
    )


def negated(test: Holds) -> Holds:
    return lambda ev: not test(ev)


def held_head(probe: str) -> Holds:
    """``probe``'s head came late in its silence (or never): a head held back for
    upstream can explain that silence. After the first token it cannot: the head is
    out by then."""

    def test(ev: Mapping[str, Evidence]) -> bool:
        if probe not in ev:
            return False
        e = ev[probe]
        start, end = silence(e)
        return e.obs.head_ns is None or e.obs.head_ns > (start + end) // 2

    return test


def done_early(probe: str) -> Holds:
    """``probe``'s stream carried tokens after its completion event: an early
    completion, which explains a text cut short and a completion where none belongs."""
    return lambda ev: probe in ev and bool(tokens_after_done(ev[probe]))
