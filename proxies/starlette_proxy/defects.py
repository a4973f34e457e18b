"""The proxy's behaviour switches, and the table of deliberate defects (pure).

Each defect flips one switch of :class:`Behaviour` (or swaps one small function) so
that a known-broken proxy fails exactly the check named beside it. The correct proxy
is ``CORRECT``; nothing else in the package decides what is broken.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Literal

from proxies.starlette_proxy.events import CONTENT_TYPE, token_event
from proxies.starlette_proxy.ndjson import LineSplitter

if TYPE_CHECKING:
    from collections.abc import Callable

    from proxies.starlette_proxy.ndjson import Splitter


class PerReadJsonSplitter:
    """Defect: treats every network read as whole lines; a cut line is lost."""

    def feed(self, data: bytes) -> list[bytes]:
        return [piece for piece in data.split(b"\n") if piece.strip()]

    def end(self) -> bytes:
        return b""


class PerReadUtf8Splitter:
    """Defect: decodes every read on its own, so a character cut across reads is
    replaced by U+FFFD (the seed's ``TextDecoder`` without ``{stream: true}``)."""

    def __init__(self) -> None:
        self._pending = ""

    def feed(self, data: bytes) -> list[bytes]:
        *lines, self._pending = (self._pending + data.decode("utf-8", "replace")).split(
            "\n"
        )
        return [line.encode("utf-8") for line in lines]

    def end(self) -> bytes:
        rest, self._pending = self._pending, ""
        return rest.encode("utf-8")


def raw_token_event(text: str) -> bytes:
    """Defect: pastes the token into the JSON text unescaped (newlines and all)."""
    return b'data: {"token": "' + text.encode("utf-8") + b'"}\n\n'


@dataclass(frozen=True, slots=True)
class Behaviour:
    """How the proxy acts; ``CORRECT`` is the seed dialect done right."""

    content_type: str = CONTENT_TYPE
    accel_header: bool = True
    check_content_type: bool = True
    early_headers: bool = True
    content_length: bool = False
    hold_tokens_until_end: bool = False
    gzip_when_accepted: bool = False
    heartbeat: bool = True
    splitter: Callable[[], Splitter] = LineSplitter
    drop_malformed_lines: bool = False
    encode_token: Callable[[str], bytes] = token_event
    on_error_line: Literal["error-event", "finish"] = "error-event"
    send_finished: bool = True
    on_truncation: Literal["error-event", "finish"] = "error-event"
    abort_on_disconnect: bool = True


CORRECT = Behaviour()

# defect name -> (behaviour, the check it is meant to fail)
DEFECTS: dict[str, tuple[Behaviour, str]] = {
    "buffer-all": (
        replace(CORRECT, hold_tokens_until_end=True),
        "LAT-FIRST-TOKEN, LAT-NO-BATCHING",
    ),
    "raw-data": (replace(CORRECT, encode_token=raw_token_event), "FRM-INJECTION"),
    "per-read-json": (
        replace(CORRECT, splitter=PerReadJsonSplitter, drop_malformed_lines=True),
        "FRM-NDJSON-SPLIT",
    ),
    "per-read-utf8": (replace(CORRECT, splitter=PerReadUtf8Splitter), "FRM-UTF8-SPLIT"),
    "no-415": (replace(CORRECT, check_content_type=False), "REQ-415-WRONG-TYPE"),
    "no-abort": (
        replace(CORRECT, abort_on_disconnect=False),
        "CANCEL-MID-STREAM, CANCEL-BEFORE-FIRST-TOKEN",
    ),
    "swallow-error": (
        replace(CORRECT, on_error_line="finish"),
        "END-UPSTREAM-ERROR-LINE",
    ),
    "wrong-content-type": (
        replace(CORRECT, content_type="application/x-ndjson"),
        "HDR-CONTENT-TYPE",
    ),
    "no-done": (replace(CORRECT, send_finished=False), "END-DONE"),
    "no-accel": (replace(CORRECT, accel_header=False), "HDR-ACCEL, LAT-* behind nginx"),
    "gzip": (
        replace(CORRECT, gzip_when_accepted=True),
        "HDR-NO-COMPRESSION, LAT-FIRST-TOKEN, LAT-NO-BATCHING",
    ),
    "no-heartbeat": (replace(CORRECT, heartbeat=False), "IDLE-HEARTBEAT"),
    "late-headers": (replace(CORRECT, early_headers=False), "HDR-EARLY-FLUSH"),
    "content-length": (
        replace(CORRECT, content_length=True),
        "HDR-NO-CONTENT-LENGTH (and LAT-*, HDR-EARLY-FLUSH: it must buffer)",
    ),
    "fabricate-done": (
        replace(CORRECT, on_truncation="finish"),
        "END-UPSTREAM-TRUNCATED",
    ),
}


def behaviour_for(defect: str | None) -> Behaviour:
    """The behaviour of the proxy with ``defect`` switched on (None: correct)."""
    return CORRECT if defect is None else DEFECTS[defect][0]
