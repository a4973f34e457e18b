"""``python -m proxies.starlette_proxy``: serve the proxy on 127.0.0.1."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

import uvicorn

from proxies.starlette_proxy.app import create_app
from proxies.starlette_proxy.config import ConfigError, parse

if TYPE_CHECKING:
    from collections.abc import Sequence

PROG = "python -m proxies.starlette_proxy"


def main(argv: Sequence[str] | None = None) -> int:
    try:
        settings = parse(sys.argv[1:] if argv is None else argv, os.environ, PROG)
    except ConfigError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return 2
    print(
        f"proxy on http://127.0.0.1:{settings.port}/api/v1/complete -> "
        f"{settings.upstream} (defect: {settings.defect or 'none'})",
        file=sys.stderr,
        flush=True,
    )
    uvicorn.run(
        create_app(settings),
        host="127.0.0.1",
        port=settings.port,
        http="h11",
        lifespan="on",
        log_level=os.environ.get("LOG_LEVEL", "warning").lower(),
        server_header=False,
        timeout_graceful_shutdown=2,  # a stalled stream must not block SIGTERM
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
