"""REQ — request validation (the 415 story of ollama#4788)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from harness.checks.common import answer
from harness.checks.mime import extract
from harness.checks.model import Check, Level, failed, measured, passed, verdict

if TYPE_CHECKING:
    from collections.abc import Mapping

    from harness.checks.model import Context, Verdict
    from harness.probe.evidence import Evidence

JSON_TYPES = ("application/json", "application/problem+json")


def _upstream(e: Evidence) -> str:
    return " and the request was forwarded upstream" if e.upstream_contacted else ""


def _reached(e: Evidence) -> str:
    return (
        "the body reached upstream"
        if e.upstream_contacted
        else "rejected before upstream (nothing forwarded)"
    )


def wrong_type(ev: Mapping[str, Evidence], ctx: Context) -> Verdict:
    # RFC 9110 §15.5.16: 415 for content "in a format not supported … due to the
    # request's indicated Content-Type". The mission names the 415: another 4xx fails.
    e = ev["wrong-type"]
    ok = e.obs.status == 415 and not e.upstream_contacted
    return verdict(
        ok,
        "415 for Content-Type: text/plain, nothing sent upstream",
        f"Content-Type: text/plain got {answer(e)}; {_reached(e)}; wanted 415",
    )


def accept_post(ev: Mapping[str, Evidence], ctx: Context) -> Verdict:
    e = ev["wrong-type"]
    listed = ", ".join(e.obs.header("accept-post") + e.obs.header("accept"))
    ok = e.obs.status == 415 and "json" in listed.lower()
    return verdict(
        ok,
        f"415 lists the accepted type: {listed}",
        f"the 415 answer has no Accept-Post naming application/json (got {listed or 'none'})"
        if e.obs.status == 415
        else f"no 415 at all ({answer(e)})",
    )


def missing_type(ev: Mapping[str, Evidence], ctx: Context) -> Verdict:
    e = ev["missing-type"]
    return verdict(
        e.obs.status == 415 and not e.upstream_contacted,
        "415 for a body without Content-Type",
        f"a body without Content-Type got {answer(e)}{_upstream(e)}; wanted 415",
    )


def type_params(ev: Mapping[str, Evidence], ctx: Context) -> Verdict:
    # RFC 9110 §8.3.1: "The type and subtype tokens are case-insensitive." Judged by
    # acceptance (a 200 event stream, as a browser extracts the type), not token text:
    # what the stream carries is FRM-*'s business.
    e = ev["type-params"]
    seen = extract(e.obs.header("content-type"))
    accepted = e.obs.status == 200 and (
        seen is not None and seen.essence == "text/event-stream"
    )
    return verdict(
        accepted,
        "accepted: a 200 event stream",
        f"Content-Type: Application/JSON; charset=utf-8 was not answered with a 200 "
        f"event stream: {answer(e)}",
    )


def malformed(ev: Mapping[str, Evidence], ctx: Context) -> Verdict:
    # RFC 9110 §15.5.1: 400 for "malformed request syntax"; frameworks answer other
    # 4xx (FastAPI 422): the property is a client error before upstream. The body's
    # format is REQ-ERROR-BODY's alone.
    e = ev["malformed-json"]
    status = e.obs.status or 0
    problems = []
    if not 400 <= status < 500:
        problems.append(f"got {answer(e)}, wanted a 4xx client error (400)")
    if e.upstream_contacted:
        problems.append("the request was forwarded upstream")
    if not e.alive_after:
        problems.append("the proxy died")
    exact = "" if status == 400 else f" (RFC 9110 §15.5.1 names 400; got {status})"
    return verdict(
        not problems,
        f"{status} client error, nothing upstream, the proxy alive{exact}",
        "; ".join(problems),
    )


def not_acceptable(ev: Mapping[str, Evidence], ctx: Context) -> Verdict:
    # RFC 9110 §12.5.1 lets a server ignore Accept; §15.5.7 406 when it does not.
    e = ev["accept-png"]
    if e.obs.status == 406:
        return passed("406 for Accept: image/png")
    if e.obs.status == 200:
        return measured("Accept: image/png was ignored (allowed by RFC 9110 §12.5.1)")
    return failed(f"Accept: image/png got {answer(e)}; wanted 406 or the stream")


def error_body(ev: Mapping[str, Evidence], ctx: Context) -> Verdict:
    errors = [(name, e) for name, e in ev.items() if (e.obs.status or 0) >= 400]
    bad = [
        f"{name}: {e.obs.status} as {e.obs.media_type or 'untyped'}"
        for name, e in errors
        if e.obs.media_type not in JSON_TYPES
    ]
    if not errors:
        return measured("no 4xx/5xx answers to look at")
    return verdict(not bad, f"{len(errors)} error answers, all JSON", "; ".join(bad))


def method(ev: Mapping[str, Evidence], ctx: Context) -> Verdict:
    # RFC 9110 §15.5.6: "The origin server MUST generate an Allow header field in a
    # 405 response".
    e = ev["get"]
    allow = ", ".join(e.obs.header("allow"))
    return verdict(
        e.obs.status == 405 and "POST" in allow.upper(),
        f"405 with Allow: {allow}",
        f"GET got {answer(e)}"
        + (f", Allow: {allow}" if allow else ", no Allow")
        + "; wanted 405 with Allow: POST",
    )


CHECKS = (
    Check(
        "REQ-415-WRONG-TYPE",
        Level.MUST,
        "valid body with Content-Type: text/plain gets exactly 415 (another 4xx "
        "fails: the mission names 415); nothing upstream; the detail says whether "
        "the body reached upstream",
        "RFC 9110 §15.5.16",
        ("wrong-type",),
        wrong_type,
    ),
    Check(
        "REQ-415-ACCEPT-POST",
        Level.SHOULD,
        "the 415 lists the accepted type in Accept-Post",
        "W3C LDP §7.1.2; ollama#4788 comment",
        ("wrong-type",),
        accept_post,
    ),
    Check(
        "REQ-415-MISSING-TYPE",
        Level.SHOULD,
        "a body without Content-Type gets 415",
        "RFC 9110 §15.5.16",
        ("missing-type",),
        missing_type,
    ),
    Check(
        "REQ-TYPE-PARAMS",
        Level.MUST,
        "Content-Type: Application/JSON; charset=utf-8 is accepted",
        "RFC 9110 §8.3.1",
        ("type-params",),
        type_params,
    ),
    Check(
        "REQ-400-MALFORMED",
        Level.MUST,
        "truncated JSON gets a 4xx client error (400; another 4xx such as FastAPI's "
        "422 passes with a note, a 5xx fails); nothing upstream; proxy alive (the "
        "body's format is REQ-ERROR-BODY's)",
        "RFC 9110 §15.5.1",
        ("malformed-json",),
        malformed,
    ),
    Check(
        "REQ-406-ACCEPT",
        Level.SHOULD,
        "Accept: image/png gets 406 (INFO when ignored)",
        "RFC 9110 §15.5.7, §12.5.1",
        ("accept-png",),
        not_acceptable,
    ),
    Check(
        "REQ-ERROR-BODY",
        Level.SHOULD,
        "every 4xx/5xx body is application/json or application/problem+json",
        "RFC 9457",
        ("wrong-type", "get", "malformed-json"),
        error_body,
    ),
    Check(
        "REQ-METHOD",
        Level.SHOULD,
        "GET on the POST route gets 405 with Allow",
        "RFC 9110 §15.5.6",
        ("get",),
        method,
    ),
)
