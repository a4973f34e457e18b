"""The seed dialect's Server-Sent Events, as bytes (pure).

WHATWG HTML 9.2.5: a field value runs to the end of the line, and CR, LF and CRLF all
end a line. The data is JSON text, and JSON escapes every control character, so a token
containing "\\n\\n" or "\\r" can never end the field or the event early.
"""

from __future__ import annotations

import json

CONTENT_TYPE = "text/event-stream; charset=utf-8"
CACHE_CONTROL = "no-cache, no-transform"

# "Legacy proxy servers are known to, in certain cases, drop HTTP connections after a
# short timeout. To protect against such proxy servers, authors can include a comment
# line (one starting with a ':' character) every 15 seconds or so." (9.2.7)
HEARTBEAT = b": ping\n\n"
FINISHED = b'data: {"finished": true}\n\n'


def _json(value: dict[str, str]) -> bytes:
    try:
        return json.dumps(value, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        # A lone surrogate (upstream sent "\\ud800"): keep it escaped, stay valid UTF-8.
        return json.dumps(value).encode("ascii")


def token_event(text: str) -> bytes:
    return b"data: " + _json({"token": text}) + b"\n\n"


def error_event(text: str) -> bytes:
    return b"event: error\ndata: " + _json({"error": text}) + b"\n\n"


def error_body(message: str) -> bytes:
    """The JSON body of every non-stream error answer (4xx/5xx)."""
    return json.dumps({"error": message}).encode("ascii")
