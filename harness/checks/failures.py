"""END — upstream failures: the client can tell (MUST), and the ideal answer (SHOULD).

Within 30 s the client can tell it failed, never a completion,
never a hang (END-UPSTREAM-STATUS, END-UPSTREAM-DOWN); and with nothing listening
upstream, ideally 502/503/504 with a JSON body within 5 s (END-UPSTREAM-DOWN-STATUS).
The checks are listed in harness.checks.end.

"The client can tell" is what an HTTP client reports as a failure: a non-2xx status,
an error event, or a transfer that does not end cleanly. RFC 9112 §7.1: "a recipient
MUST NOT assume that a chunked message body is complete until it has received the
last chunk"; fetch() rejects its body stream and EventSource fires ``error`` when the
connection breaks. A 200 whose stream ends cleanly without an error still fails.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from harness.checks.common import MS, answer
from harness.checks.model import Context, Verdict, verdict
from harness.client.observation import End

if TYPE_CHECKING:
    from collections.abc import Mapping

    from harness.probe.evidence import Evidence

#: an unreachable upstream should be answered with 502/503/504 within this long
DOWN_MS = 5000
#: an upstream failure must be recognisable to the client within this long
TELL_MS = 30_000
#: the probes whose upstream answers with an error status before streaming
STATUS = ("status-404", "status-500")
#: ends a client reports as a network error: the transfer did not end cleanly (a body
#: cut without its last chunk, a connection closed before any response); bytes that
#: are no HTTP at all tell nothing (a target answering garbage gets no OK)
BROKEN = (End.CLOSED,)


def _json_error(e: Evidence) -> bool:
    kind = e.obs.media_type
    return kind in ("application/json", "application/problem+json") or kind.endswith(
        "+json"
    )


def _can_tell(name: str, e: Evidence) -> str:
    """Why the client of ``e`` cannot tell that it failed ("" when it can): within
    TELL_MS a non-2xx status or an error event; never a completion, never a hang."""
    obs, t = e.obs, e.transcript
    if t.done is not None:
        return f"{name}: the client got a completion event"
    if t.errors:
        took = (t.errors[0].t_ns - obs.sent_ns) / MS
        if took <= TELL_MS:
            return ""
        return f"{name}: the error event came only after {took / 1000:.1f} s"
    if obs.status is not None and not 200 <= obs.status < 300:
        took = ((obs.head_ns or obs.end_ns) - obs.sent_ns) / MS
        if took <= TELL_MS:
            return ""
        return f"{name}: the {obs.status} came only after {took / 1000:.1f} s"
    if obs.end in BROKEN:
        took = (obs.end_ns - obs.sent_ns) / MS
        if took <= TELL_MS:
            return ""
        return f"{name}: the transfer broke only after {took / 1000:.1f} s"
    if obs.end is End.TIMEOUT or obs.end is End.ABORTED:
        return (
            f"{name}: no error status, error event or broken transfer within "
            f"{TELL_MS // 1000} s; the response hung ({answer(e)})"
        )
    if obs.end is End.CONNECT_FAILED:
        return f"{name}: the proxy took no request ({answer(e)})"
    return (
        f"{name}: the response ended cleanly with neither a non-2xx status nor an "
        f"error event ({answer(e)})"
    )


def _told(e: Evidence) -> str:
    if e.transcript.errors:
        took = (e.transcript.errors[0].t_ns - e.obs.sent_ns) / MS
        return f"an error event after {took:.0f} ms"
    if e.obs.status is not None and not 200 <= e.obs.status < 300:
        return f"HTTP {e.obs.status}"
    took = (e.obs.end_ns - e.obs.sent_ns) / MS
    got = "no response" if e.obs.status is None else f"HTTP {e.obs.status}"
    return f"{got}, a transfer that broke after {took:.0f} ms ({e.obs.end.value})"


def upstream_status(ev: Mapping[str, Evidence], ctx: Context) -> Verdict:
    problems = [_can_tell(n.replace("status-", "upstream "), ev[n]) for n in STATUS]
    problems = [p for p in problems if p]
    return verdict(
        not problems,
        "upstream failures reach the client as failures: "
        + ", ".join(f"{n.split('-')[1]} as {_told(ev[n])}" for n in STATUS),
        "; ".join(problems),
    )


def upstream_down(ev: Mapping[str, Evidence], ctx: Context) -> Verdict:
    e = ev["down"]
    problem = _can_tell("nothing listening upstream", e)
    return verdict(
        not problem,
        f"nothing listening upstream: the client got {_told(e)}",
        problem,
    )


def upstream_down_status(ev: Mapping[str, Evidence], ctx: Context) -> Verdict:
    # RFC 9110 §15.6.3: 502 "while acting as a gateway or proxy, received an invalid
    # response from an inbound server"; 503/504 for unavailable / timed out.
    e = ev["down"]
    took = (e.obs.end_ns - e.obs.sent_ns) / MS
    ok = e.obs.status in (502, 503, 504) and _json_error(e) and took <= DOWN_MS
    got = f"the client got {answer(e)} after {took:.0f} ms"
    if e.obs.status == 500:
        got += " (a bare 500: likely an unhandled exception)"
    elif e.obs.status == 200:
        got += " (the head went out before upstream was tried)"
    return verdict(
        ok,
        f"{e.obs.status} with a JSON error after {took:.0f} ms",
        f"with nothing listening upstream {got}; "
        f"wanted 502/503/504 with a JSON error within {DOWN_MS} ms",
    )
