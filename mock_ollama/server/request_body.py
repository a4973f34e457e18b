"""Reading a request body with a size limit, incrementally.

Ollama itself sets no limit on ``/api/*`` or ``/v1/chat/completions`` bodies; its only
one is ``maxDecompressedBodySize = 20 << 20`` (20 MiB) on zstd bodies
(``middleware/openai.go``, ``server/cloud_proxy.go``) through ``http.MaxBytesReader``.
The mock borrows that bound as its default (``config.DEFAULT_MAX_BODY``,
``mock-ollama serve --max-body BYTES``):
past it the body is not read further and the answer is what Ollama gives when its
MaxBytesReader trips inside ShouldBindJSON - 400 ``http: request body too large``
(``ollama.routes.body_too_large``) with ``Connection: close``, as net/http adds when a
MaxBytesReader hit ends the connection.

The body arrives in uvicorn's chunks (at most 64 KiB each, flow-controlled), so a big
upload never holds the event loop; a ``Content-Length`` beyond the limit is refused
before reading anything.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mock_ollama.replay.asgi import Message, Receive


def declared_length(scope: dict[str, Any]) -> int | None:
    """The request's Content-Length, if it has a valid one."""
    for key, value in scope.get("headers", ()):
        if key.lower() == b"content-length" and value.strip().isdigit():
            return int(value)
    return None


async def read_body(
    scope: dict[str, Any], receive: Receive, limit: int
) -> bytes | None:
    """The whole body, or None as soon as it is known to exceed ``limit`` bytes."""
    declared = declared_length(scope)
    if declared is not None and declared > limit:
        return None
    chunks: list[bytes] = []
    size = 0
    while True:
        message: Message = await receive()
        if message["type"] != "http.request":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


async def drain(receive: Receive, limit: int) -> None:
    """Read and drop up to ``limit`` bytes of body (a control request's)."""
    size = 0
    while size <= limit:
        message: Message = await receive()
        if message["type"] != "http.request":
            return
        size += len(message.get("body", b""))
        if not message.get("more_body", False):
            return
