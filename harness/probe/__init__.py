"""Probes: what the harness sends, what it should get back, and how one is performed.

Lives here: the probe catalogue (``catalog``), request variants (``requests``), dialects
that read tokens out of events (``dialects``), expected results derived from scenario
recordings (``expected``, ``scenarios``), the transcript of a parsed response
(``transcript``), the records of what a probe produced and should have produced
(``evidence``), when the client stops reading (``watch``) and the I/O shell that
performs one probe and collects its evidence (``perform``). All but ``perform`` are
pure; ``perform`` may import ``harness.client``, ``harness.upstream`` and
``harness.sse``. Nothing here imports ``harness.checks`` (the checks import this room's
records), ``harness.gate`` or an entry point.
"""

from __future__ import annotations
