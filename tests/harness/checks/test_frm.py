"""FRM judges on synthetic evidence: one row per pass and per failure branch."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from harness.checks import frm
from harness.checks.model import Outcome
from tests.harness.evidence import (
    DONE,
    ROW_NAMES,
    TOKENS,
    assert_covered,
    assert_row,
    context,
    raw,
    row,
    sse_token,
    streamed,
)

if TYPE_CHECKING:
    from harness.probe.evidence import Evidence

OK, FAILED, NON_STRICT = Outcome.OK, Outcome.FAILED, Outcome.NON_STRICT
#: every probe an FRM check reads, each a clean stream of TOKENS
PROBES = sorted({name for check in frm.CHECKS for name in check.probes})
BODY = b"".join(sse_token(t) for t in TOKENS)


def frm_ev(**changed: Evidence) -> dict[str, Evidence]:
    """Clean streams for every FRM probe, with ``changed`` ones (``_`` for ``-``)."""
    ev = {name: streamed(name) for name in PROBES}
    ev.update({name.replace("_", "-"): e for name, e in changed.items()})
    return ev


def body(probe: str, data: bytes) -> Evidence:
    return raw(probe, data)


ROWS = [
    row("FRM-UTF8-VALID", frm_ev(), OK, "valid UTF-8", id="utf8-valid"),
    row(
        "FRM-UTF8-VALID",
        frm_ev(valid=body("valid", b'data: {"token": "\xff"}\n\n' + DONE)),
        FAILED,
        "valid: invalid UTF-8 at byte 17",
        id="utf8-invalid-byte",
    ),
    row(
        "FRM-UTF8-VALID",
        frm_ev(utf8=streamed("utf8", sent=["Hel", "\ufffd", ", ", "wor", "ld"])),
        FAILED,
        "utf8: U+FFFD that upstream never sent",
        id="utf8-replacement-char",
    ),
    row(
        "FRM-UTF8-VALID",
        frm_ev(utf8=streamed("utf8", ["\ufffd"])),
        OK,
        "valid UTF-8",
        id="utf8-replacement-char-upstream-sent",
    ),
    row("FRM-UTF8-SPLIT", frm_ev(), OK, "5 tokens, text identical", id="split-utf8"),
    row(
        "FRM-UTF8-SPLIT",
        frm_ev(utf8=streamed("utf8", ["é", "😀"], sent=["\ufffd", "😀"])),
        FAILED,
        "text differs at character 0 of 2: expected 'é😀', got '\ufffd😀' "
        "(upstream cut 2-, 3- and 4-byte characters across writes)",
        id="split-utf8-broken",
    ),
    row(
        "FRM-UTF8-SPLIT",
        frm_ev(utf8=raw("utf8", b'{"error": "no"}', status=502)),
        FAILED,
        "no 200 answer: HTTP/1.1 502",
        id="split-utf8-no-stream",
    ),
    row(
        "FRM-TOKEN-MAPPING",
        frm_ev(),
        OK,
        "5 tokens, text identical to upstream",
        id="mapping",
    ),
    row(
        "FRM-TOKEN-MAPPING",
        frm_ev(valid=streamed("valid", sent=TOKENS[:3])),
        FAILED,
        "text differs at character 7 of 12: expected 'world', got ''",
        id="mapping-short",
    ),
    row(
        "FRM-TOKEN-MAPPING",
        frm_ev(valid=body("valid", b"data: Hello, world\n\n" + DONE)),
        FAILED,
        "; 1 events not read as tokens (first: data is not a JSON object)",
        id="mapping-plain-text-events",
    ),
    row(
        "FRM-NDJSON-SPLIT",
        frm_ev(),
        OK,
        "same text for every fragmentation",
        id="ndjson",
    ),
    row(
        "FRM-NDJSON-SPLIT",
        frm_ev(
            split_bytes=streamed("split-bytes", sent=["Hel", "lo", ", "]),
            split_json=streamed("split-json", sent=[*TOKENS, "}"]),
        ),
        FAILED,
        "lines cut inside JSON strings: text differs at character 12 of 12: expected '', "
        "got '}'; one byte per write: text differs at character 7 of 12",
        id="ndjson-two-splits-wrong",
    ),
    row("FRM-INJECTION", frm_ev(), OK, "round-trip exactly", id="injection"),
    row(
        "FRM-INJECTION",
        frm_ev(injection=streamed("injection", ["a\n\nb"], sent=["a", "b"])),
        FAILED,
        "text differs at character 1 of 4",
        id="injection-text-lost",
    ),
    row(
        "FRM-INJECTION",
        frm_ev(
            injection=body("injection", BODY + b'event: y\ndata: {"token": ""}\n\n')
        ),
        FAILED,
        "extra event types ['y'] — likely token text reached the stream unencoded",
        id="injection-event-type",
    ),
    # a dropped token (e.g. one whose text was [DONE]) is stated, not explained
    row(
        "FRM-INJECTION",
        frm_ev(injection=streamed("injection", ["a", "[DONE]", "b"], sent=["a", "b"])),
        FAILED,
        "text differs at character 1 of 8: expected '[DONE]b', got 'b'",
        id="injection-token-dropped-says-no-cause",
    ),
    row(
        "FRM-INJECTION",
        frm_ev(injection=body("injection", BODY + b"data: x\n\n" + DONE)),
        FAILED,
        "1 more events that are not tokens ('x')",
        id="injection-extra-event",
    ),
    row(
        "FRM-INJECTION",
        frm_ev(injection=body("injection", BODY + b"y: 1\n\n" + DONE)),
        FAILED,
        "unknown fields (unknown field 'y' ignored)",
        id="injection-unknown-field",
    ),
    row(
        "FRM-INJECTION",
        frm_ev(
            valid=body("valid", b"event: token\ndata: x\n\n" + BODY + DONE),
            injection=body("injection", b"event: token\ndata: x\n\n" + BODY + DONE),
        ),
        OK,
        "round-trip exactly",
        id="injection-proxy-habits-also-on-valid",
    ),
    row(
        "FRM-TERMINATED", frm_ev(), OK, "every event ends with a blank line", id="ended"
    ),
    row(
        "FRM-TERMINATED",
        frm_ev(lat=body("lat", BODY + b": bye")),
        OK,
        "every event ends with a blank line",
        id="ended-comment-left-open",
    ),
    row(
        "FRM-TERMINATED",
        frm_ev(valid=body("valid", BODY + DONE[:-1])),
        FAILED,
        "valid: final event not ended by a blank line ('data: {\"finished\": true}\\n')",
        id="last-event-open",
    ),
    row("FRM-FIELDS", frm_ev(), OK, "only data/event/id/retry fields", id="fields"),
    row(
        "FRM-FIELDS",
        frm_ev(utf8=body("utf8", b"retry: soon\n" + BODY + DONE)),
        FAILED,
        "utf8: invalid-retry at byte 0: retry value 'soon' ignored",
        id="fields-retry",
    ),
    row(
        "FRM-FIELDS",
        frm_ev(lat=body("lat", b"id: a\x00b\n" + BODY + DONE)),
        FAILED,
        "lat: id-nul at byte 0",
        id="fields-id-nul",
    ),
    row(
        "FRM-FIELDS",
        frm_ev(valid=body("valid", b"tok: 1\n" + BODY + DONE)),
        FAILED,
        "valid: unknown-field at byte 0: unknown field 'tok' ignored",
        id="fields-unknown",
    ),
    row("FRM-LF-ONLY", frm_ev(), OK, "LF line endings only", id="lf"),
    row(
        "FRM-LF-ONLY",
        frm_ev(valid=body("valid", (BODY + DONE).replace(b"\n", b"\r\n"))),
        NON_STRICT,
        "12 CRLF and 0 bare CR line endings",
        id="crlf",
    ),
    row(
        "FRM-LF-ONLY",
        frm_ev(utf8=body("utf8", (BODY + DONE).replace(b"\n", b"\r"))),
        NON_STRICT,
        "0 CRLF and 12 bare CR line endings",
        id="bare-cr",
    ),
    row("FRM-NO-BOM", frm_ev(), OK, "no byte order mark", id="no-bom"),
    row(
        "FRM-NO-BOM",
        frm_ev(valid=body("valid", b"\xef\xbb\xbf" + BODY + DONE)),
        NON_STRICT,
        "the stream starts with U+FEFF",
        id="bom",
    ),
    row(
        "FRM-LONG-LINE",
        frm_ev(long_line=streamed("long-line", ["x" * 200_000])),
        OK,
        "a 200000-character token delivered intact",
        id="long-line",
    ),
    row(
        "FRM-LONG-LINE",
        frm_ev(long_line=streamed("long-line", ["x" * 200_000], sent=[])),
        FAILED,
        "(upstream sent a single line over 128 KiB)",
        id="long-line-lost",
    ),
]


@pytest.mark.parametrize(ROW_NAMES, ROWS)
def test_judge(check_id, ev, ctx, outcome, fragment):
    assert_row(check_id, ev, ctx, outcome, fragment)


def test_every_check_has_rows():
    assert_covered(ROWS, frm.CHECKS)


def test_findings_of_a_failed_stream_do_not_count():
    # an error answer is not an event stream: its body is not linted as one
    broken = raw("valid", b"tok: 1\r\n", status=500)
    ev = frm_ev(valid=broken)
    assert frm.fields(ev, context()).ok is True
    assert frm.terminated(ev, context()).ok is True


NGINX_502 = (
    b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    b"<center><h1>502 Bad Gateway</h1></center>\r\n</body>\r\n</html>\r\n"
)


def test_line_endings_of_an_error_page_are_not_linted():
    # nginx's own 502 page has CRLF line endings; it is no event stream a client parses
    page = raw("valid", NGINX_502, status=502, headers=(("content-type", "text/html"),))
    assert_row("FRM-LF-ONLY", frm_ev(valid=page), None, OK, "LF line endings only")


def test_a_dropped_token_is_not_blamed_on_encoding():
    from tests.harness.evidence import judged

    dropped = streamed("injection", ["a", "[DONE]", "b"], sent=["a", "b"])
    _, detail = judged("FRM-INJECTION", frm_ev(injection=dropped))
    assert "unencoded" not in detail


@pytest.mark.parametrize("check", ["FRM-LF-ONLY", "FRM-NO-BOM"])
def test_nothing_to_judge_when_no_answer_is_an_event_stream(check):
    html = (("content-type", "text/html"),)
    pages = {
        name.replace("-", "_"): raw(name, NGINX_502, status=502, headers=html)
        for name in frm.STREAMS
    }
    assert_row(check, frm_ev(**pages), None, Outcome.UNIMPLEMENTED, "no response was")
