"""Test-only proxies with a spec-valid quirk some clients break on.

``python -m tests.harness.compat.quirk_proxy QUIRK [proxy options]`` serves the correct
Starlette reference proxy with its response body rewritten by one quirk:

- ``crlf``: every line ends in CRLF (sse-starlette's default; valid, WHATWG 9.2.5);
- ``data-nospace``: ``data:value`` with no space after the colon (better-sse; valid);
- ``id-comment``: after every event, a keep-alive block of an ``id:`` line and a
  comment (valid: a block without data dispatches nothing, WHATWG 9.2.6).
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable
from typing import Any

Rewrite = Callable[[bytes], bytes]


def crlf() -> Rewrite:
    return lambda body: body.replace(b"\n", b"\r\n")


def data_nospace() -> Rewrite:
    return lambda body: re.sub(rb"(?m)^data: ", b"data:", body)


def id_comment() -> Rewrite:
    count = 0

    def rewrite(body: bytes) -> bytes:
        nonlocal count
        if not body.endswith(b"\n\n"):
            return body
        count += 1
        return body + b"id: %d\n: keep-alive\n\n" % count

    return rewrite


QUIRKS: dict[str, Callable[[], Rewrite]] = {
    "crlf": crlf,
    "data-nospace": data_nospace,
    "id-comment": id_comment,
}


def wrap(app: Any, make: Callable[[], Rewrite]) -> Any:
    """ASGI middleware rewriting every body chunk of every response."""

    async def wrapped(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        rewrite = make()

        async def send_rewritten(message: Any) -> None:
            if message["type"] == "http.response.body" and message.get("body"):
                message = {**message, "body": rewrite(message["body"])}
            await send(message)

        await app(scope, receive, send_rewritten)

    return wrapped


def main(argv: list[str]) -> int:
    import uvicorn

    from proxies.starlette_proxy.app import create_app
    from proxies.starlette_proxy.config import parse

    quirk, *rest = argv
    settings = parse(rest, os.environ, "quirk_proxy")
    app = wrap(create_app(settings), QUIRKS[quirk])
    uvicorn.run(
        app, host="127.0.0.1", port=settings.port, http="h11", log_level="warning"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
