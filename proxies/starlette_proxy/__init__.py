"""A correct reference proxy (Starlette + httpx), with switchable deliberate defects.

Pure core (standard library only): config, ndjson, events, validate, translate,
defects. I/O shells: upstream (httpx), output and stream (ASGI), app (Starlette).
Entry point: ``python -m proxies.starlette_proxy [--port N] [--upstream URL]
[--defect NAME]``.
"""

from __future__ import annotations

from proxies.starlette_proxy.defects import CORRECT, DEFECTS, Behaviour

__all__ = ["CORRECT", "DEFECTS", "Behaviour"]
