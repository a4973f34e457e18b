"""The upstream side: one httpx client, one streaming ``/api/chat`` call per request."""

from __future__ import annotations

from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

import httpx

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Callable

# Ollama sends its headers only with the first token (model load + prompt evaluation
# can take minutes), so the read timeout is long; connecting must be quick.
TIMEOUT = httpx.Timeout(connect=5.0, read=600.0, write=30.0, pool=5.0)
ERROR_BODY_LIMIT = 64 * 1024


def make_client() -> httpx.AsyncClient:
    # One upstream stream per client stream: no cap on connections (the pool
    # timeout still bounds the wait for one).
    limits = httpx.Limits(max_connections=None, max_keepalive_connections=20)
    return httpx.AsyncClient(
        timeout=TIMEOUT, limits=limits, trust_env=False, follow_redirects=False
    )


@asynccontextmanager
async def open_chat(
    client: httpx.AsyncClient,
    base_url: str,
    body: bytes,
    on_connected: Callable[[], None],
) -> AsyncIterator[httpx.Response]:
    """Stream ``POST {base_url}/api/chat``; ``on_connected`` runs as soon as the
    connection is up and the request is being written, long before Ollama answers.

    Leaving the context closes the response; an unfinished response closes its
    connection, which is how Ollama learns to stop generating (Ollama's
    llm/llama_server.go runs generation on the request's context).
    """

    async def trace(name: str, info: dict[str, Any]) -> None:
        # httpcore trace events: "connection.connect_tcp.complete", then
        # "http11.send_request_headers.started" (also for a pooled connection).
        if name.endswith("send_request_headers.started"):
            on_connected()

    async with client.stream(
        "POST",
        base_url + "/api/chat",
        content=body,
        headers={"Content-Type": "application/json", "Accept": "application/x-ndjson"},
        extensions={"trace": trace},
    ) as response:
        yield response


async def read_limited(
    response: httpx.Response, limit: int = ERROR_BODY_LIMIT
) -> bytes:
    """The start of an (error) body, at most ``limit`` bytes."""
    data = bytearray()
    async for chunk in response.aiter_bytes():
        data += chunk
        if len(data) >= limit:
            break
    return bytes(data[:limit])
