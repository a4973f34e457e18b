"""Which of the selected clients this machine can run, before anything starts.

A family of drivers needs pieces of the installation (``harness.install.pieces``):
the Python drivers their libraries (the ``[clients]`` extra), the Node drivers
``node`` and their packages (installed into the cache on first use), the browser
clients a Chromium, Playwright and the Node drivers' fetch-event-source. The Node
drivers missing (no node or npm, or their install failed) is an EnvironmentProblem
(exit status 2) naming what is missing and the fix: the other clients run when the
user names them. A browser or a Python library missing leaves those clients out with
one note naming the fix when the user named no client, and is an EnvironmentProblem
when the user named one of them. No red cell ever stands for a missing piece.
"""

from __future__ import annotations

import dataclasses
import importlib.util
from typing import TYPE_CHECKING

from harness.compat.drivers import CLIENTS
from harness.errors import EnvironmentProblem
from harness.install.pieces import BY_NAME, Found, missing_line

if TYPE_CHECKING:
    from harness.compat.run import ClientRun

__all__ = ["ready"]

#: the library each Python driver imports
PYTHON_MODULES = {
    "httpx-sse": "httpx_sse",
    "openai-python": "openai",
    "ollama-python": "ollama",
}


def _missing_module(module: str) -> str:
    if importlib.util.find_spec(module) is None:
        found = Found(False, f"not importable: {module}")
        return missing_line(BY_NAME["extra [clients]"], found)
    return ""


def _chromium(explicit: str | None) -> tuple[str | None, str]:
    from harness.install.browser import find_chromium

    path, why = find_chromium(explicit)
    if path is None:
        return None, missing_line(BY_NAME["chromium"], Found(False, why))
    return path, _missing_module("playwright")


def ready(
    run: ClientRun, *, explicit: bool, chromium: str | None = None
) -> tuple[ClientRun, tuple[str, ...]]:
    """``run`` with the clients that can run here (and where the Node drivers and
    the browser are), and one note per left-out family; EnvironmentProblem when a
    client the user named cannot run."""
    families = {CLIENTS[c].family for c in run.clients}
    why: dict[str, str] = {}
    node_dir = browser = None
    if families & {"node", "chromium"}:
        from harness.compat.node_drivers import drivers_dir

        try:
            node_dir = drivers_dir()
        except EnvironmentProblem as exc:
            if "node" in families:
                raise EnvironmentProblem(
                    f"{exc} (or name the clients to run with --client)"
                ) from None
            why["chromium"] = str(exc)
    if "chromium" in families and "chromium" not in why:
        browser, problem = _chromium(chromium)
        if problem:
            why["chromium"] = problem
    keep, notes = [], []
    for client in run.clients:
        spec = CLIENTS[client]
        problem = why.get(spec.family, "")
        if spec.family == "python":
            problem = _missing_module(PYTHON_MODULES[client])
        if not problem:
            keep.append(client)
        elif explicit:
            raise EnvironmentProblem(f"--client {client}: {problem}")
        else:
            note = f"not run: {client}: {problem}"
            notes.append(note)
    found = dataclasses.replace(
        run, clients=tuple(keep), node_dir=node_dir, chromium=browser
    )
    return found, tuple(notes)
