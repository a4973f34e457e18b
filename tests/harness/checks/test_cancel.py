"""CANCEL judges on synthetic evidence: one row per pass and per failure branch.

Times are milliseconds after the request was sent (evidence.T0); the mock's stamps
and the client's share one clock.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from harness.checks import BY_ID, cancel
from harness.checks.model import Outcome
from harness.client.observation import End
from tests.harness.evidence import (
    MS,
    ROW_NAMES,
    T0,
    TOKENS,
    assert_covered,
    assert_row,
    context,
    exchange,
    raw,
    row,
    streamed,
)

if TYPE_CHECKING:
    from harness.probe.evidence import Evidence

OK, FAILED, NON_STRICT, INFO = (
    Outcome.OK,
    Outcome.FAILED,
    Outcome.NON_STRICT,
    Outcome.INFO,
)
MB = 1024 * 1024
WRITES = [10 * (i + 1) for i in range(len(TOKENS))]


def aborted(
    probe: str,
    *,
    abort_ms: int | None = 100,
    upstream: str | None = "client-gone",
    gone_ms: int | None = None,
    closed_ms: int | None = None,
) -> dict[str, Evidence]:
    """A stream the client aborted at ``abort_ms``; upstream ended as ``upstream``."""
    exchanges = (
        ()
        if upstream is None
        else (
            exchange(
                WRITES,
                end=upstream,
                client_gone_ns=None if gone_ms is None else T0 + gone_ms * MS,
                closed_ns=None if closed_ms is None else T0 + closed_ms * MS,
            ),
        )
    )
    e = streamed(
        probe,
        sent=TOKENS[:1],
        done=False,
        end=End.ABORTED if abort_ms is not None else End.COMPLETE,
        end_ms=abort_ms,
        exchanges=exchanges,
        abort_ns=None if abort_ms is None else T0 + abort_ms * MS,
    )
    return {probe: e}


def slow(
    sent_mb: int, *, end: str = "client-gone", total_mb: int = 56
) -> dict[str, Evidence]:
    """Upstream wrote ``sent_mb`` 1 MB lines of a ``total_mb`` MB stream."""
    ex = exchange(
        list(range(sent_mb)),
        [MB] * sent_mb,
        unwritten=[MB] * (total_mb - sent_mb),
        end=end,
    )
    e = streamed(
        "slow-reader",
        sent=TOKENS[:1],
        done=False,
        end=End.ABORTED,
        wire_body_size=64 * 1024,
        exchanges=(ex,),
    )
    return {"slow-reader": e}


ROWS = [
    row(
        "CANCEL-MID-STREAM",
        aborted("cancel-mid", gone_ms=150),
        OK,
        "upstream connection closed 50 ms after the client aborted",
        id="mid-closed",
    ),
    row(
        "CANCEL-MID-STREAM",
        aborted("cancel-mid", gone_ms=None, closed_ms=400),
        OK,
        "upstream connection closed 300 ms after the client aborted",
        id="mid-closed-without-gone-stamp",
    ),
    row(
        "CANCEL-MID-STREAM",
        aborted("cancel-mid", upstream="complete", closed_ms=400),
        FAILED,
        "upstream's connection stayed open after the client aborted after the first "
        "token (upstream end: complete)",
        id="mid-upstream-ran-to-the-end",
    ),
    row(
        "CANCEL-MID-STREAM",
        aborted("cancel-mid", gone_ms=2600),
        FAILED,
        "upstream connection closed 2500 ms after the client aborted after the first "
        "token (limit 2000 ms)",
        id="mid-closed-late",
    ),
    row(
        "CANCEL-MID-STREAM",
        aborted("cancel-mid", upstream=None, abort_ms=None),
        FAILED,
        "the proxied request never reached upstream, so after the first token cannot "
        "be judged",
        id="mid-never-upstream",
    ),
    row(
        "CANCEL-MID-STREAM",
        aborted("cancel-mid", abort_ms=None, upstream="complete"),
        INFO,
        "cannot be judged: upstream had finished before the first token reached the client",
        id="mid-buffered-whole-stream",
    ),
    row(
        "CANCEL-MID-STREAM",
        aborted("cancel-mid", abort_ms=None, upstream="running"),
        FAILED,
        "the client never got to abort",
        id="mid-no-abort",
    ),
    row(
        "CANCEL-BEFORE-FIRST-TOKEN",
        aborted("cancel-before", upstream=None),
        OK,
        "upstream was never contacted before the client left",
        id="before-not-contacted",
    ),
    row(
        "CANCEL-BEFORE-FIRST-TOKEN",
        aborted("cancel-before", gone_ms=1100),
        OK,
        "closed 1000 ms after the client aborted",
        id="before-closed",
    ),
    row(
        "CANCEL-BEFORE-FIRST-TOKEN",
        aborted("cancel-before", upstream="running"),
        FAILED,
        "stayed open after the client aborted before the first token (upstream end: running)",
        id="before-left-open",
    ),
    row(
        "CANCEL-SLOW-READER",
        slow(20, end="complete", total_mb=20),
        OK,
        "the whole 20 MB stream fit the buffers",
        id="slow-fits",
    ),
    row(
        "CANCEL-SLOW-READER",
        slow(12),
        OK,
        "upstream was held back after 12.0 of 56 MB (upstream end: client-gone)",
        id="slow-held-back",
    ),
    row(
        "CANCEL-SLOW-READER",
        slow(40),
        NON_STRICT,
        "while the client read only 64 KB, the proxy took 40 of 56 MB from upstream",
        id="slow-unbounded",
    ),
    row(
        "CANCEL-SLOW-READER",
        {"slow-reader": raw("slow-reader", b"", status=502)},
        NON_STRICT,
        "the proxied request never reached upstream",
        id="slow-never-upstream",
    ),
]


@pytest.mark.parametrize(ROW_NAMES, ROWS)
def test_judge(check_id, ev, ctx, outcome, fragment):
    assert_row(check_id, ev, ctx, outcome, fragment)


def test_every_check_has_rows():
    assert_covered(ROWS, cancel.CHECKS)


def test_slow_reader_metrics():
    found = cancel.slow_reader(slow(40), context())
    assert found.metrics == {"upstream_mb": 40.0, "client_kb": 64.0}


def test_slow_reader_is_judged_directly_only():
    check = BY_ID["CANCEL-SLOW-READER"]
    assert check.applies(context()) and not check.applies(context(layer="nginx"))
