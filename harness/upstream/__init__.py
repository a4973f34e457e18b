"""The mock upstream as the harness sees it: a child process and its control endpoint.

Lives here: the record of what the mock saw and wrote (``exchanges``, pure) and the
shell that starts ``mock-ollama serve`` and reads its exchange log (``mock``, I/O).
May import ``harness.processes``, ``harness.errors`` and ``mock_ollama``'s pure grammar
modules (marker, policies); never ``harness.gate``, ``harness.checks`` or an entry point.
"""

from __future__ import annotations
