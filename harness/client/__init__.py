"""The observing HTTP client: send one request, stamp every read, keep what arrived.

Lives here: the pure record a check judges (``observation``), the sans-IO HTTP/1.1 and
HTTP/2 sessions over h11 and h2 (``sessions``) and the one thin asyncio loop that moves
bytes between a socket and a session (``loop``), and what one probe may cost whatever
the target sends (``bounds``: head, bytes, events, one event, wall time).
``observation``, ``bounds`` and ``sessions`` are pure (no sockets, clocks are passed
in); ``loop`` is the only I/O. May import ``harness.errors`` and nothing else of the
harness.
"""

from __future__ import annotations
