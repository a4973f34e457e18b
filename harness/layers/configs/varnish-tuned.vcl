# --layer varnish-tuned: the documented settings for a stream: pass every request
# (never cache or coalesce it), stream the body as it arrives (do_stream), never
# compress it (do_gzip), and a between_bytes_timeout far above any heartbeat.
vcl 4.1;

backend default {
    .host = "127.0.0.1";
    .port = "${upstream}";
    .first_byte_timeout = 3600s;
    .between_bytes_timeout = 3600s;
}

sub vcl_recv {
    return (pass);
}

sub vcl_backend_response {
    set beresp.do_stream = true;
    set beresp.do_gzip = false;
    set beresp.uncacheable = true;
    return (deliver);
}

sub vcl_deliver {
}
