"""How to fix a finding in the layer in front of the proxy (pure data): one entry per
topic of harness.checks.howto, one line per layer, in LAYERS order ("" where the layer
has nothing to set). docs/checks.md renders them after the stacks; docs/layers.md
says what each setting changes, measured.
"""

from __future__ import annotations

LAYERS = ("HAProxy", "Varnish", "Apache httpd", "Caddy", "load balancer / CDN")

#: topic -> one line per layer, in LAYERS order
LAYER_HOWTO: dict[str, tuple[str, str, str, str, str]] = {
    "flush": (
        "`option http-no-delay` (else the head waits ~200 ms for the client's "
        "delayed ACK).",
        "`return (pass);` in `vcl_recv` and `set beresp.do_stream = true;`.",
        "Nothing over HTTP/1.1; over HTTP/2 `ProxyPass … flushpackets=on`.",
        "A current Caddy sends the head at once (before 2.5 it waited for the first "
        "body byte, caddy#4247); `flush_interval -1` in `reverse_proxy`.",
        "",
    ),
    "latency": (
        "`option http-no-delay` in the frontend or defaults (measured: ~200 ms per "
        "event without it).",
        "`return (pass);` in `vcl_recv`; `set beresp.do_stream = true; set "
        "beresp.do_gzip = false;` in `vcl_backend_response`.",
        "`ProxyPass … flushpackets=on`; `SetEnv no-gzip 1` for the route, or keep "
        "`text/event-stream` out of `AddOutputFilterByType DEFLATE`.",
        "`flush_interval -1`; keep `text/event-stream` out of `encode` (a `match` "
        "block), or have the proxy send `Cache-Control: no-transform`.",
        "A CDN that buffers: bypass its cache for the route; send "
        "`Cache-Control: no-cache, no-transform`.",
    ),
    "ending": (
        "`timeout client` and `timeout server` above the heartbeat interval "
        "(`timeout tunnel` does not apply to SSE, haproxy#182).",
        "`.between_bytes_timeout` of the backend above the heartbeat (default 60 s).",
        "`ProxyTimeout` above the heartbeat (default: `Timeout`, 300 s in Debian).",
        "Nothing: `reverse_proxy` has no read timeout by default.",
        "An Envoy route ends every response after its `timeout` (default 15 s): set "
        "`timeout: 0s` on the route; nothing the proxy sends lifts it.",
    ),
    "heartbeat": (
        "`timeout client`/`timeout server` above the heartbeat interval.",
        "`.between_bytes_timeout` above the heartbeat interval.",
        "`ProxyTimeout` above the heartbeat interval.",
        "",
        "A heartbeat shorter than the idle timeout: AWS ALB 60 s (HTTP/2 PINGs do not "
        "count), Cloudflare 100 s (125 s today); `--layer idle-timeout:60` shows it.",
    ),
    "cancel": (
        "`option abortonclose`, so a client gone before the response started "
        "closes the connection to the proxy.",
        "None: Varnish sees a client gone only when it next writes "
        "(CANCEL-BEFORE-FIRST-TOKEN is UNIMPLEMENTED behind it).",
        "None: mod_proxy_http sees a client gone only when it next writes "
        "(CANCEL-BEFORE-FIRST-TOKEN is UNIMPLEMENTED behind it).",
        "Nothing: Caddy closes the upstream request when the client goes.",
        "",
    ),
}
