# --layer varnish: Debian's /etc/varnish/default.vcl (varnish 7.1) pointed at the
# proxy. Everything else is Varnish's built-in VCL and default parameters: POST is
# passed, GET may be cached, between_bytes_timeout 60 s, first_byte_timeout 60 s.
vcl 4.1;

backend default {
    .host = "127.0.0.1";
    .port = "${upstream}";
}

sub vcl_recv {
}

sub vcl_backend_response {
}

sub vcl_deliver {
}
