"""What every command's run stands on: below the gate, bench, compat and the repro.

Lives here: the run's work directory, listed with the watchdog and swept by the next
run when its owner is gone (``workdir``); the report files' preflight, stale removal,
atomic write and stamp (``files``); progress on stderr, a live line on a terminal,
plain lines otherwise, or nothing (``progress``); SIGTERM taken like Ctrl-C
(``signals``); and one pure table type rendering Markdown and HTML (``table``).

May import ``harness.watchdog`` and ``harness.errors`` only; every command's room
imports it, it imports none of them.
"""

from __future__ import annotations
