"""The one table of layer kinds: which program runs each, with which configuration
file, what it holds back or rewrites whatever the proxy does, which checks its stock
settings break for any proxy, which it makes impossible to judge, and what it cuts.

Pure data (docs/layers.md describes each kind, measured).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = ["CHOICES", "KINDS", "LAYER_HEAD_FIELD", "LayerKind"]

#: the response field the nginx layers add: nginx's $upstream_header_time, i.e. when
#: nginx itself had the proxy's head (docs/checks.md#hdr-early-flush)
LAYER_HEAD_FIELD = "x-harness-upstream-header-time"

#: what nginx holds back unless the response says X-Accel-Buffering: no
HOLDS_EVERY_BODY = "buffered by nginx: the response has no `X-Accel-Buffering: no`"
HOLDS_UNCHUNKED = (
    "nginx with proxy_buffering on holds any body that is not chunked: "
    "the response has no `X-Accel-Buffering: no`"
)
#: the nginx note when the proxy asked for no buffering
LIFTED = "nginx with proxy_buffering on; the proxy sends X-Accel-Buffering: no"


def _none() -> Mapping[str, str]:
    return MappingProxyType({})


def _checks(**found: str) -> Mapping[str, str]:
    return MappingProxyType(found)


@dataclass(frozen=True, slots=True)
class LayerKind:
    """What a kind of layer puts between the client and the proxy."""

    syntax: str
    description: str
    #: the response head reaches the client as the proxy sent it
    transparent: bool = False
    #: a store-and-forward relay (holds by design, whatever the proxy says)
    stores: bool = False
    #: the program that runs it (harness.layers.programs.PROGRAMS); "" in-process
    program: str = ""
    #: its configuration file in harness/layers/configs/ ("" for nginx: rendered)
    config: str = ""
    #: TLS + HTTP/2 towards the client
    tls: bool = False
    #: nginx: gzip on for text/event-stream
    gzip: bool = False
    #: nginx: proxy_http_version 1.1 + empty Connection (else stock 1.0)
    upstream_http11: bool = True
    #: what the layer holds back or rewrites whatever the proxy does ("" nothing)
    holds: str = ""
    #: the setting with which the layer compresses an event stream ("" never)
    compresses: str = ""
    #: check id -> the stock setting that breaks it for any proxy (INFO on the layer)
    breaks: Mapping[str, str] = field(default_factory=_none)
    #: check id -> why the layer makes it impossible to judge (UNIMPLEMENTED)
    blinds: Mapping[str, str] = field(default_factory=_none)
    #: ``idle`` or ``total`` for the timeout relays ("" none)
    cut: str = ""

    @property
    def nginx(self) -> bool:
        return self.program == "nginx"

    @property
    def head_field(self) -> str:
        """The response field carrying when the layer had the proxy's head ("" none)."""
        return LAYER_HEAD_FIELD if self.nginx else ""

    @property
    def proxy_lifts(self) -> bool:
        """``X-Accel-Buffering: no`` from the proxy lifts what the layer holds."""
        return self.nginx


def _nginx(
    syntax: str,
    description: str,
    *,
    tls: bool = False,
    gzip: bool = False,
    upstream_http11: bool = True,
) -> LayerKind:
    return LayerKind(
        syntax,
        description,
        program="nginx",
        tls=tls,
        gzip=gzip,
        upstream_http11=upstream_http11,
        holds=HOLDS_UNCHUNKED if upstream_http11 else HOLDS_EVERY_BODY,
    )


#: measured with proxies/starlette_proxy (docs/layers.md)
HAPROXY_DELAY = (
    "HAProxy without `option http-no-delay` holds each event ~200 ms, until the "
    "client's delayed ACK"
)
HAPROXY_ABORT = (
    "HAProxy without `option abortonclose` keeps the connection to the proxy open "
    "after the client went away before the response started"
)
NO_EARLY_CANCEL = (
    "{0} notices a client that went away only when it next writes to it, so the "
    "proxy cannot see a cancel before the first token (no setting changes it)"
)
VARNISH_BLIND = {"CANCEL-BEFORE-FIRST-TOKEN": NO_EARLY_CANCEL.format("Varnish")}
APACHE_BLIND = {
    "CANCEL-BEFORE-FIRST-TOKEN": NO_EARLY_CANCEL.format("Apache's mod_proxy_http")
}


def _program(syntax: str, description: str, program: str, **facts: Any) -> LayerKind:
    return LayerKind(syntax, description, program=program, config=syntax, **facts)


# kind -> its facts (docs/layers.md, CHECKS.md "Layers")
KINDS: dict[str, LayerKind] = {
    "direct": LayerKind(
        "direct", "nothing: the client talks to the proxy itself", transparent=True
    ),
    "nginx": _nginx(
        "nginx",
        "real nginx as shipped: proxy_buffering on, HTTP/1.0 to the proxy",
        upstream_http11=False,
    ),
    "nginx-gzip": _nginx(
        "nginx-gzip",
        "real nginx as above plus gzip on for text/event-stream",
        upstream_http11=False,
        gzip=True,
    ),
    "h2": _nginx(
        "h2",
        "real nginx terminating TLS (trustme CA) and HTTP/2, HTTP/1.1 to the proxy",
        tls=True,
    ),
    "nginx-http11": _nginx(
        "nginx-http11",
        "real nginx, proxy_buffering on, HTTP/1.1 keep-alive to the proxy",
    ),
    "buffer": LayerKind(
        "buffer:BYTES:MS",
        "store-and-forward TCP relay holding replies for BYTES or MS ms",
        transparent=True,
        stores=True,
    ),
    "idle-timeout": LayerKind(
        "idle-timeout:SECONDS",
        "TCP relay closing a connection without bytes either way for SECONDS "
        "(AWS ALB: 60, Cloudflare: 100/125)",
        transparent=True,
        cut="idle",
    ),
    "total-timeout": LayerKind(
        "total-timeout:SECONDS",
        "TCP relay ending a response SECONDS after its request (Envoy route: 15)",
        transparent=True,
        cut="total",
    ),
    "haproxy": _program(
        "haproxy",
        "HAProxy with Debian's stock defaults (timeout client/server 50 s)",
        "haproxy",
        holds=HAPROXY_DELAY,
        breaks=_checks(
            **{
                "LAT-NO-BATCHING": HAPROXY_DELAY,
                "LAT-FIRST-TOKEN": HAPROXY_DELAY,
                "CANCEL-BEFORE-FIRST-TOKEN": HAPROXY_ABORT,
            }
        ),
    ),
    "haproxy-tuned": _program(
        "haproxy-tuned",
        "HAProxy: http-no-delay, abortonclose, timeout client/server 1 h",
        "haproxy",
    ),
    "varnish": _program(
        "varnish",
        "Varnish with the stock default.vcl (built-in VCL; between_bytes_timeout 60 s)",
        "varnish",
        blinds=_checks(**VARNISH_BLIND),
    ),
    "varnish-tuned": _program(
        "varnish-tuned",
        "Varnish: return (pass), beresp.do_stream, no gzip, between_bytes_timeout 1 h",
        "varnish",
        blinds=_checks(**VARNISH_BLIND),
    ),
    "apache": _program(
        "apache",
        "Apache httpd with Debian's stock modules (mod_deflate) and a plain ProxyPass",
        "apache",
        blinds=_checks(**APACHE_BLIND),
    ),
    "apache-tuned": _program(
        "apache-tuned",
        "Apache httpd: ProxyPass flushpackets=on, no-gzip for text/event-stream",
        "apache",
        blinds=_checks(**APACHE_BLIND),
    ),
    "apache-h2": _program(
        "apache-h2",
        "Apache httpd terminating TLS and HTTP/2 (mod_http2), plain ProxyPass",
        "apache",
        blinds=_checks(**APACHE_BLIND),
        tls=True,
    ),
    "apache-h2-tuned": _program(
        "apache-h2-tuned",
        "Apache httpd TLS + HTTP/2: ProxyPass flushpackets=on, no-gzip for SSE",
        "apache",
        blinds=_checks(**APACHE_BLIND),
        tls=True,
    ),
    "caddy": _program(
        "caddy",
        "Caddy (current release) with the minimal reverse_proxy Caddyfile",
        "caddy",
    ),
    "caddy-tuned": _program(
        "caddy-tuned",
        "Caddy: reverse_proxy with flush_interval -1",
        "caddy",
    ),
    "caddy-encode": _program(
        "caddy-encode",
        "Caddy: reverse_proxy plus `encode gzip`",
        "caddy",
        compresses="Caddy's `encode gzip` compresses text/event-stream unless the "
        "response says `Cache-Control: no-transform`",
    ),
    "caddy-encode-tuned": _program(
        "caddy-encode-tuned",
        "Caddy: `encode gzip` that leaves text/event-stream alone, flush_interval -1",
        "caddy",
    ),
}


CHOICES = ", ".join(kind.syntax for kind in KINDS.values())
#: the kinds that take ``:ARGUMENTS``
PARAMETRISED = {"buffer", "idle-timeout", "total-timeout"}
