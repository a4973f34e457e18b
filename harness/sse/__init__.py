"""The event-stream parser: bytes in, events out (WHATWG HTML §9.2.5, §9.2.6).

Lives here: the event records and lint codes (``events``), bytes into lines
(``lines``), the field interpreter of §9.2.6 (``interpreter``), the fast path over
runs of one-line ``data:`` events (``fastpath``) and the parser that composes them
(``parser``). Pure core: imports only the standard library and its own modules; no
sockets, clocks or asyncio. Everything a caller needs is re-exported here.

Those five modules are also compiled with mypyc by ``.ci/setup`` (the Python source
stays the source of truth); ``build`` says which build runs and falls back to
the source when the build is missing, stale, or ``SSE_HARNESS_PURE=1`` asks for it.
"""

from __future__ import annotations

from harness.sse import build as _build

if _build.pure_wanted():
    _build.load_pure()

from harness.sse.events import *  # noqa: F403
from harness.sse.events import __all__ as _events_all
from harness.sse.parser import SSEParser, parse

__all__ = [*_events_all, "SSEParser", "parse"]
