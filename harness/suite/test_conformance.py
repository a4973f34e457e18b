"""One test item per check and layer; the plugin runs the gate once and reports here.

Run: ``pytest --pyargs harness.suite --proxy-cmd '…' --proxy-url '…' --dialect seed``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from harness.pytest_plugin import SSECase


def test_check(sse_case: SSECase) -> None:
    sse_case.verdict()
