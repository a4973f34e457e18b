"""One test item per check and layer; the plugin runs the gate once and reports here.

Run: ``pytest --pyargs harness.suite --sse-proxy-cmd '…' --sse-proxy-url '…'``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from harness.pytest_plugin import Gate, SSECase


def test_check(sse_case: SSECase, sse_gate: Gate) -> None:
    sse_gate.verdict(sse_case)
