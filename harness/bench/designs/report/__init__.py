"""The benchmark's reports: bench.json (``json``), summary.md (``md``), report.html
(``html``, with ``samples``), the stamped atomic writer (``files``), two runs compared
(``compare``). All pure but ``files``, ``html`` (plotly) and ``compare``'s ``main``."""

from __future__ import annotations
