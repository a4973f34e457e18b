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
from dataclasses import replace
from typing import TYPE_CHECKING

from harness.errors import UsageError
from harness.layers.base import CHOICES, KINDS, LayerHandle, LayerSpec, parse_layer
from harness.layers.buffer import open_buffer
from harness.layers.nginx import open_nginx

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from contextlib import AbstractContextManager
    from pathlib import Path

__all__ = ["LAYERS", "LayerHandle", "LayerSpec", "open_layer", "parse_layer"]

# syntax -> what the layer puts between the client and the proxy
LAYERS: dict[str, str] = {kind.syntax: kind.description for kind in KINDS.values()}


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


@contextlib.contextmanager
def open_layer(
    spec: LayerSpec,
    upstream_port: int,
    *,
    workdir: Path,
    read_timeout_s: float = 60.0,
    http2: bool = False,
    ca_path: Path | None = None,
) -> Iterator[LayerHandle]:
    """Start the layer in front of 127.0.0.1:``upstream_port``; stop it on exit.

    Everything the layer writes (config, pid, logs, temp files, certificates) goes to
    a fresh directory inside ``workdir``, which the caller removes. ``http2`` and
    ``ca_path`` say how the proxy itself is spoken to: the ``direct`` layer's handle
    carries them, every other layer has its own front.
    """
    opener = _OPENERS.get(spec.kind)
    if opener is None:
        raise UsageError(
            f"--layer: unknown layer {spec.kind!r} (choose from {CHOICES})"
        )
    with opener(
        spec, upstream_port, workdir=workdir, read_timeout_s=read_timeout_s
    ) as handle:
        if handle.identity:
            handle = replace(handle, http2=http2, ca_path=ca_path)
        yield handle
