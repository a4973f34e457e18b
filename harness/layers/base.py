"""What every layer is: a parsed spec and a handle on the running front."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urlsplit, urlunsplit

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from pathlib import Path

__all__ = ["LayerHandle", "LayerSpec", "layer_note"]


@dataclass(frozen=True, slots=True)
class LayerSpec:
    """A parsed ``--layer`` value: its kind and, for ``buffer``, what it holds."""

    kind: str
    hold_bytes: int = 0
    hold_ms: float = 0.0

    @property
    def name(self) -> str:
        """The canonical spelling, e.g. ``nginx`` or ``buffer:4096:500``."""
        if self.kind == "buffer":
            ms = self.hold_ms
            ms_text = str(int(ms)) if ms.is_integer() else repr(ms)
            return f"buffer:{self.hold_bytes}:{ms_text}"
        return self.kind


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


#: layers whose nginx holds every body (stock HTTP/1.0 upstream, or gzip) unless the
#: response says X-Accel-Buffering: no — and those that hold only close-delimited bodies
HOLDING_NGINX = ("nginx", "nginx-gzip")
CHUNK_PASSING_NGINX = ("nginx-http11", "h2")


def layer_note(layer: str, direct_headers: Mapping[str, str]) -> str:
    """What a layer does to a stream, in terms of what the proxy controls (pure)."""
    accel = direct_headers.get("x-accel-buffering", "").strip().lower() == "no"
    if layer in HOLDING_NGINX + CHUNK_PASSING_NGINX:
        if accel:
            return (
                "nginx with proxy_buffering on; the proxy sends X-Accel-Buffering: no"
            )
        if layer in HOLDING_NGINX:
            return "buffered by nginx: the response has no `X-Accel-Buffering: no`"
        return (
            "nginx with proxy_buffering on holds any body that is not chunked: "
            "the response has no `X-Accel-Buffering: no`"
        )
    if layer.startswith("buffer:"):
        return f"the {layer} layer stores and forwards; no proxy header lifts it"
    return ""
