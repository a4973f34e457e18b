"""sse-harness: a conformance gate for proxies that turn NDJSON into SSE.

Layers (arrows only point downward):

    entry points   harness.cli, harness.plugin, harness.suite
    I/O shells     harness.observe, harness.target, harness.layers
    pure core      harness.sse, harness.checks, harness.report, harness.dialects, ...

This module imports nothing heavy so that ``import harness`` stays cheap.
"""

from __future__ import annotations

__version__ = "0.1.0"
__all__ = ["__version__"]
