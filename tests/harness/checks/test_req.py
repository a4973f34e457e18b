"""REQ judges on synthetic evidence: one row per pass and per failure branch.

The IDLE judges live in harness.checks.idle; their table is checks/test_idle.py.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from harness.checks import req
from harness.checks.model import Outcome
from tests.harness.evidence import (
    JSON,
    ROW_NAMES,
    TOKENS,
    assert_covered,
    assert_row,
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
TEXT = (("content-type", "text/plain"),)
HTML = ("content-type", "text/html; charset=utf-8")
UPSTREAM = (exchange([10, 20, 30, 40, 50]),)


def answer(
    probe: str,
    status: int,
    *headers: tuple[str, str],
    upstream: bool = False,
    **kw: Any,
) -> dict[str, Evidence]:
    """``{probe: a status answer}`` with a JSON body unless other headers are given."""
    e = raw(
        probe,
        b'{"error": "no"}',
        status=status,
        headers=headers or JSON,
        exchanges=UPSTREAM if upstream else (),
        **kw,
    )
    return {probe: e}


def stream(probe: str, **kw: Any) -> dict[str, Evidence]:
    return {probe: streamed(probe, exchanges=UPSTREAM, **kw)}


ROWS = [
    row(
        "REQ-415-WRONG-TYPE",
        answer("wrong-type", 415),
        OK,
        "415 for Content-Type: text/plain, nothing sent upstream",
        id="wrong-type-415",
    ),
    row(
        "REQ-415-WRONG-TYPE",
        stream("wrong-type"),
        FAILED,
        "got HTTP/1.1 200, text/event-stream, 143 body bytes in 6 reads, ended "
        "complete; the body reached upstream; wanted 415",
        id="wrong-type-streamed",
    ),
    row(
        "REQ-415-WRONG-TYPE",
        answer("wrong-type", 415, upstream=True),
        FAILED,
        "; the body reached upstream; wanted 415",
        id="wrong-type-415-but-forwarded",
    ),
    row(
        "REQ-415-WRONG-TYPE",
        answer("wrong-type", 415, unmarked=1),
        FAILED,
        "; the body reached upstream",
        id="wrong-type-415-unmarked-upstream",
    ),
    row(
        "REQ-415-WRONG-TYPE",
        answer("wrong-type", 400),
        FAILED,
        "Content-Type: text/plain got HTTP/1.1 400, application/json, 15 body bytes "
        "in 1 reads, ended complete; rejected before upstream (nothing forwarded); "
        "wanted 415",
        id="wrong-type-400",
    ),
    row(
        "REQ-415-WRONG-TYPE",
        answer("wrong-type", 400, upstream=True),
        FAILED,
        "; the body reached upstream; wanted 415",
        id="wrong-type-400-forwarded",
    ),
    row(
        "REQ-415-ACCEPT-POST",
        answer("wrong-type", 415, *JSON, ("accept-post", "application/json")),
        OK,
        "415 lists the accepted type: application/json",
        id="accept-post",
    ),
    row(
        "REQ-415-ACCEPT-POST",
        answer("wrong-type", 415, *JSON, ("accept", "application/json")),
        OK,
        "415 lists the accepted type: application/json",
        id="accept-post-as-accept",
    ),
    row(
        "REQ-415-ACCEPT-POST",
        answer("wrong-type", 415),
        NON_STRICT,
        "the 415 answer has no Accept-Post naming application/json (got none)",
        id="accept-post-absent",
    ),
    row(
        "REQ-415-ACCEPT-POST",
        answer("wrong-type", 415, *JSON, ("accept-post", "text/plain")),
        NON_STRICT,
        "(got text/plain)",
        id="accept-post-wrong-type",
    ),
    row(
        "REQ-415-ACCEPT-POST",
        stream("wrong-type"),
        NON_STRICT,
        "no 415 at all (HTTP/1.1 200",
        id="accept-post-no-415",
    ),
    row(
        "REQ-415-MISSING-TYPE",
        answer("missing-type", 415),
        OK,
        "415 for a body without Content-Type",
        id="missing-type",
    ),
    row(
        "REQ-415-MISSING-TYPE",
        stream("missing-type"),
        NON_STRICT,
        "a body without Content-Type got HTTP/1.1 200",
        id="missing-type-streamed",
    ),
    row(
        "REQ-415-MISSING-TYPE",
        answer("missing-type", 415, upstream=True),
        NON_STRICT,
        "and the request was forwarded upstream; wanted 415",
        id="missing-type-forwarded",
    ),
    row("REQ-TYPE-PARAMS", stream("type-params"), OK, "accepted", id="type-params"),
    row(
        "REQ-TYPE-PARAMS",
        answer("type-params", 415),
        FAILED,
        "Content-Type: Application/JSON; charset=utf-8 was not answered with a 200 "
        "event stream: HTTP/1.1 415",
        id="type-params-refused",
    ),
    row(
        "REQ-TYPE-PARAMS",
        stream("type-params", sent=TOKENS[:2]),
        OK,
        "accepted",
        id="type-params-text-lost",  # token text is FRM-*'s business
    ),
    row(
        "REQ-400-MALFORMED",
        answer("malformed-json", 400, ("content-type", "application/problem+json")),
        OK,
        "400 client error, nothing upstream, the proxy alive",
        id="malformed-400",
    ),
    # what idiomatic frameworks answer by default: a 4xx passes whatever its body
    row(
        "REQ-400-MALFORMED",
        answer("malformed-json", 400, HTML),
        OK,
        "400 client error, nothing upstream, the proxy alive",
        id="malformed-400-html-werkzeug-express",
    ),
    row(
        "REQ-400-MALFORMED",
        answer("malformed-json", 422),
        OK,
        "422 client error, nothing upstream, the proxy alive (RFC 9110 §15.5.1 names "
        "400; got 422)",
        id="malformed-422-fastapi",
    ),
    row(
        "REQ-400-MALFORMED",
        answer("malformed-json", 500, HTML),
        FAILED,
        "got HTTP/1.1 500, text/html; charset=utf-8, 15 body bytes in 1 reads, ended "
        "complete, wanted a 4xx client error (400)",
        id="malformed-500-django-aiohttp",
    ),
    row(
        "REQ-400-MALFORMED",
        answer("malformed-json", 400, *TEXT),
        OK,
        "400 client error",
        id="malformed-400-text-go",
    ),
    row(
        "REQ-400-MALFORMED",
        answer("malformed-json", 400, upstream=True),
        FAILED,
        "the request was forwarded upstream",
        id="malformed-forwarded",
    ),
    row(
        "REQ-400-MALFORMED",
        answer("malformed-json", 500, *TEXT, upstream=True, alive_after=False),
        FAILED,
        ", wanted a 4xx client error (400); the request was forwarded upstream; the "
        "proxy died",
        id="malformed-everything-wrong",
    ),
    row(
        "REQ-406-ACCEPT",
        answer("accept-png", 406),
        OK,
        "406 for Accept: image/png",
        id="406",
    ),
    row(
        "REQ-406-ACCEPT",
        stream("accept-png"),
        INFO,
        "Accept: image/png was ignored (allowed by RFC 9110 §12.5.1)",
        id="406-ignored",
    ),
    row(
        "REQ-406-ACCEPT",
        answer("accept-png", 500),
        NON_STRICT,
        "Accept: image/png got HTTP/1.1 500, application/json",
        id="406-server-error",
    ),
    row(
        "REQ-ERROR-BODY",
        {
            **answer("wrong-type", 415),
            **answer("get", 405),
            **answer("malformed-json", 400),
        },
        OK,
        "3 error answers, all JSON",
        id="error-bodies-json",
    ),
    row(
        "REQ-ERROR-BODY",
        {
            **answer("wrong-type", 415),
            **answer("get", 405, *TEXT),
            **answer("malformed-json", 400, HTML),
        },
        NON_STRICT,
        "get: 405 as text/plain; malformed-json: 400 as text/html",
        id="error-body-text",
    ),
    row(
        "REQ-ERROR-BODY",
        {
            "wrong-type": raw("wrong-type", b"no", status=415, headers=()),
            **answer("get", 405),
            **stream("valid"),
            **stream("malformed-json"),
        },
        NON_STRICT,
        "wrong-type: 415 as untyped",
        id="error-body-untyped",
    ),
    row(
        "REQ-ERROR-BODY",
        {**stream("wrong-type"), **stream("get"), **stream("malformed-json")},
        INFO,
        "no 4xx/5xx answers to look at",
        id="error-body-none",
    ),
    row(
        "REQ-METHOD",
        answer("get", 405, *JSON, ("allow", "OPTIONS, post")),
        OK,
        "405 with Allow: OPTIONS, post",
        id="method-405",
    ),
    row(
        "REQ-METHOD",
        answer("get", 405),
        NON_STRICT,
        "GET got HTTP/1.1 405, application/json, 15 body bytes in 1 reads, ended "
        "complete, no Allow; wanted 405 with Allow: POST",
        id="method-405-no-allow",
    ),
    row(
        "REQ-METHOD",
        answer("get", 404, *JSON, ("allow", "POST")),
        NON_STRICT,
        "GET got HTTP/1.1 404, application/json, 15 body bytes in 1 reads, ended "
        "complete, Allow: POST; wanted 405",
        id="method-404",
    ),
]


@pytest.mark.parametrize(ROW_NAMES, ROWS)
def test_judge(check_id, ev, ctx, outcome, fragment):
    assert_row(check_id, ev, ctx, outcome, fragment)


def test_every_check_has_rows():
    assert_covered(ROWS, tuple(c for c in req.CHECKS if c.id.startswith("REQ-")))
