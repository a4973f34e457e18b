"""CANCEL — the client goes away (docs/checks.md).

Judged from the mock's side: when did upstream's connection close, against when the
client aborted (both CLOCK_MONOTONIC), and how much did upstream manage to write while
a client read nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from harness.checks.common import MS, answer
from harness.checks.model import Check, Level, failed, measured, passed, verdict
from harness.probe.catalog import CANCEL_MS

if TYPE_CHECKING:
    from collections.abc import Mapping

    from harness.checks.model import Context, Verdict
    from harness.probe.evidence import Evidence


def _cancel(e: Evidence, what: str) -> Verdict:
    if not e.exchanges:
        if e.abort_ns is None:
            return failed(
                f"the proxied request never reached upstream, so {what} "
                f"cannot be judged: {answer(e)}"
            )
        return passed("upstream was never contacted before the client left")
    ex = e.exchanges[-1]
    gone = ex.client_gone_ns or (ex.closed_ns if ex.end == "client-gone" else None)
    if e.abort_ns is None and ex.end == "complete":
        return measured(
            f"cannot be judged: upstream had finished before the first token reached the "
            f"client, so there was nothing left to cancel ({answer(e)}; see LAT-*)"
        )
    if e.abort_ns is None:
        return failed(f"the client never got to abort ({answer(e)})")
    if gone is None:
        return failed(
            "upstream's connection stayed open after the client aborted "
            f"{what} (upstream end: {ex.end})"
        )
    took = (gone - e.abort_ns) / MS
    return verdict(
        took <= CANCEL_MS,
        f"upstream connection closed {max(took, 0):.0f} ms after the client aborted",
        f"upstream connection closed {took:.0f} ms after the client "
        f"aborted {what} (limit {CANCEL_MS} ms)",
        cancel_ms=round(took, 1),
    )


def cancel_mid(ev: Mapping[str, Evidence], ctx: Context) -> Verdict:
    return _cancel(ev["cancel-mid"], "after the first token")


def cancel_before(ev: Mapping[str, Evidence], ctx: Context) -> Verdict:
    return _cancel(ev["cancel-before"], "before the first token")


#: a proxy that let upstream write more than this while its client read nothing
#: buffers without bound (kernel buffers on loopback hold ~15 MB at most)
SLOW_READER_LIMIT = 32 * 1024 * 1024


def slow_reader(ev: Mapping[str, Evidence], ctx: Context) -> Verdict:
    e = ev["slow-reader"]
    if not e.exchanges:
        return failed(f"the proxied request never reached upstream: {answer(e)}")
    ex = e.exchanges[-1]
    total = sum(line.size for line in ex.lines)
    sent = sum(write.size for write in ex.writes)
    got = e.obs.wire_body_size
    mb = 1024 * 1024
    metrics = {"upstream_mb": round(sent / mb, 1), "client_kb": round(got / 1024, 1)}
    if sent > SLOW_READER_LIMIT:
        return failed(
            f"while the client read only {got / 1024:.0f} KB, the proxy took "
            f"{sent / mb:.0f} of {total / mb:.0f} MB from upstream: likely it buffers a "
            "slow reader without bound",
            **metrics,
        )
    if ex.end == "complete":
        return passed(
            f"the whole {total / mb:.0f} MB stream fit the buffers", **metrics
        )
    return passed(
        f"upstream was held back after {sent / mb:.1f} of {total / mb:.0f} MB "
        f"(upstream end: {ex.end})",
        **metrics,
    )


CHECKS = (
    Check(
        "CANCEL-MID-STREAM",
        Level.MUST,
        "client abort after the first token closes the upstream request within 2 s",
        "the Next.js SSE route-handler article, pitfall 4; Ollama stops on disconnect",
        ("cancel-mid",),
        cancel_mid,
    ),
    Check(
        "CANCEL-BEFORE-FIRST-TOKEN",
        Level.MUST,
        "client abort while upstream is silent cancels the upstream request within 2 s",
        "LiteLLM fixes",
        ("cancel-before",),
        cancel_before,
    ),
    Check(
        "CANCEL-SLOW-READER",
        Level.SHOULD,
        "a client that stops reading does not make the proxy buffer without bound",
        "the Next.js SSE route-handler article, pitfall 5",
        ("slow-reader",),
        slow_reader,
        # behind nginx the layer spools a slow reader's stream to disk, whatever the proxy
        applies=lambda ctx: ctx.layer == "direct",
    ),
)
