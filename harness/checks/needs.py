"""What each check needs to judge its own property, and whose failure takes it away (pure).

A check whose evidence cannot exist because another check failed is BLOCKED, with
``blocked_by: <check id>``; it never fails the run. Preconditions are declared per
check. A check judges its own property wherever it can. Nothing to judge at all:
UNIMPLEMENTED with the reason.

Each entry is a :class:`harness.checks.need.Need`: an evidence need or a knock-on
with its causal condition.

A MUST is only ever blocked by a FAILED root, so blocking never lowers the exit
status (a gzip-buffered stream fails LAT-FIRST-TOKEN whatever HDR-NO-COMPRESSION says).
``NEEDS`` is the one table; :func:`with_roots` adds the roots of selected checks to a
run, so a check is never blocked by one that was not judged.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from harness.checks.facts import (
    completed,
    completes,
    contacted,
    done_early,
    fifteen,
    head,
    heartbeats,
    held_head,
    invalid_utf8,
    negated,
    readable,
    replaced,
    stream,
    streams,
    tokens,
)
from harness.checks.need import Need as Need, knock as knock

if TYPE_CHECKING:
    from collections.abc import Iterable

    from harness.checks.model import Check


SPLITS = ("split-json", "split-bytes", "split-coalesce", "split-random")


STATUS = "HDR-STATUS-200"
TYPE = "HDR-CONTENT-TYPE"
MAPPING = "FRM-TOKEN-MAPPING"
FIRST = "LAT-FIRST-TOKEN"
#: the failures that leave no readable token stream to time or compare
READABLE = (STATUS, TYPE, MAPPING)
EARLY = "HDR-EARLY-FLUSH"
AFTER_DONE = "END-NOTHING-AFTER-DONE"
#: what must hold before a silence can be judged (no stream, no completion, buffered)
QUIET = (
    STATUS,
    TYPE,
    MAPPING,
    "HDR-NO-CONTENT-LENGTH",
    "HDR-NO-COMPRESSION",
    FIRST,
    "END-DONE",
)
VALID_200 = Need("a 200 answer to the valid request", (STATUS,), stream("valid"))
VALID_HEAD = Need("a response to the valid request", (STATUS,), head("valid"))
#: the lints judge an event stream the dialect reads, not any body at all
LINTABLE = Need(
    "an event stream carrying upstream's text (valid probe)",
    READABLE,
    readable("valid"),
)


def _stream(*probes: str) -> Need:
    return Need(
        f"a 200 answer to the {'/'.join(probes)} probe", (STATUS,), stream(*probes)
    )


def _timed(probe: str) -> Need:
    return Need(
        f"upstream's tokens, readable and timed, on the {probe} probe",
        READABLE,
        tokens(probe),
    )


def _silent(probe: str) -> tuple[Need, ...]:
    """A silence is judged once a stream exists; a head held back for upstream's first
    token explains only a silence the head came late in (before the first byte)."""
    return (
        knock(*QUIET),
        knock(
            EARLY,
            when=held_head(probe),
            because=f"the head came late in the {probe} silence (or never)",
        ),
    )


def _streamed(probe: str) -> Need:
    return Need(
        f"a first token that arrived while upstream was still writing ({probe} probe)",
        (FIRST, *READABLE),
        streams(probe),
    )


FRM_STREAMS = ("valid", "injection", "utf8", "error-line", "lat")

# check id -> what it needs, in order (the first unmet need decides)
NEEDS: dict[str, tuple[Need, ...]] = {
    "HDR-STATUS-200": (),
    "HDR-CONTENT-TYPE": (VALID_HEAD, knock(STATUS)),
    "HDR-NO-CONTENT-LENGTH": (VALID_200,),
    "HDR-H2-NO-CONN-HEADERS": (VALID_HEAD,),
    "HDR-EARLY-FLUSH": (
        _stream("early-flush"),
        Need(
            "a proxy that asks upstream (early-flush probe)",
            READABLE,
            contacted("early-flush"),
        ),
        knock("HDR-NO-CONTENT-LENGTH"),
    ),
    "HDR-CACHE": (VALID_200,),
    "HDR-ACCEL": (VALID_200,),
    "HDR-NO-COMPRESSION": (_stream("compress"),),
    # serving upstream's own media type is HDR-CONTENT-TYPE's finding first
    "HDR-NO-UPSTREAM-LEAK": (VALID_HEAD, knock(TYPE)),
    # invalid bytes are its own finding whatever the type; a U+FFFD where upstream cut
    # a character is FRM-UTF8-SPLIT's
    "FRM-UTF8-VALID": (
        _stream("valid", "utf8"),
        knock(
            "FRM-UTF8-SPLIT",
            when=replaced("utf8"),
            because="a U+FFFD upstream never sent is on the utf8 stream",
        ),
    ),
    # a character mangled is FRM-UTF8-SPLIT's finding, a line lost FRM-NDJSON-SPLIT's
    "FRM-UTF8-SPLIT": (
        _stream("utf8"),
        knock(TYPE),
        knock(
            "FRM-NDJSON-SPLIT",
            when=negated(replaced("utf8")),
            because="no character was replaced (a line was lost, not mangled)",
        ),
    ),
    # a completion sent early cuts the text a client reads: that is the early
    # completion's finding, where tokens followed it on this stream
    "FRM-TOKEN-MAPPING": (
        VALID_200,
        knock(TYPE),
        knock(
            "FRM-UTF8-VALID",
            when=invalid_utf8("valid"),
            because="the valid stream carries invalid UTF-8",
        ),
        knock(
            AFTER_DONE,
            when=done_early("valid"),
            because="tokens followed the completion on the valid stream",
        ),
    ),
    "FRM-NDJSON-SPLIT": (
        VALID_200,
        knock(TYPE, MAPPING),
        knock(
            "FRM-UTF8-SPLIT",
            when=replaced(*SPLITS),
            because="a U+FFFD upstream never sent is on a split stream",
        ),
    ),
    "FRM-INJECTION": (_stream("injection"), knock(TYPE, MAPPING)),
    "FRM-TERMINATED": (LINTABLE, knock("FRM-INJECTION")),
    "FRM-FIELDS": (LINTABLE, knock("FRM-INJECTION")),
    "FRM-LF-ONLY": (LINTABLE, knock("FRM-INJECTION")),
    "FRM-NO-BOM": (LINTABLE,),
    "FRM-LONG-LINE": (_stream("long-line"), knock(TYPE, MAPPING, "FRM-NDJSON-SPLIT")),
    "LAT-FIRST-TOKEN": (
        _timed("lat"),
        knock("HDR-NO-CONTENT-LENGTH", "HDR-NO-COMPRESSION"),
    ),
    "LAT-NO-BATCHING": (_timed("lat"), _streamed("lat"), knock(FIRST)),
    "LAT-SIZE-SWEEP": (
        _timed("sizes"),
        _streamed("lat"),
        knock(FIRST, "FRM-NDJSON-SPLIT"),
    ),
    "LAT-OVERHEAD": (),
    # a completion the dialect cannot read is the mapping's doing; a response that
    # does not end after a completion it read is END-DONE's own finding
    "END-DONE": (
        VALID_200,
        knock(
            TYPE,
            MAPPING,
            when=negated(completed("valid")),
            because="no completion the dialect reads",
        ),
    ),
    "END-UPSTREAM-ERROR-LINE": (
        Need("a response to the error-line probe", (STATUS,), head("error-line")),
        knock(TYPE, MAPPING),
    ),
    "END-UPSTREAM-TRUNCATED": (
        Need("a response to the truncated probe", (STATUS,), head("truncated")),
        Need("a completion event on some stream", ("END-DONE", *READABLE), completes),
        knock(
            AFTER_DONE,
            when=done_early("truncated"),
            because="tokens followed the completion on the truncated stream",
        ),
    ),
    "END-TRUNCATED-EXPLICIT": (
        Need("a response to the truncated probe", (STATUS,), head("truncated")),
        knock(TYPE, MAPPING),
    ),
    AFTER_DONE: (
        Need("a completion event on some stream", ("END-DONE", *READABLE), completes),
    ),
    "END-UPSTREAM-STATUS": (knock(*READABLE),),
    "END-UPSTREAM-DOWN": (knock(STATUS),),
    "END-UPSTREAM-DOWN-STATUS": (knock(STATUS),),
    "END-GARBAGE": (LINTABLE,),
    "CANCEL-MID-STREAM": (_streamed("cancel-mid"), knock(STATUS)),
    "CANCEL-BEFORE-FIRST-TOKEN": (
        Need("a proxy that asks upstream (valid probe)", READABLE, contacted("valid")),
        knock(STATUS),
    ),
    # a proxy that drops what it cannot parse drains upstream without buffering it
    # ... and one that keeps reading upstream after its client left drains it too
    "CANCEL-SLOW-READER": (
        _streamed("lat"),
        knock(STATUS, "FRM-NDJSON-SPLIT", "CANCEL-MID-STREAM"),
    ),
    "REQ-415-WRONG-TYPE": (knock(STATUS),),
    "REQ-415-ACCEPT-POST": (Need("a 415 answer", ("REQ-415-WRONG-TYPE",), fifteen),),
    # a proxy that checks no Content-Type at all fails both: the wrong type names it
    "REQ-415-MISSING-TYPE": (knock(STATUS, "REQ-415-WRONG-TYPE"),),
    "REQ-TYPE-PARAMS": (knock(STATUS, TYPE),),
    "REQ-400-MALFORMED": (knock(STATUS),),
    "REQ-406-ACCEPT": (knock(STATUS),),
    "REQ-ERROR-BODY": (),
    "REQ-METHOD": (knock(STATUS),),
    "IDLE-HEARTBEAT": (_stream("idle"), *_silent("idle")),
    "IDLE-HEARTBEAT-MID": (
        _stream("idle-mid"),
        _streamed("idle-mid"),
        *_silent("idle-mid"),
    ),
    "IDLE-HEARTBEAT-INVISIBLE": (
        Need(
            "heartbeats during the silences",
            ("IDLE-HEARTBEAT", "IDLE-HEARTBEAT-MID"),
            heartbeats,
        ),
    ),
}


def needs_of(check: str) -> tuple[Need, ...]:
    return NEEDS.get(check, ())


def roots_of(check: str) -> set[str]:
    """Every check ``check`` may be blocked by, transitively."""
    found: set[str] = set()
    todo = [check]
    while todo:
        for need in needs_of(todo.pop()):
            for root in need.roots:
                if root not in found and root != check:
                    found.add(root)
                    todo.append(root)
    return found


def with_roots(
    checks: Iterable[Check], catalogue: Iterable[Check]
) -> tuple[Check, ...]:
    """``checks`` plus every check they may be blocked by, in catalogue order."""
    wanted = {c.id for c in checks}
    for check in list(wanted):
        wanted |= roots_of(check)
    return tuple(c for c in catalogue if c.id in wanted)
