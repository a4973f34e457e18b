"""Entry point: the ``sse-harness`` command (``run``, ``checks``, ``parse``).

Lives here: argument parsing and exit codes only (``main``; ``parse`` for
``sse-harness parse``). May import anything in the harness; nothing imports it back.
"""

from __future__ import annotations

from harness.cli.main import main

__all__ = ["main"]
