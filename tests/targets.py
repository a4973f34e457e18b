"""The bundled reference proxies as test targets: one place for their URL and commands.

A test that gates, benchmarks or starts a reference proxy takes its command and URL
template from here (``{port}`` is filled in by the harness), so a change to how the
proxies are started is made once.
"""

from __future__ import annotations

import sys
from pathlib import Path

from tests.tools import require_tool

ROOT = Path(__file__).resolve().parent.parent
#: the route both reference proxies serve; ``{port}`` is the harness's free port
URL = "http://127.0.0.1:{port}/api/v1/complete"
#: the Python reference proxy, started from the repository root (append ``--defect NAME``
#: for a deliberately broken variant)
PYTHON_PROXY = f"{sys.executable} -m proxies.starlette_proxy"


def node_proxy() -> str:
    """The Node reference proxy (skips locally, fails under CI=true without node)."""
    __tracebackhide__ = True
    return f"{require_tool('node')} proxies/node_proxy/server.mjs"
