"""Intermediaries between the harness client and the proxy under test.

The layers (README.md, "Gate your own proxy"): direct · nginx with default
``proxy_buffering on`` (real nginx binary) · nginx with ``gzip on`` for
``text/event-stream`` · nginx with TLS (trustme certificates) and HTTP/2 · a
configurable buffering simulator (hold N bytes / T ms, like a CDN). The verdict for
a layer says what the *proxy* controls.

    with open_layer(parse_layer("nginx"), proxy_port, workdir=tmp) as layer:
        url = layer.rewrite(proxy_url)   # now points at nginx's front
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

from harness.errors import UsageError
from harness.layers.base import LayerHandle, LayerSpec
from harness.layers.buffer import open_buffer
from harness.layers.nginx import open_nginx

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from contextlib import AbstractContextManager
    from pathlib import Path

__all__ = ["LAYERS", "LayerHandle", "LayerSpec", "open_layer", "parse_layer"]

# syntax -> what the layer puts between the client and the proxy
LAYERS: dict[str, str] = {
    "direct": "nothing: the client talks to the proxy itself",
    "nginx": "real nginx as shipped: proxy_buffering on, HTTP/1.0 to the proxy",
    "nginx-gzip": "real nginx as above plus gzip on for text/event-stream",
    "h2": "real nginx terminating TLS (trustme CA) and HTTP/2, HTTP/1.1 to the proxy",
    "nginx-http11": "real nginx, proxy_buffering on, HTTP/1.1 keep-alive to the proxy",
    "buffer:BYTES:MS": "store-and-forward TCP relay holding replies for BYTES or MS ms",
}
SIMPLE_KINDS = tuple(name for name in LAYERS if ":" not in name)
CHOICES = ", ".join(LAYERS)


def parse_layer(spec: str) -> LayerSpec:
    """Parse ``--layer``: one of LAYERS' keys (``buffer:4096:500``...) or UsageError."""
    text = spec.strip()
    if text in SIMPLE_KINDS:
        return LayerSpec(kind=text)
    kind, _, rest = text.partition(":")
    if kind != "buffer":
        raise UsageError(f"--layer: unknown layer {spec!r} (choose from {CHOICES})")
    size_text, _, ms_text = rest.partition(":")
    try:
        hold_bytes, hold_ms = int(size_text), float(ms_text)
    except ValueError:
        hold_bytes, hold_ms = -1, -1.0
    if hold_bytes < 1 or not 0 <= hold_ms < float("inf"):
        raise UsageError(
            f"--layer: bad {spec!r}: expected buffer:BYTES:MS with BYTES >= 1 "
            "and MS >= 0, e.g. buffer:4096:500"
        )
    return LayerSpec(kind="buffer", hold_bytes=hold_bytes, hold_ms=hold_ms)


@contextlib.contextmanager
def _open_direct(
    spec: LayerSpec, upstream_port: int, *, workdir: Path, read_timeout_s: float
) -> Iterator[LayerHandle]:
    del workdir, read_timeout_s
    yield LayerHandle(
        name=spec.name,
        scheme="http",
        host="127.0.0.1",
        port=upstream_port,
        identity=True,
    )


_OPENERS: dict[str, Callable[..., AbstractContextManager[LayerHandle]]] = {
    "direct": _open_direct,
    "nginx": open_nginx,
    "nginx-gzip": open_nginx,
    "h2": open_nginx,
    "nginx-http11": open_nginx,
    "buffer": open_buffer,
}


def open_layer(
    spec: LayerSpec, upstream_port: int, *, workdir: Path, read_timeout_s: float = 60.0
) -> AbstractContextManager[LayerHandle]:
    """Start the layer in front of 127.0.0.1:``upstream_port``; stop it on exit.

    Everything the layer writes (config, pid, logs, temp files, certificates) goes to
    a fresh directory inside ``workdir``, which the caller removes.
    """
    opener = _OPENERS.get(spec.kind)
    if opener is None:
        raise UsageError(
            f"--layer: unknown layer {spec.kind!r} (choose from {CHOICES})"
        )
    return opener(spec, upstream_port, workdir=workdir, read_timeout_s=read_timeout_s)
