"""What this installation has, and what it gets on first use.

Lives here: the per-version cache directory and its lock (``cache``), the Node
projects shipped in the wheel and installed from their lock files into that cache on
first use, never into site-packages (``node``: the client drivers, the Next.js
design), finding a Chromium (``browser``), and the table of optional pieces the
doctor reports and every command asks before it starts anything (``pieces``).

Imports: the standard library, ``harness`` (the version), ``harness.errors`` and
``harness.processes`` (npm runs as a managed process), and for the doctor's details
``harness.layers.nginx`` (how nginx is found), ``harness.sse.build`` and
``harness.bench.designs.realtime``. Nothing here imports ``harness.cli``.
"""

from __future__ import annotations
