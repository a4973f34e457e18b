"""FRM — the framing of what the client receives, parsed strictly and linted."""

from __future__ import annotations

from typing import TYPE_CHECKING

from harness import sse
from harness.checks.common import answer, is_stream, show, text_diff
from harness.checks.model import (
    Check,
    Level,
    Verdict,
    failed,
    passed,
    unimplemented,
    verdict,
)
from harness.probe.dialects import Kind

if TYPE_CHECKING:
    from collections.abc import Mapping

    from harness.checks.model import Context
    from harness.probe.evidence import Evidence

#: probes whose complete, successful stream is linted by the whole-stream checks
STREAMS = ("valid", "injection", "utf8", "error-line", "lat")


def _mapping(e: Evidence) -> tuple[bool, str]:
    """Tokens concatenate to exactly upstream's text (the proxy's contract)."""
    if not is_stream(e):
        return False, f"no 200 answer: {answer(e)}"
    got, expected = e.transcript.text, e.expected.text
    if got == expected:
        return True, f"{len(e.transcript.tokens)} tokens, text identical to upstream"
    others = [r.text for r in e.transcript.readings if r.kind is Kind.OTHER]
    hint = (
        f"; {len(others)} events not read as tokens (first: {others[0]})"
        if others
        else ""
    )
    return False, f"text {text_diff(expected, got)}{hint}"


def utf8_valid(ev: Mapping[str, Evidence], ctx: Context) -> Verdict:
    # WHATWG 9.2.5: "Event streams are always decoded as UTF-8."
    problems = []
    for name in ("valid", "utf8"):
        e = ev[name]
        bad = [f for f in e.transcript.findings if f.code == sse.LINT_INVALID_UTF8]
        if bad:
            problems.append(f"{name}: invalid UTF-8 at byte {bad[0].offset}")
        elif "\ufffd" in e.transcript.text and "\ufffd" not in e.expected.text:
            problems.append(f"{name}: U+FFFD that upstream never sent")
    return verdict(not problems, "valid UTF-8", "; ".join(problems))


def utf8_split(ev: Mapping[str, Evidence], ctx: Context) -> Verdict:
    ok, detail = _mapping(ev["utf8"])
    return Verdict(
        ok,
        detail
        + ("" if ok else " (upstream cut 2-, 3- and 4-byte characters across writes)"),
    )


def token_mapping(ev: Mapping[str, Evidence], ctx: Context) -> Verdict:
    ok, detail = _mapping(ev["valid"])
    return Verdict(ok, detail, {"events": len(ev["valid"].transcript.events)})


SPLITS = {
    "split-json": "lines cut inside JSON strings",
    "split-bytes": "one byte per write",
    "split-coalesce": "three lines per write",
    "split-random": "random seeded cuts",
}


def ndjson_split(ev: Mapping[str, Evidence], ctx: Context) -> Verdict:
    problems = []
    for name, what in SPLITS.items():
        ok, detail = _mapping(ev[name])
        if not ok:
            problems.append(f"{what}: {detail}")
    return verdict(
        not problems, "same text for every fragmentation", "; ".join(problems)
    )


def injection(ev: Mapping[str, Evidence], ctx: Context) -> Verdict:
    # 9.2.5 ABNF: any-char excludes CR and LF, so token text must be encoded, never raw.
    # What the proxy also sends for ordinary tokens (an extra sentinel, a named event
    # type) is its own business: only what the injection scenario adds counts.
    e, plain = ev["injection"], ev["valid"]
    ok, detail = _mapping(e)
    usual = {event.type for _, event in plain.transcript.events} | {"message", "error"}
    types = sorted({event.type for _, event in e.transcript.events} - usual)
    others = [r for r in e.transcript.readings if r.kind is Kind.OTHER]
    extra = len(others) - sum(r.kind is Kind.OTHER for r in plain.transcript.readings)
    unknown = [f for f in e.transcript.findings if f.code == sse.LINT_UNKNOWN_FIELD]
    problems = [] if ok else [detail]
    if types:
        problems.append(f"extra event types {types}")
    if extra > 0:
        problems.append(
            f"{extra} more events that are not tokens ({show(others[-1].event.data)})"
        )
    if unknown:
        problems.append(f"unknown fields ({unknown[0].detail})")
    # only what the stream shows is stated; a cause is worded as "likely"
    raw_text = bool(types or extra > 0 or unknown)
    return verdict(
        not problems,
        "tokens with \\n\\n, \\r, \\r\\n, 'data: x', 'event: y' round-trip exactly",
        "; ".join(problems)
        + (" — likely token text reached the stream unencoded" if raw_text else ""),
    )


def _lost(pending: str | None) -> bool:
    """Pending text at EOF that the spec discards: anything but comment lines."""
    lines = (pending or "").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return any(line and not line.startswith(":") for line in lines)


def terminated(ev: Mapping[str, Evidence], ctx: Context) -> Verdict:
    # 9.2.6: "Once the end of the file is reached, any pending data must be discarded."
    bad = [
        f"{name}: final event not ended by a blank line "
        f"({show(ev[name].transcript.unterminated or '')})"
        for name in STREAMS
        if is_stream(ev[name]) and _lost(ev[name].transcript.unterminated)
    ]
    return verdict(not bad, "every event ends with a blank line", "; ".join(bad))


FIELD_CODES = (sse.LINT_UNKNOWN_FIELD, sse.LINT_INVALID_RETRY, sse.LINT_ID_NUL)


def fields(ev: Mapping[str, Evidence], ctx: Context) -> Verdict:
    bad = [
        f"{name}: {f.code} at byte {f.offset}: {f.detail}"
        for name in STREAMS
        for f in ev[name].transcript.findings
        if f.code in FIELD_CODES and is_stream(ev[name])
    ]
    return verdict(
        not bad, "only data/event/id/retry fields and comments", "; ".join(bad[:3])
    )


def lf_only(ev: Mapping[str, Evidence], ctx: Context) -> Verdict:
    # only bodies that are event streams: an error page (nginx's 502 has CRLF line
    # endings) is no stream a client parses
    streams = [name for name in STREAMS if is_stream(ev[name])]
    if not streams:
        return unimplemented(
            "no response was an event stream: no line endings to judge"
        )
    counts = {"cr": 0, "crlf": 0}
    for name in streams:
        for kind in counts:
            counts[kind] += ev[name].transcript.line_endings.get(kind, 0)
    return verdict(
        not any(counts.values()),
        "LF line endings only",
        f"{counts['crlf']} CRLF and {counts['cr']} bare CR line endings; naive "
        "split('\\n\\n') clients miss events",
        **counts,
    )


def no_bom(ev: Mapping[str, Evidence], ctx: Context) -> Verdict:
    streams = [name for name in STREAMS if is_stream(ev[name])]
    if not streams:
        return unimplemented(
            "no response was an event stream: no stream start to judge"
        )
    bom = any(
        f.code == sse.LINT_BOM for name in streams for f in ev[name].transcript.findings
    )
    return verdict(not bom, "no byte order mark", "the stream starts with U+FEFF")


def long_line(ev: Mapping[str, Evidence], ctx: Context) -> Verdict:
    e = ev["long-line"]
    ok, detail = _mapping(e)
    longest = max((len(t) for t in e.expected.tokens), default=0)
    if ok:
        return passed(f"a {longest}-character token delivered intact")
    return failed(f"{detail} (upstream sent a single line over 128 KiB)")


CHECKS = (
    Check(
        "FRM-UTF8-VALID",
        Level.MUST,
        "valid UTF-8; no U+FFFD upstream did not send",
        "WHATWG HTML 9.2.5",
        ("valid", "utf8"),
        utf8_valid,
    ),
    Check(
        "FRM-UTF8-SPLIT",
        Level.MUST,
        "characters cut across upstream writes arrive intact",
        "per-chunk decoding bugs",
        ("utf8",),
        utf8_split,
    ),
    Check(
        "FRM-TOKEN-MAPPING",
        Level.MUST,
        "tokens in order; text equals upstream text exactly",
        "the proxy's contract",
        ("valid",),
        token_mapping,
    ),
    Check(
        "FRM-NDJSON-SPLIT",
        Level.MUST,
        "same text for lines cut mid-JSON, 1-byte writes, several lines per write, random cuts",
        "the Next.js SSE route-handler article, pitfall 2",
        tuple(SPLITS),
        ndjson_split,
    ),
    Check(
        "FRM-INJECTION",
        Level.MUST,
        "tokens with newlines and field-like text add no events or fields",
        "WHATWG HTML 9.2.5 ABNF",
        ("injection", "valid"),
        injection,
    ),
    Check(
        "FRM-TERMINATED",
        Level.MUST,
        "every event ends with a blank line, the last one too",
        "WHATWG HTML 9.2.6",
        STREAMS,
        terminated,
    ),
    Check(
        "FRM-FIELDS",
        Level.MUST,
        "only data/event/id/retry fields or comments; retry digits; id without NUL",
        "WHATWG HTML 9.2.6",
        STREAMS,
        fields,
    ),
    Check(
        "FRM-LF-ONLY",
        Level.SHOULD,
        "LF line endings, no bare CR",
        "naive split('\\n\\n') clients",
        STREAMS,
        lf_only,
    ),
    Check(
        "FRM-NO-BOM",
        Level.SHOULD,
        "no leading U+FEFF",
        "naive clients",
        STREAMS,
        no_bom,
    ),
    Check(
        "FRM-LONG-LINE",
        Level.MUST,
        "a single upstream line over 128 KiB is delivered intact",
        "aiohttp/undici line limits; Ollama's context line",
        ("long-line",),
        long_line,
    ),
)
