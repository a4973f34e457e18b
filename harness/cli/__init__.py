"""Entry point: the ``sse-harness`` command.

Lives here: argument parsing and exit codes only. ``main`` is the command table (also
run by ``__main__``); each command is a module with ``build_parser()`` and
``main(argv)``: ``run``, ``checks``, ``diff``, ``parse``, ``clients``, ``repro``,
``bench``, ``doctor``; ``_common`` holds the parser class and the guarded main that maps
errors to exit 2, Ctrl-C to 130 and SIGTERM to 143. May import anything in the harness;
nothing imports it back.
"""

from __future__ import annotations

from harness.cli.main import main

__all__ = ["main"]
