"""Why a check asks what it asks, where the catalogue's principle decided it (pure).

The principle (docs/checks.md, top): a MUST names a property whose violation harms the
client or upstream; exact status codes and body formats on which idiomatic frameworks
differ are SHOULDs, unless the mission names them. One line per check it shaped.
"""

from __future__ import annotations

REASONS: dict[str, str] = {
    "REQ-400-MALFORMED": (
        "the harm is a bad body reaching upstream, a crash, or a server error for a "
        "client's mistake; frameworks differ on the code (FastAPI 422) and the body "
        "(Werkzeug/Express HTML, Go text), so any 4xx passes and the body's format is "
        "REQ-ERROR-BODY's alone (never counted twice); a 500 fails"
    ),
    "REQ-ERROR-BODY": (
        "the error body's format is where frameworks differ most: a SHOULD, and the "
        "one owner of it (REQ-400-MALFORMED no longer asks it)"
    ),
    "REQ-415-WRONG-TYPE": (
        "the mission names the 415 (ollama#4788's story): exactly 415, another 4xx "
        "fails; the detail says whether the body reached upstream"
    ),
    "END-UPSTREAM-DOWN": (
        "the harm is a client that cannot tell it failed; a 200 whose chunked body is "
        "then cut is reported by HTTP clients as a network error (RFC 9112 §7.1: not "
        "complete until the last chunk), as END-GARBAGE already accepted"
    ),
    "END-UPSTREAM-STATUS": (
        "as END-UPSTREAM-DOWN: a non-2xx status, an error event or a transfer that "
        "does not end cleanly all tell the client"
    ),
    "END-UPSTREAM-DOWN-STATUS": (
        "the exact 502/503/504 with a JSON body is the ideal, a SHOULD; it does not "
        "conflict with HDR-EARLY-FLUSH: race the upstream connect against a short "
        "timer, then send the head (see the fix)"
    ),
    "END-GARBAGE": (
        "the harm of a skipped line is silent data loss: skipping is fine with an "
        "error event, but a completion after a silent skip tells the client the "
        "answer is whole"
    ),
    "END-NOTHING-AFTER-DONE": (
        "an early completion is one defect: the text cut short (FRM-TOKEN-MAPPING) "
        "and the completion on the truncated stream (END-UPSTREAM-TRUNCATED) are "
        "BLOCKED by it where tokens followed the completion"
    ),
    "IDLE-HEARTBEAT-INVISIBLE": (
        "a heartbeat is what recurs while upstream is silent; protocol messages a "
        "stream opens with (start, step, metadata) are no heartbeats to judge"
    ),
    "IDLE-HEARTBEAT-MID": (
        "a head held back for upstream's first token cannot explain a silence after "
        "that token: judged on its own evidence, never BLOCKED by HDR-EARLY-FLUSH"
    ),
    "LAT-OVERHEAD": (
        "percentiles side by side, never subtracted: a difference of percentiles is "
        "no percentile of the added lag"
    ),
}
