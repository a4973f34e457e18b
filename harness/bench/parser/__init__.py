"""The SSE parser benchmark: ``python -m harness.bench.parser``.

Lives here: ``measure`` (the LLM-like stream, the timing, the exactness score on
``harness.testing.vectors``, the table), ``peers`` (httpx-sse, sseclient-py and
harness.sse behind one interface), ``cmd`` (``sse-harness parse`` end to end on a big
stream: MB/s and peak RSS); ``__main__`` runs it.
"""

from __future__ import annotations
