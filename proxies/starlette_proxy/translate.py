"""Upstream NDJSON bytes -> seed-dialect SSE bytes (pure: the I/O loop feeds it).

Seed dialect (proxies/README.md): each line with non-empty ``message.content`` becomes
``data: {"token": ...}``; ``done: true`` becomes ``data: {"finished": true}`` and the
response ends; an upstream ``{"error": ...}`` line, a non-2xx answer, a truncated or a
malformed stream become ``event: error`` and the response ends, never a completion.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from proxies.starlette_proxy.events import FINISHED, error_event
from proxies.starlette_proxy.ndjson import (
    Done,
    Malformed,
    Meaning,
    Token,
    UpstreamError,
    interpret,
)

if TYPE_CHECKING:
    from proxies.starlette_proxy.defects import Behaviour

ERROR_TEXT_LIMIT = 2000


def chat_request_body(prompt: str, model: str) -> bytes:
    """Ollama ``/api/chat`` request; ASCII JSON, so any prompt (even a lone surrogate)
    survives and the harness's ``[[mock: ...]]`` marker stays byte-identical."""
    body = {
        "model": model,
        "messages": [{"role": "user", "content": prompt}],
        "stream": True,
    }
    return json.dumps(body).encode("ascii")


def status_error_text(status: int, body: bytes) -> str:
    """Text for an upstream non-2xx answer: Ollama's ``{"error": ...}`` when present."""
    try:
        value = json.loads(body)
    except ValueError:
        value = None
    if isinstance(value, dict) and isinstance(value.get("error"), str):
        return f"upstream status {status}: {value['error']}"
    text = body.decode("utf-8", "replace").strip()[:ERROR_TEXT_LIMIT]
    return f"upstream status {status}" + (f": {text}" if text else "")


#: what the token-after-done defect sends after its completion event
LATE_TOKEN = " (late)"


class Translator:
    """Feed it upstream bytes; it returns the SSE bytes to send now.

    Once :attr:`over` is true the response must end and upstream can be dropped.
    """

    def __init__(self, behaviour: Behaviour) -> None:
        self._behaviour = behaviour
        self._splitter = behaviour.splitter()
        self._held: list[bytes] = []
        self.over = False

    def feed(self, data: bytes) -> list[bytes]:
        out: list[bytes] = []
        for line in self._splitter.feed(data):
            self._line(line, out)
            if self.over:
                break
        return self._release(out)

    def eof(self) -> list[bytes]:
        """Upstream ended cleanly (chunked terminator or close)."""
        out: list[bytes] = []
        rest = self._splitter.end()
        if not self.over and rest.strip():
            meanings = interpret(rest)
            if any(isinstance(m, Malformed) for m in meanings):
                # Ollama ends every line with "\n": a cut line is a truncation.
                return self._release(self._truncated("upstream ended mid-line"))
            self._apply(meanings, out)
        if not self.over:
            out += self._truncated("upstream ended without done")
        return self._release(out)

    def broken(self, reason: str) -> list[bytes]:
        """Reading upstream failed (connection reset, incomplete chunked body...)."""
        if self.over:
            return []
        return self._release(self._truncated(f"upstream connection failed: {reason}"))

    def fail(self, text: str) -> list[bytes]:
        """Upstream failed in a way no defect hides (non-2xx answer, timeout)."""
        if self.over:
            return []
        return self._release(self._error(text))

    def _line(self, line: bytes, out: list[bytes]) -> None:
        self._apply(interpret(line), out)

    def _apply(self, meanings: tuple[Meaning, ...], out: list[bytes]) -> None:
        for meaning in meanings:
            if self.over:
                return
            match meaning:
                case Token(text):
                    out.append(self._behaviour.encode_token(text))
                case Done():
                    out += self._finish()
                case UpstreamError(text):
                    if self._behaviour.on_error_line == "finish":
                        out += self._finish()
                    else:
                        out += self._error(text)
                case Malformed(reason):
                    if not self._behaviour.drop_malformed_lines:
                        out += self._error(reason)

    def _finish(self) -> list[bytes]:
        self.over = True
        finished = [FINISHED] if self._behaviour.send_finished else []
        if self._behaviour.token_after_done:  # the token-after-done defect
            finished.append(self._behaviour.encode_token(LATE_TOKEN))
        return finished

    def _error(self, text: str) -> list[bytes]:
        self.over = True
        return [error_event(text)]

    def _truncated(self, text: str) -> list[bytes]:
        if self._behaviour.on_truncation == "finish":
            return self._finish()
        return self._error(text)

    def _release(self, out: list[bytes]) -> list[bytes]:
        """Everything now, or (buffer-all) nothing until the stream is over."""
        if not self._behaviour.hold_tokens_until_end:
            return out
        self._held += out
        if not self.over:
            return []
        held, self._held = self._held, []
        return [b"".join(held)] if held else []
