"""``check_dialect``: a ``module:function`` dialect tried before a gate run trusts it.

A dialect reads the tokens, the completion and the errors out of a proxy's events
(``harness.probe.dialects``). ``check_dialect`` loads it as ``--dialect`` would, feeds
it every event of the event-stream vectors (a dialect sees odd events too: it may
ignore them, it must not raise or answer in a shape the gate cannot use) and, given a
sample of the proxy's own stream and the tokens in it, checks that it reads exactly
those tokens and the completion. Any misreading is an AssertionError saying what was
fed and what came back; pytest shows it without this module's frames. Pure.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from harness.errors import UsageError
from harness.probe.dialects import Dialect, Kind, Reading, make_dialect
from harness.sse import Event, SSEParser
from harness.testing.vectors import ALL

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = ["check_dialect"]


def _events(stream: bytes) -> list[Event]:
    parser = SSEParser()
    items = [*parser.feed(stream), *parser.close()]
    return [item for item in items if isinstance(item, Event)]


def _read(dialect: Dialect, event: Event, where: str) -> list[Reading]:
    __tracebackhide__ = True
    try:
        readings = list(dialect.classify(event))
    except Exception as exc:
        raise AssertionError(
            f"dialect {dialect.name} raised {type(exc).__name__}: {exc} on {where} "
            f"(event {event.type!r}, data {event.data[:80]!r})"
        ) from exc
    for reading in readings:
        if not isinstance(reading, Reading) or not isinstance(reading.kind, Kind):
            raise AssertionError(
                f"dialect {dialect.name} answered {reading!r} on {where}: expected "
                "Reading(Kind, text) or (kind, text) pairs"
            )
    return readings


def check_dialect(
    dialect: str | Dialect,
    sample: bytes | None = None,
    tokens: Sequence[str] | None = None,
    *,
    done: bool = True,
) -> Dialect:
    """Raise AssertionError when ``dialect`` (a name or ``module:function``) cannot
    be loaded, raises or answers nonsense on an event of the vectors, or — given
    ``sample`` (event-stream bytes as the proxy sends them) and ``tokens`` — does
    not read exactly ``tokens`` and (``done``) a completion out of it. Returns the
    loaded dialect."""
    __tracebackhide__ = True
    if isinstance(dialect, str):
        try:
            dialect = make_dialect(dialect)
        except UsageError as exc:
            raise AssertionError(str(exc)) from None
    for name, stream, _ in ALL:
        for event in _events(stream):
            _read(dialect, event, f"vector {name}")
    if sample is None:
        return dialect
    readings = [r for e in _events(sample) for r in _read(dialect, e, "the sample")]
    read: list[str] = []
    for reading in readings:
        if reading.kind is Kind.DONE:
            break
        if reading.kind is Kind.ERROR:
            raise AssertionError(
                f"dialect {dialect.name} read an error in the sample: {reading.text!r}"
            )
        if reading.kind is Kind.TOKEN:
            read.append(reading.text)
    if tokens is not None and read != list(tokens):
        raise AssertionError(
            f"dialect {dialect.name} read the tokens {read!r} from the sample, "
            f"expected {list(tokens)!r}"
        )
    if done and not any(r.kind is Kind.DONE for r in readings):
        raise AssertionError(
            f"dialect {dialect.name} read no completion (Kind.DONE) in the sample"
        )
    return dialect
