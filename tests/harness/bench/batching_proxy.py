"""A test-only design that batches: tokens are held and flushed every 250 ms.

``python -m tests.harness.bench.batching_proxy --port P --upstream URL``. Correct SSE in the
seed dialect, but the events of each 250 ms window leave in one write, so the bench
must show tokens per read > 1 and an added per-token lag of up to 250 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import json
from typing import TYPE_CHECKING

import httpx
import uvicorn
from starlette.applications import Starlette
from starlette.responses import StreamingResponse
from starlette.routing import Route

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from starlette.requests import Request

FLUSH_S = 0.25


def create_app(upstream: str) -> Starlette:
    client = httpx.AsyncClient(base_url=upstream, timeout=60.0, trust_env=False)

    async def complete(request: Request) -> StreamingResponse:
        body = await request.json()
        payload = {
            "model": "qwen2.5:7b",
            "messages": [{"role": "user", "content": body["prompt"]}],
            "stream": True,
        }
        queue: asyncio.Queue[str | None] = asyncio.Queue()

        async def pump() -> None:
            async with client.stream("POST", "/api/chat", json=payload) as answer:
                async for line in answer.aiter_lines():
                    chunk = json.loads(line) if line.strip() else {}
                    token = chunk.get("message", {}).get("content")
                    if token:
                        await queue.put(f"data: {json.dumps({'token': token})}\n\n")
                    if chunk.get("done"):
                        await queue.put('data: {"finished": true}\n\n')
            await queue.put(None)

        async def batches() -> AsyncIterator[str]:
            task = asyncio.ensure_future(pump())
            ended = False
            while not ended:
                await asyncio.sleep(FLUSH_S)
                held = []
                while not queue.empty():
                    item = queue.get_nowait()
                    if item is None:
                        ended = True
                        break
                    held.append(item)
                if held:
                    yield "".join(held)
            await task

        return StreamingResponse(
            batches(),
            media_type="text/event-stream",
            headers={"X-Accel-Buffering": "no", "Cache-Control": "no-cache"},
        )

    return Starlette(routes=[Route("/api/v1/complete", complete, methods=["POST"])])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--upstream", required=True)
    args = parser.parse_args()
    uvicorn.run(
        create_app(args.upstream), host="127.0.0.1", port=args.port, log_level="warning"
    )


if __name__ == "__main__":
    main()
