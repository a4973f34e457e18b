"""Benchmarks that report figures, never timed tests.

Lives here: ``parser/`` — the SSE parser benchmark (``python -m harness.bench.parser``:
harness.sse beside httpx-sse and sseclient-py, and ``sse-harness parse`` end to end);
``designs/`` — ``sse-harness bench``: candidate proxy designs measured against the mock
(the run, its plan and metrics; ``engines/`` that drive the streams; ``report/`` that
writes bench.json, summary.md and report.html, and compares two runs:
``python -m harness.bench.compare``).

May import the rooms below the entry points (the gate's client, probe, layers,
processes, target, upstream, runtime, testing) and the mock's pure modules; nothing
here imports ``harness.gate`` or ``harness.cli``.
"""

from __future__ import annotations
