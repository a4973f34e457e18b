"""Real client libraries reading one stream, and the client compatibility matrix.

Lives here: the pure matrix model and its renderers (``model``: cells, clients.json,
the Markdown matrix, the HTML section), the repro's verdict in words (``verdict``),
the drivers' shared vocabulary and the pure judge that turns what
a client saw into a cell (``drivers``), the stream every client reads (``stream``: the
bundled injection + multilingual scenarios as one recording), and the I/O shells: the
Python drivers (``python_drivers``: httpx-sse, the openai SDK, ollama-python), the Node
drivers (``node_drivers`` running the scripts in ``node/``, each pinned in
``node/package-lock.json``), the Chromium drivers (``chromium``: Debian's chromium run
as a managed process, driven over CDP by Playwright, pages in ``page/``), one stream
read by every client (``run``), which clients this machine can run (``ready``) and
one matrix run with its files (``matrix``: ``run_matrix``, used by ``sse-harness
clients`` and ``sse-harness repro``).

Imports: ``model``, ``verdict``, ``drivers`` and ``stream`` are pure (standard library, plus
``harness.sse``/``harness.probe.dialects`` types and ``mock_ollama.go.json`` for the
scenario bytes); the I/O modules may import ``harness.processes``, ``harness.target``,
``harness.upstream``, ``harness.layers``, ``harness.runtime`` and the client libraries.
Nothing here imports ``harness.cli``.
"""

from __future__ import annotations
