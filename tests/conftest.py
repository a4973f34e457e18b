"""Settings for the whole suite.

Hypothesis' per-example deadline (200 ms) measures the machine, not the code: on a busy
2-core CI runner a slow example fails a property that holds. Properties here are judged
by their assertions only.
"""

from __future__ import annotations

from hypothesis import settings

settings.register_profile("sse-harness", deadline=None)
settings.load_profile("sse-harness")
