"""What to change when a check is FAILED or NON-STRICT (pure data).

``FIXES`` maps each check id to one or two sentences and a topic of
harness.checks.howto (how on Next.js, Starlette/FastAPI, Express/Hono, nginx).
Results carry the sentences as ``fix``; reports link to the check's section of
docs/checks.md (``anchor``).
"""

from __future__ import annotations

from dataclasses import dataclass

DOC = "docs/checks.md"


@dataclass(frozen=True, slots=True)
class Fix:
    what: str
    #: a key of harness.checks.howto.HOWTO
    topic: str


_ = Fix
FIXES: dict[str, Fix] = {
    "HDR-STATUS-200": _("Answer a valid request with 200 and the stream.", "headers"),
    "HDR-CONTENT-TYPE": _(
        "Send exactly one `Content-Type: text/event-stream`; do not copy upstream's "
        "`application/x-ndjson` (a later field wins in a browser).",
        "headers",
    ),
    "HDR-NO-CONTENT-LENGTH": _(
        "Stream the body without `Content-Length` (chunked or HTTP/2); never buffer "
        "the answer to measure it.",
        "latency",
    ),
    "HDR-H2-NO-CONN-HEADERS": _(
        "Drop connection-specific fields (`Connection`, `Keep-Alive`, "
        "`Transfer-Encoding`, …) from the response.",
        "h2",
    ),
    "HDR-EARLY-FLUSH": _(
        "Send the response head as soon as the upstream connection is up, before the "
        "first token: race the upstream connect (and its status line) against a short "
        "timer (~1 s); answer 502 if it fails, else send the head at once and stream. "
        "This keeps END-UPSTREAM-DOWN-STATUS too. Behind nginx's HTTP/2 before 1.23.0 "
        "the head waits for body bytes, so send an SSE comment (`: ok`) with it.",
        "flush",
    ),
    "HDR-CACHE": _("Send `Cache-Control: no-cache, no-transform`.", "headers"),
    "HDR-ACCEL": _(
        "Send `X-Accel-Buffering: no` so nginx in front does not buffer.", "headers"
    ),
    "HDR-NO-COMPRESSION": _(
        "Do not compress the event stream (or flush the compressor after every event).",
        "latency",
    ),
    "HDR-NO-UPSTREAM-LEAK": _(
        "Build the response head yourself; do not copy upstream fields or name the "
        "upstream's address in any field.",
        "headers",
    ),
    "FRM-UTF8-VALID": _(
        "Decode upstream bytes as a stream (keep incomplete characters for the next "
        "read) and write UTF-8.",
        "lines",
    ),
    "FRM-UTF8-SPLIT": _(
        "Decode with a streaming decoder; never decode each read on its own.", "lines"
    ),
    "FRM-TOKEN-MAPPING": _(
        "Forward every upstream token once, in order, unchanged.", "framing"
    ),
    "FRM-NDJSON-SPLIT": _(
        "Split upstream's body into lines across reads (keep the remainder); parse "
        "only whole lines.",
        "lines",
    ),
    "FRM-INJECTION": _(
        "JSON-encode the token text inside `data:`; never paste raw text into the "
        "event.",
        "framing",
    ),
    "FRM-TERMINATED": _("End every event with a blank line (`\\n\\n`).", "framing"),
    "FRM-FIELDS": _(
        "Write only `data:`/`event:`/`id:`/`retry:` lines or `:` comments.", "framing"
    ),
    "FRM-LF-ONLY": _("Use `\\n` line endings in the stream.", "framing"),
    "FRM-NO-BOM": _("Do not start the body with a byte order mark.", "framing"),
    "FRM-LONG-LINE": _(
        "Raise line/buffer limits of the upstream reader so a 128 KiB line passes "
        "whole.",
        "lines",
    ),
    "LAT-FIRST-TOKEN": _(
        "Write and flush each event as it arrives; remove buffering (compression, "
        "whole-body reads, proxy buffering).",
        "latency",
    ),
    "LAT-NO-BATCHING": _(
        "Flush after every event instead of collecting several per write.", "latency"
    ),
    "LAT-SIZE-SWEEP": _(
        "Flush after every event whatever its size; a buffer that waits to fill "
        "holds small events.",
        "latency",
    ),
    "LAT-OVERHEAD": _("Measured only.", "latency"),
    "END-DONE": _(
        "Send the completion event after upstream's last line, then end the response.",
        "ending",
    ),
    "END-UPSTREAM-ERROR-LINE": _(
        'Turn an upstream `{"error": …}` line into an error event, never the '
        "completion.",
        "ending",
    ),
    "END-UPSTREAM-TRUNCATED": _(
        "Send the completion only when upstream sent `done: true`; a cut stream is an "
        "error.",
        "ending",
    ),
    "END-TRUNCATED-EXPLICIT": _(
        "When upstream dies mid-stream, send an `event: error` before closing.",
        "ending",
    ),
    "END-NOTHING-AFTER-DONE": _(
        "Stop writing tokens once the completion event is out (finish_reason or "
        "[DONE]); end the response.",
        "ending",
    ),
    "END-UPSTREAM-STATUS": _(
        "Pass an upstream error status on as a non-2xx answer (or an error event if "
        "the head is out); never a completion.",
        "down",
    ),
    "END-UPSTREAM-DOWN": _(
        "Catch the upstream connection error and answer 502 (or an error event, or "
        "abort the transfer, if the head is out) instead of hanging or completing.",
        "down",
    ),
    "END-UPSTREAM-DOWN-STATUS": _(
        "Connect to upstream before sending the head, and answer 502/503/504 with a "
        "JSON error when that fails; to keep HDR-EARLY-FLUSH, bound that wait (~1 s) "
        "and send the head once connected, not once the first token came.",
        "down",
    ),
    "END-GARBAGE": _(
        "Report a line that is not JSON with an error event (then continue or close); "
        "never skip it silently and then complete; never forward partial JSON as text; "
        "keep serving.",
        "lines",
    ),
    "CANCEL-MID-STREAM": _(
        "Abort the upstream request when the client disconnects.", "cancel"
    ),
    "CANCEL-BEFORE-FIRST-TOKEN": _(
        "Abort the upstream request on client disconnect, also while waiting for "
        "upstream's first byte.",
        "cancel",
    ),
    "CANCEL-SLOW-READER": _(
        "Read upstream only as fast as the client reads (backpressure), or give up "
        "on a stalled client.",
        "backpressure",
    ),
    "REQ-415-WRONG-TYPE": _(
        "Answer a body that is not `application/json` with 415 before contacting "
        "upstream.",
        "request",
    ),
    "REQ-415-ACCEPT-POST": _(
        "Add `Accept-Post: application/json` to the 415 answer.", "request"
    ),
    "REQ-415-MISSING-TYPE": _(
        "Answer a body without `Content-Type` with 415.", "request"
    ),
    "REQ-TYPE-PARAMS": _(
        "Compare the media type case-insensitively and ignore parameters such as "
        "`charset`.",
        "request",
    ),
    "REQ-400-MALFORMED": _(
        "Parse the body before contacting upstream; answer invalid JSON with a 4xx "
        "(400 by RFC 9110), never a 500.",
        "request",
    ),
    "REQ-406-ACCEPT": _(
        "Answer 406 (or the stream) to an `Accept` the route cannot serve.", "request"
    ),
    "REQ-ERROR-BODY": _(
        "Send error answers as `application/json` (or `application/problem+json`).",
        "request",
    ),
    "REQ-METHOD": _("Answer other methods with 405 and `Allow: POST`.", "request"),
    "IDLE-HEARTBEAT": _(
        "Send a comment line (`: ping`) whenever nothing was written for the "
        "heartbeat budget (15 s).",
        "heartbeat",
    ),
    "IDLE-HEARTBEAT-MID": _(
        "Keep the heartbeat timer running after the first token too (reset it on "
        "every write).",
        "heartbeat",
    ),
    "IDLE-HEARTBEAT-INVISIBLE": _(
        "Send heartbeats as comments (`: ping`), not `data:` messages.", "heartbeat"
    ),
}


def fix_for(check_id: str) -> str:
    found = FIXES.get(check_id)
    return found.what if found else ""


def anchor(check_id: str) -> str:
    """The link to the check's section of docs/checks.md (GitHub heading anchors)."""
    return f"{DOC}#{check_id.lower()}"
