"""``sse-harness bench``: candidate designs measured against the mock.

Lives here: ``design`` (a design: command, URL, dialect; the bundled ones; the
``--design``/``--designs`` grammar), ``profiles`` (named set-ups), ``plan`` (what a run
measures, the streams of one wave, their markers), ``run`` (the I/O shell: baseline,
then design x layer x concurrency in the run's work directory), ``metrics`` (a
stream's record, a cell's statistics; pure), ``procstat`` (a design's CPU and RSS),
``realtime`` (real-time scheduling of the instrument); ``engines/`` (``native``:
asyncio worker processes; ``locust_engine`` + ``locust_user``: the same client in a
Locust ``User``; ``sync_client``: that client on blocking sockets; ``readers``: a
stream read as the gate reads it); ``report/`` (``json``, ``md``, ``html``,
``samples``, ``files``: the stamped, atomic writer; ``compare``: two runs).
"""

from __future__ import annotations
