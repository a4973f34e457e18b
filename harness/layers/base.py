"""What every layer is: its kind's facts, a parsed spec and a handle on the running front.

The facts the judges need about a layer (does the proxy's response head pass
unchanged, what does it hold back) live in one table, ``KINDS``, not in string
comparisons at the call sites; whether the client speaks HTTP/2 to it is on the
running handle (``LayerHandle.http2``: TLS nginx, or the proxy itself with --http2).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urlsplit, urlunsplit

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from pathlib import Path

from harness.errors import UsageError

NS_PER_MS = 1_000_000

__all__ = [
    "KINDS",
    "LayerHandle",
    "LayerKind",
    "LayerSpec",
    "layer_note",
    "parse_layer",
]

#: what nginx holds back unless the response says X-Accel-Buffering: no
HOLDS_EVERY_BODY = "buffered by nginx: the response has no `X-Accel-Buffering: no`"
HOLDS_UNCHUNKED = (
    "nginx with proxy_buffering on holds any body that is not chunked: "
    "the response has no `X-Accel-Buffering: no`"
)


@dataclass(frozen=True, slots=True)
class LayerKind:
    """What a kind of layer puts between the client and the proxy."""

    syntax: str
    description: str
    #: the response head reaches the client as the proxy sent it (no nginx rewriting it)
    transparent: bool = False
    #: real nginx with proxy_buffering on: what it holds without X-Accel-Buffering: no
    nginx_holds: str = ""
    #: a store-and-forward relay (holds by design, whatever the proxy says)
    stores: bool = False


# kind -> its facts (CHECKS.md "Layers")
KINDS: dict[str, LayerKind] = {
    "direct": LayerKind(
        "direct", "nothing: the client talks to the proxy itself", transparent=True
    ),
    "nginx": LayerKind(
        "nginx",
        "real nginx as shipped: proxy_buffering on, HTTP/1.0 to the proxy",
        nginx_holds=HOLDS_EVERY_BODY,
    ),
    "nginx-gzip": LayerKind(
        "nginx-gzip",
        "real nginx as above plus gzip on for text/event-stream",
        nginx_holds=HOLDS_EVERY_BODY,
    ),
    "h2": LayerKind(
        "h2",
        "real nginx terminating TLS (trustme CA) and HTTP/2, HTTP/1.1 to the proxy",
        nginx_holds=HOLDS_UNCHUNKED,
    ),
    "nginx-http11": LayerKind(
        "nginx-http11",
        "real nginx, proxy_buffering on, HTTP/1.1 keep-alive to the proxy",
        nginx_holds=HOLDS_UNCHUNKED,
    ),
    "buffer": LayerKind(
        "buffer:BYTES:MS",
        "store-and-forward TCP relay holding replies for BYTES or MS ms",
        transparent=True,
        stores=True,
    ),
}
CHOICES = ", ".join(kind.syntax for kind in KINDS.values())


@dataclass(frozen=True, slots=True)
class LayerSpec:
    """A parsed ``--layer`` value: its kind and, for ``buffer``, what it holds."""

    kind: str
    hold_bytes: int = 0
    hold_ms: float = 0.0

    @property
    def name(self) -> str:
        """The canonical spelling, e.g. ``nginx`` or ``buffer:4096:500``."""
        if self.facts.stores:
            ms = self.hold_ms
            ms_text = str(int(ms)) if ms.is_integer() else repr(ms)
            return f"buffer:{self.hold_bytes}:{ms_text}"
        return self.kind

    @property
    def facts(self) -> LayerKind:
        return KINDS[self.kind]

    @property
    def hold_ns(self) -> int:
        """How long the layer itself may hold bytes by design, in ns."""
        return int(self.hold_ms * NS_PER_MS)

    def note(self, direct_headers: Mapping[str, str]) -> str:
        """What the layer does to a stream, in terms of what the proxy controls."""
        facts = self.facts
        if facts.stores:
            return (
                f"the {self.name} layer stores and forwards; no proxy header lifts it"
            )
        if not facts.nginx_holds:
            return ""
        if direct_headers.get("x-accel-buffering", "").strip().lower() == "no":
            return (
                "nginx with proxy_buffering on; the proxy sends X-Accel-Buffering: no"
            )
        return facts.nginx_holds


def parse_layer(spec: str) -> LayerSpec:
    """Parse ``--layer``: a kind of KINDS (``buffer:4096:500``...) or UsageError."""
    text = spec.strip()
    if text in KINDS and text != "buffer":
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


def _no_logs() -> dict[str, str]:
    return {}


@dataclass(frozen=True, slots=True)
class LayerHandle:
    """A running layer: where the client connects and how to read its logs."""

    name: str
    scheme: str
    host: str
    port: int
    http2: bool = False
    ca_path: Path | None = None
    log_reader: Callable[[], dict[str, str]] = field(default=_no_logs, repr=False)
    identity: bool = False

    @property
    def spec(self) -> LayerSpec:
        return parse_layer(self.name)

    @property
    def transparent(self) -> bool:
        """The proxy's response head reaches the client unchanged."""
        return self.spec.facts.transparent

    @property
    def hold_ns(self) -> int:
        return self.spec.hold_ns

    def note(self, direct_headers: Mapping[str, str]) -> str:
        return self.spec.note(direct_headers)

    def logs(self) -> dict[str, str]:
        """The layer's logs by name (nginx ``error.log``, ``access.log``...)."""
        return self.log_reader()

    def rewrite(self, url: str) -> str:
        """``url`` with scheme, host and port replaced by the layer's front.

        Path, query and fragment are kept. The ``direct`` layer returns ``url`` as is.
        """
        if self.identity:
            return url
        parts = urlsplit(url)
        host = f"[{self.host}]" if ":" in self.host else self.host
        return urlunsplit(
            (
                self.scheme,
                f"{host}:{self.port}",
                parts.path,
                parts.query,
                parts.fragment,
            )
        )


def layer_note(layer: str, direct_headers: Mapping[str, str]) -> str:
    """What the layer called ``layer`` does to a stream (pure)."""
    return parse_layer(layer).note(direct_headers)
