"""The proxy's behaviour switches, and the table of deliberate defects (pure).

Each defect flips one switch of :class:`Behaviour` (or swaps one small function) so
that a known-broken proxy fails exactly the checks named beside it. The correct proxy
is ``CORRECT``; nothing else in the package decides what is broken. ``DEFECTS`` is the
one defect -> check table: proxies/README.md's table is ``markdown_table()`` and the
gate's own tests assert each outcome listed here.
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
    #: a token after the completion event (clients stop at the completion, lose it)
    token_after_done: bool = False
    #: with nothing listening upstream, a JSON 502 (else 200, then an error event)
    refuse_when_down: bool = True


CORRECT = Behaviour()

FAILED, NON_STRICT = "FAILED", "NON-STRICT"


@dataclass(frozen=True, slots=True)
class Defect:
    """One deliberate defect: the switch it flips, and what the gate must report."""

    behaviour: Behaviour
    #: what the proxy then does wrong (one line of Markdown, for proxies/README.md)
    wrong: str
    #: exactly the checks it fails on the direct layer, with the outcome the gate
    #: reports: FAILED for a MUST, NON-STRICT for a SHOULD; no other check is FAILED
    #: or NON-STRICT (tests/harness/gate/test_run.py runs every defect)
    fails: tuple[tuple[str, str], ...]
    #: knock-ons the gate reports BLOCKED, with the check that blocks them (every
    #: BLOCKED result names one of ``fails``; these ones always show)
    blocked: tuple[tuple[str, str], ...] = ()
    #: what else shows and is not asserted (e.g. behind a layer)
    also: str = ""


def _by(root: str, *checks: str) -> tuple[tuple[str, str], ...]:
    """``checks``, each BLOCKED by ``root``."""
    return tuple((check, root) for check in checks)


# defect name -> the defect (the one table: the README's is rendered from it)
DEFECTS: dict[str, Defect] = {
    "buffer-all": Defect(
        replace(CORRECT, hold_tokens_until_end=True),
        "holds every event until upstream is done, then sends them at once",
        (("LAT-FIRST-TOKEN", FAILED),),
        blocked=_by(
            "LAT-FIRST-TOKEN",
            "LAT-NO-BATCHING",
            "LAT-SIZE-SWEEP",
            "CANCEL-MID-STREAM",
            "CANCEL-SLOW-READER",
            "IDLE-HEARTBEAT-MID",
        ),
    ),
    "raw-data": Defect(
        replace(CORRECT, encode_token=raw_token_event),
        'writes `data: {"token": "` + content + `"}` with content unescaped (raw CR/LF)',
        (("FRM-INJECTION", FAILED),),
        blocked=_by("FRM-INJECTION", "FRM-FIELDS", "FRM-LF-ONLY"),
    ),
    "per-read-json": Defect(
        replace(CORRECT, splitter=PerReadJsonSplitter, drop_malformed_lines=True),
        "parses each network read as whole lines, drops what does not parse",
        # dropping upstream's malformed line without an error, then completing
        (("FRM-NDJSON-SPLIT", FAILED), ("END-GARBAGE", FAILED)),
        blocked=_by(
            "FRM-NDJSON-SPLIT", "FRM-UTF8-SPLIT", "FRM-LONG-LINE", "LAT-SIZE-SWEEP"
        ),
    ),
    "per-read-utf8": Defect(
        replace(CORRECT, splitter=PerReadUtf8Splitter),
        'decodes each network read on its own with `errors="replace"`',
        (("FRM-UTF8-SPLIT", FAILED),),
        blocked=_by("FRM-UTF8-SPLIT", "FRM-UTF8-VALID"),
    ),
    "no-415": Defect(
        replace(CORRECT, check_content_type=False),
        "accepts any `Content-Type`",
        (("REQ-415-WRONG-TYPE", FAILED),),
        blocked=_by(
            "REQ-415-WRONG-TYPE", "REQ-415-ACCEPT-POST", "REQ-415-MISSING-TYPE"
        ),
    ),
    "no-abort": Defect(
        replace(CORRECT, abort_on_disconnect=False),
        "keeps reading upstream to its end after the client left",
        (("CANCEL-MID-STREAM", FAILED), ("CANCEL-BEFORE-FIRST-TOKEN", FAILED)),
        also="CANCEL-SLOW-READER, when upstream got drained, BLOCKED by CANCEL-MID-STREAM",
    ),
    "swallow-error": Defect(
        replace(CORRECT, on_error_line="finish"),
        'turns an upstream `{"error": ...}` line into the completion event',
        (("END-UPSTREAM-ERROR-LINE", FAILED),),
    ),
    "wrong-content-type": Defect(
        replace(CORRECT, content_type="application/x-ndjson"),
        "serves `application/x-ndjson`",
        (("HDR-CONTENT-TYPE", FAILED),),
        blocked=_by("HDR-CONTENT-TYPE", "HDR-NO-UPSTREAM-LEAK", "REQ-TYPE-PARAMS"),
        also="the body is still parsed as SSE, so FRM-*, LAT-* and END-* pass",
    ),
    "no-done": Defect(
        replace(CORRECT, send_finished=False),
        "never sends the completion event, just closes",
        (("END-DONE", FAILED),),
        blocked=_by(
            "END-DONE",
            "END-UPSTREAM-TRUNCATED",
            "END-NOTHING-AFTER-DONE",
            "IDLE-HEARTBEAT",
            "IDLE-HEARTBEAT-MID",
        ),
    ),
    "no-accel": Defect(
        replace(CORRECT, accel_header=False),
        "omits `X-Accel-Buffering: no`, otherwise correct",
        (("HDR-ACCEL", NON_STRICT),),
        also="behind the `nginx` layer LAT-FIRST-TOKEN FAILED, its knock-ons BLOCKED",
    ),
    "gzip": Defect(
        replace(CORRECT, gzip_when_accepted=True),
        "gzip-compresses the stream without per-event flush when the client sends "
        "`Accept-Encoding: gzip`",
        (("HDR-NO-COMPRESSION", NON_STRICT), ("LAT-FIRST-TOKEN", FAILED)),
        blocked=_by("LAT-FIRST-TOKEN", "LAT-NO-BATCHING", "CANCEL-MID-STREAM")
        + _by("HDR-NO-COMPRESSION", "IDLE-HEARTBEAT"),
        also="LAT-FIRST-TOKEN stays FAILED: a SHOULD never blocks a MUST",
    ),
    "no-heartbeat": Defect(
        replace(CORRECT, heartbeat=False),
        "never sends heartbeats",
        (("IDLE-HEARTBEAT", NON_STRICT), ("IDLE-HEARTBEAT-MID", NON_STRICT)),
        blocked=_by("IDLE-HEARTBEAT", "IDLE-HEARTBEAT-INVISIBLE"),
    ),
    "late-headers": Defect(
        replace(CORRECT, early_headers=False),
        "sends the headers only together with the first token",
        (("HDR-EARLY-FLUSH", NON_STRICT),),
        blocked=_by("HDR-EARLY-FLUSH", "IDLE-HEARTBEAT"),
    ),
    "content-length": Defect(
        replace(CORRECT, content_length=True),
        "buffers the whole answer and sets `Content-Length`",
        (("HDR-NO-CONTENT-LENGTH", FAILED),),
        blocked=_by(
            "HDR-NO-CONTENT-LENGTH",
            "HDR-EARLY-FLUSH",
            "LAT-FIRST-TOKEN",
            "LAT-NO-BATCHING",
            "CANCEL-MID-STREAM",
            "IDLE-HEARTBEAT",
        ),
    ),
    "token-after-done": Defect(
        replace(CORRECT, token_after_done=True),
        "sends one more token after its completion event",
        (("END-NOTHING-AFTER-DONE", FAILED),),
        also="a client stops at the completion: the text it read is upstream's",
    ),
    "down-as-event": Defect(
        replace(CORRECT, refuse_when_down=False),
        "with nothing listening upstream sends 200 and an `event: error` instead of a 502",
        (("END-UPSTREAM-DOWN-STATUS", NON_STRICT),),
        also="END-UPSTREAM-DOWN stays OK: the error event tells the client",
    ),
    "fabricate-done": Defect(
        replace(CORRECT, on_truncation="finish"),
        "sends the completion event when upstream is cut or ends without `done`",
        (("END-UPSTREAM-TRUNCATED", FAILED), ("END-TRUNCATED-EXPLICIT", NON_STRICT)),
    ),
}


def behaviour_for(defect: str | None) -> Behaviour:
    """The behaviour of the proxy with ``defect`` switched on (None: correct)."""
    return CORRECT if defect is None else DEFECTS[defect].behaviour


def markdown_table() -> str:
    """The defect table of proxies/README.md, rendered from ``DEFECTS``."""
    rows = [
        "| name | what it does wrong | what the gate reports (direct layer): "
        "FAILED / NON-STRICT, then the knock-ons BLOCKED |",
        "|---|---|---|",
    ]
    for name, defect in DEFECTS.items():
        fails = ", ".join(f"{check} {outcome}" for check, outcome in defect.fails)
        roots = dict.fromkeys(root for _, root in defect.blocked)
        blocked = "".join(
            f"; BLOCKED by {root}: "
            + ", ".join(check for check, by in defect.blocked if by == root)
            for root in roots
        )
        also = f"; {defect.also}" if defect.also else ""
        rows.append(f"| `{name}` | {defect.wrong} | {fails}{blocked}{also} |")
    return "\n".join(rows) + "\n"
