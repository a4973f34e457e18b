"""What every layer is: a parsed ``--layer`` spec and a handle on the running front.

The facts of each kind live in one table (harness.layers.kinds.KINDS); the judges
read them through the run's Context, never by comparing layer names. Whether the
client speaks HTTP/2 to it is on the running handle (``LayerHandle.http2``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urlsplit, urlunsplit

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from pathlib import Path

from harness.errors import UsageError
from harness.layers.kinds import (
    CHOICES,
    KINDS,
    LAYER_HEAD_FIELD,
    LIFTED,
    PARAMETRISED,
    LayerKind,
)

NS_PER_MS = 1_000_000

__all__ = [
    "KINDS",
    "LAYER_HEAD_FIELD",
    "LayerHandle",
    "LayerKind",
    "LayerSpec",
    "layer_note",
    "parse_layer",
]


@dataclass(frozen=True, slots=True)
class LayerSpec:
    """A parsed ``--layer`` value: its kind and its arguments."""

    kind: str
    hold_bytes: int = 0
    hold_ms: float = 0.0
    #: the timeout relays: their cut in seconds
    seconds: float = 0.0

    @property
    def name(self) -> str:
        """The canonical spelling, e.g. ``nginx``, ``buffer:4096:500``, ``idle-timeout:60``."""
        if self.facts.stores:
            return f"buffer:{self.hold_bytes}:{_number(self.hold_ms)}"
        if self.facts.cut:
            return f"{self.kind}:{_number(self.seconds)}"
        return self.kind

    @property
    def facts(self) -> LayerKind:
        return KINDS[self.kind]

    @property
    def hold_ns(self) -> int:
        """How long the layer itself may hold bytes by design, in ns."""
        return int(self.hold_ms * NS_PER_MS)

    @property
    def idle_cut_s(self) -> float | None:
        """After how many seconds without bytes either way the layer closes (None: never)."""
        return self.seconds if self.facts.cut == "idle" else None

    @property
    def total_cut_s(self) -> float | None:
        """After how many seconds the layer ends any response (None: never)."""
        return self.seconds if self.facts.cut == "total" else None

    @property
    def cut_s(self) -> float | None:
        """The layer's idle or total cut, whichever it has (None: neither)."""
        return self.seconds if self.facts.cut else None

    def note(self, direct_headers: Mapping[str, str]) -> str:
        """What the layer does to a stream, in terms of what the proxy controls."""
        facts = self.facts
        if facts.stores:
            return (
                f"the {self.name} layer stores and forwards; no proxy header lifts it"
            )
        if facts.cut == "idle":
            return (
                f"the {self.name} layer closes a connection after {_number(self.seconds)} s "
                "without bytes either way (as a load balancer's idle timeout does); "
                f"a heartbeat at least every {_number(self.seconds)} s keeps it open"
            )
        if facts.cut == "total":
            return (
                f"the {self.name} layer ends every response {_number(self.seconds)} s "
                "after its request (as an Envoy route timeout does); no proxy "
                "behaviour lifts it"
            )
        if not facts.holds:
            return ""
        lifted = direct_headers.get("x-accel-buffering", "").strip().lower() == "no"
        if facts.proxy_lifts and lifted:
            return LIFTED
        return facts.holds


def _number(value: float) -> str:
    return str(int(value)) if value.is_integer() else repr(value)


def _parse_buffer(spec: str, rest: str) -> LayerSpec:
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


def _parse_cut(spec: str, kind: str, rest: str) -> LayerSpec:
    try:
        seconds = float(rest)
    except ValueError:
        seconds = -1.0
    if not 0 < seconds <= 3600:
        raise UsageError(
            f"--layer: bad {spec!r}: expected {kind}:SECONDS with 0 < SECONDS "
            f"<= 3600, e.g. {kind}:60"
        )
    return LayerSpec(kind=kind, seconds=seconds)


def parse_layer(spec: str) -> LayerSpec:
    """Parse ``--layer``: a kind of KINDS (``buffer:4096:500``...) or UsageError."""
    text = spec.strip()
    if text in KINDS and text not in PARAMETRISED:
        return LayerSpec(kind=text)
    kind, _, rest = text.partition(":")
    if kind == "buffer":
        return _parse_buffer(spec, rest)
    if kind in PARAMETRISED:
        return _parse_cut(spec, kind, rest)
    raise UsageError(f"--layer: unknown layer {spec!r} (choose from {CHOICES})")


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
