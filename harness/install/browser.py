"""Finding a Chromium for the browser clients.

In order: ``--chromium PATH`` (when the command has it), ``$SSE_HARNESS_CHROMIUM``
(a path, or a name looked up on ``PATH``), then on ``PATH`` the names Debian/Ubuntu
(``chromium``, ``chromium-browser``) and Google (``google-chrome``,
``google-chrome-stable``) install. Playwright attaches to the browser found over CDP;
it never downloads one.
"""

from __future__ import annotations

import os
import shutil

__all__ = ["ENV", "NAMES", "find_chromium"]

ENV = "SSE_HARNESS_CHROMIUM"
NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def find_chromium(explicit: str | None = None) -> tuple[str | None, str]:
    """``(path, "")`` or ``(None, why not)``."""
    given = explicit or os.environ.get(ENV) or None
    where = "--chromium" if explicit else f"${ENV}"
    if given is not None:
        found = shutil.which(given)
        if found is None:
            return None, f"{where} {given}: not an executable file or program on PATH"
        return found, ""
    for name in NAMES:
        found = shutil.which(name)
        if found is not None:
            return found, ""
    return None, f"none of {', '.join(NAMES)} on PATH"
