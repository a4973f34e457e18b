"""``python -m proxies.naive_stream --port P --upstream URL``: a first attempt.

It streams (``stream: true`` upstream, one SSE event per NDJSON line), but its response
has neither ``X-Accel-Buffering: no`` nor ``Cache-Control: no-transform`` (seed article,
Pitfall 1, "Proxy Buffering Blindness"): direct it streams, behind a buffering nginx
the whole answer arrives in one burst.
"""

from __future__ import annotations

import argparse
import json
import os
from typing import TYPE_CHECKING

import httpx
import uvicorn
from starlette.applications import Starlette
from starlette.responses import StreamingResponse
from starlette.routing import Route

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from starlette.requests import Request

MODEL = os.environ.get("OLLAMA_MODEL", "qwen2.5:7b")


def create_app(upstream: str) -> Starlette:
    client = httpx.AsyncClient(base_url=upstream, timeout=120.0, trust_env=False)

    async def complete(request: Request) -> StreamingResponse:
        body = await request.json()
        payload = {
            "model": body.get("model") or MODEL,
            "messages": [{"role": "user", "content": body["prompt"]}],
            "stream": True,
        }

        async def events() -> AsyncIterator[str]:
            async with client.stream("POST", "/api/chat", json=payload) as answer:
                async for line in answer.aiter_lines():
                    if not line.strip():
                        continue
                    chunk = json.loads(line)
                    token = chunk.get("message", {}).get("content")
                    if token:
                        yield f"data: {json.dumps({'token': token})}\n\n"
                    if chunk.get("done"):
                        yield f"data: {json.dumps({'finished': True})}\n\n"

        return StreamingResponse(events(), media_type="text/event-stream")

    return Starlette(routes=[Route("/api/v1/complete", complete, methods=["POST"])])


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m proxies.naive_stream")
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", 8000)))
    parser.add_argument(
        "--upstream", default=os.environ.get("OLLAMA_URL", "http://127.0.0.1:11434")
    )
    args = parser.parse_args()
    app = create_app(args.upstream)
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
