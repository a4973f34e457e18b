"""Benchmarks that report figures, never timed tests.

``python -m harness.bench.parser``: harness.sse beside httpx-sse and sseclient-py.
"""

from __future__ import annotations
