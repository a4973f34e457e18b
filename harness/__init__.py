"""sse-harness: a conformance gate for proxies that turn NDJSON into SSE.

Layers (arrows only point downward):

    entry points   harness.cli, harness.pytest_plugin, harness.suite
    I/O shells     harness.client.loop, harness.target, harness.layers
    pure core      harness.sse, harness.checks, harness.gate.report, harness.probe.dialects, ...

This module imports nothing heavy so that ``import harness`` stays cheap.
"""

from __future__ import annotations

__version__ = "0.1.0"
__all__ = ["__version__"]
