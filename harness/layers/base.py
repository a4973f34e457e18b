"""What every layer is: a parsed spec and a handle on the running front."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urlsplit, urlunsplit

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

__all__ = ["LayerHandle", "LayerSpec"]


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
