"""Intermediaries between the harness client and the proxy under test.

The layers (docs/layers.md; their facts in one table, harness.layers.kinds): direct ·
real nginx (stock ``proxy_buffering on``, ``gzip``, TLS + HTTP/2, HTTP/1.1 upstream) ·
real HAProxy, Varnish, Apache httpd (also TLS + HTTP/2) and Caddy (also ``encode
gzip``), each stock and ``-tuned``, from configuration files in ``configs/`` · a
store-and-forward buffer (hold N bytes / T ms, like a CDN) · the idle and total
timeouts of load balancers and CDNs. The verdict for a layer says what the *proxy*
controls, and what the layer did.

Modules: ``kinds`` (the table), ``base`` (specs, handles), ``nginx`` and
``nginx_config``, ``programs`` (HAProxy, Varnish, Apache, Caddy: what each needs)
and ``runner`` (starts them), ``tls``, ``relay``
(the in-process TCP relay) with ``buffer`` and ``timeouts``. They import
harness.processes, harness.deathsig and harness.errors only.

    with open_layer(parse_layer("nginx"), proxy_port, workdir=tmp) as layer:
        url = layer.rewrite(proxy_url)   # now points at nginx's front
"""

from __future__ import annotations

import contextlib
from dataclasses import replace
from typing import TYPE_CHECKING

from harness.errors import UsageError
from harness.layers.base import LayerHandle, LayerSpec, parse_layer
from harness.layers.buffer import open_buffer
from harness.layers.kinds import CHOICES, KINDS
from harness.layers.nginx import open_nginx
from harness.layers.programs import require, requirements
from harness.layers.runner import open_program
from harness.layers.timeouts import open_timeout

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from contextlib import AbstractContextManager
    from pathlib import Path

__all__ = [
    "LAYERS",
    "LayerHandle",
    "LayerSpec",
    "open_layer",
    "parse_layer",
    "require",
    "requirements",
]

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


#: the in-process layers, by kind
_IN_PROCESS: dict[str, Callable[..., AbstractContextManager[LayerHandle]]] = {
    "direct": _open_direct,
    "buffer": open_buffer,
    "idle-timeout": open_timeout,
    "total-timeout": open_timeout,
}


def _opener(spec: LayerSpec) -> Callable[..., AbstractContextManager[LayerHandle]]:
    program = spec.facts.program
    if program == "nginx":
        return open_nginx
    if program:
        return open_program
    return _IN_PROCESS[spec.kind]


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
    if spec.kind not in KINDS:
        raise UsageError(
            f"--layer: unknown layer {spec.kind!r} (choose from {CHOICES})"
        )
    opener = _opener(spec)
    with opener(
        spec, upstream_port, workdir=workdir, read_timeout_s=read_timeout_s
    ) as handle:
        if handle.identity:
            handle = replace(handle, http2=http2, ca_path=ca_path)
        yield handle
