"""HDR — the response head (docs/checks.md)."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from harness.checks.common import answer
from harness.checks.flush import early_flush
from harness.checks.mime import extract
from harness.checks.model import (
    Check,
    Level,
    failed,
    measured,
    passed,
    unimplemented,
    verdict,
)

if TYPE_CHECKING:
    from collections.abc import Mapping

    from harness.checks.model import Context, Verdict
    from harness.probe.evidence import Evidence

#: RFC 9113 §8.2.2: "An endpoint MUST NOT generate an HTTP/2 message containing
#: connection-specific header fields … Connection, Keep-Alive, Proxy-Connection,
#: Transfer-Encoding, Upgrade".
H2_FORBIDDEN = (
    "connection",
    "keep-alive",
    "proxy-connection",
    "transfer-encoding",
    "upgrade",
)


def status_200(ev: Mapping[str, Evidence], ctx: Context) -> Verdict:
    # WHATWG HTML 9.2.2: "if res's status is not 200 … fail the connection".
    obs = ev["valid"].obs
    return verdict(obs.status == 200, "200", f"expected 200, got {answer(ev['valid'])}")


def content_type(ev: Mapping[str, Evidence], ctx: Context) -> Verdict:
    # 9.2.2: "… or if res's Content-Type is not `text/event-stream`, fail the
    # connection" — the type a browser extracts (Fetch "extract a MIME type") from
    # every Content-Type field: combined, split at commas, the last valid type wins.
    values = ev["valid"].obs.header("content-type")
    shown = " | ".join(values) or "no Content-Type"
    seen = extract(values)
    if seen is None:
        return failed(
            f"Content-Type: {shown}: a browser extracts no MIME type from it "
            "(wanted text/event-stream)"
        )
    many = f" ({len(values)} Content-Type fields)" if len(values) > 1 else ""
    return verdict(
        seen.essence == "text/event-stream",
        f"a browser sees {seen.essence} in Content-Type: {shown}",
        f"a browser sees {seen.essence} in Content-Type: {shown}{many}; "
        "wanted text/event-stream",
    )


def no_content_length(ev: Mapping[str, Evidence], ctx: Context) -> Verdict:
    obs = ev["valid"].obs
    lengths = obs.header("content-length")
    framing = (
        "HTTP/2 DATA frames"
        if obs.http_version == "2"
        else ", ".join(obs.header("transfer-encoding")) or "close-delimited"
    )
    return verdict(
        not lengths,
        f"no Content-Length ({framing})",
        f"Content-Length: {lengths[0] if lengths else ''} on an event stream: clients stop "
        "reading at that length or hang waiting for it",
    )


def h2_no_conn_headers(ev: Mapping[str, Evidence], ctx: Context) -> Verdict:
    obs = ev["valid"].obs
    if obs.http_version != "2":
        return unimplemented(
            f"the response came over HTTP/{obs.http_version}, not HTTP/2"
        )
    bad = sorted({k for k, _ in obs.headers if k in H2_FORBIDDEN})
    return verdict(
        not bad,
        "no connection-specific fields over HTTP/2",
        f"HTTP/2 response carries {', '.join(bad)} (RFC 9113 §8.2.2; browsers reset the stream)",
    )


def _directives(values: list[str]) -> set[str]:
    return {
        d.strip().split("=", 1)[0].lower()
        for v in values
        for d in v.split(",")
        if d.strip()
    }


def cache(ev: Mapping[str, Evidence], ctx: Context) -> Verdict:
    # RFC 9111 §5.2.2.6 no-transform: intermediaries "MUST NOT transform the content".
    values = ev["valid"].obs.header("cache-control")
    found = _directives(values)
    ok = bool(found & {"no-cache", "no-store"}) and "no-transform" in found
    return verdict(
        ok,
        f"Cache-Control: {', '.join(values)}",
        f"Cache-Control is {', '.join(values) or 'absent'}; wanted no-cache (or no-store) "
        "and no-transform",
    )


def accel(ev: Mapping[str, Evidence], ctx: Context) -> Verdict:
    values = [v.strip().lower() for v in ev["valid"].obs.header("x-accel-buffering")]
    return verdict(
        values == ["no"],
        "X-Accel-Buffering: no",
        f"X-Accel-Buffering is {values or 'absent'}: an nginx in front buffers the "
        "stream by default (proxy_buffering on)",
    )


def no_compression(ev: Mapping[str, Evidence], ctx: Context) -> Verdict:
    obs = ev["compress"].obs
    coding = obs.header("content-encoding")
    if obs.status is None:
        return failed(f"no response: {answer(ev['compress'])}")
    if not coding:
        return passed("no Content-Encoding for Accept-Encoding: gzip, br")
    if ctx.layer_compresses and not ctx.proxy_encoding:
        return measured(
            f"Content-Encoding: {', '.join(coding)} added by the {ctx.layer} layer "
            f"({ctx.layer_compresses}); the proxy itself answered without one: "
            "exclude text/event-stream from the layer's compression (docs/layers.md)"
        )
    if ctx.layer_compresses:
        return failed(
            f"the proxy itself answers Accept-Encoding with Content-Encoding: "
            f"{ctx.proxy_encoding} (read directly; the {ctx.layer} layer passed on "
            f"{', '.join(coding)}); compressors hold events until their buffer fills "
            "unless flushed per event (see LAT-*)"
        )
    return failed(
        f"Content-Encoding: {', '.join(coding)} on an event stream; compressors hold "
        "events until their buffer fills unless flushed per event (see LAT-*)"
    )


#: what upstream (Ollama, and the mock that replays it) puts in its head besides the
#: fields every HTTP server sends: a response field carrying one of these values, under
#: any name, was copied from upstream
UPSTREAM_VALUES = ("application/x-ndjson",)
#: fields that hold upstream's value only when copied blindly
ONCE = ("transfer-encoding", "date", "content-type")


def _upstream_places(url: str) -> tuple[str, ...]:
    """How the upstream's address may show up in a field: its URL and host:port."""
    if not url:
        return ()
    parts = urlsplit(url)
    host = parts.netloc
    return tuple(p for p in (url.rstrip("/").lower(), host.lower()) if p)


def no_upstream_leak(ev: Mapping[str, Evidence], ctx: Context) -> Verdict:
    obs = ev["valid"].obs
    problems = []
    for name in ONCE:
        if len(obs.header(name)) > 1:
            problems.append(f"{name} appears {len(obs.header(name))} times")
    places = _upstream_places(ctx.upstream_url)
    for name, value in obs.headers:
        low = value.lower()
        if "x-ndjson" in low or any(v in low for v in UPSTREAM_VALUES):
            problems.append(f"{name}: {value} carries upstream's media type")
        hit = next((p for p in places if p in low), None)
        if hit:
            problems.append(
                f"{name}: {value} discloses the upstream address {hit} (topology)"
            )
    return verdict(
        not problems,
        "no upstream-only header fields",
        "; ".join(problems) + " (likely upstream headers copied through)",
    )


CHECKS = (
    Check(
        "HDR-STATUS-200",
        Level.MUST,
        "a valid request gets 200",
        "WHATWG HTML 9.2.2",
        ("valid",),
        status_200,
    ),
    Check(
        "HDR-CONTENT-TYPE",
        Level.MUST,
        "the MIME type a browser extracts from every Content-Type field (the last valid "
        "one wins; parameters and case ignored) is text/event-stream",
        "WHATWG HTML 9.2.2; Fetch §3.1 extract a MIME type; WPT format-mime-*",
        ("valid",),
        content_type,
    ),
    Check(
        "HDR-NO-CONTENT-LENGTH",
        Level.MUST,
        "no Content-Length; chunked, close-delimited or HTTP/2 DATA",
        "RFC 9112 §6",
        ("valid",),
        no_content_length,
    ),
    Check(
        "HDR-H2-NO-CONN-HEADERS",
        Level.MUST,
        "over HTTP/2 no Connection, Keep-Alive, Proxy-Connection, Transfer-Encoding, Upgrade",
        "RFC 9113 §8.2.2",
        ("valid",),
        h2_no_conn_headers,
        applies=lambda ctx: ctx.http2,
    ),
    Check(
        "HDR-EARLY-FLUSH",
        Level.SHOULD,
        "response headers arrive well before the first token (INFO when a layer held "
        "a head the proxy had sent at once)",
        "runtimes that hold headers until the first body chunk; nginx HTTP/2 before "
        "1.23.0 (ticket #1743)",
        ("early-flush",),
        early_flush,
    ),
    Check(
        "HDR-CACHE",
        Level.SHOULD,
        "Cache-Control has no-cache (or no-store) and no-transform",
        "RFC 9111 §5.2.2.6",
        ("valid",),
        cache,
    ),
    Check(
        "HDR-ACCEL",
        Level.SHOULD,
        "X-Accel-Buffering: no",
        "nginx proxy_buffering",
        ("valid",),
        accel,
        applies=lambda ctx: ctx.transparent,
    ),
    Check(
        "HDR-NO-COMPRESSION",
        Level.SHOULD,
        "no Content-Encoding for Accept-Encoding: gzip, br",
        "compression middleware buffering SSE",
        ("compress",),
        no_compression,
        applies=lambda ctx: ctx.transparent or bool(ctx.layer_compresses),
    ),
    Check(
        "HDR-NO-UPSTREAM-LEAK",
        Level.SHOULD,
        "no upstream-only header fields: none naming x-ndjson, none copied from "
        "upstream's head under another name, none carrying upstream's host:port or URL",
        "proxies that copy upstream headers; CWE-200",
        ("valid",),
        no_upstream_leak,
    ),
)
