"""``python -m proxies.blocking --port P --upstream URL``: the blocking design.

What most tutorials ship (seed article, "Current Situation Analysis"): one upstream
request with ``stream: false``, then the whole answer at once. It answers in the seed
dialect so the benchmark reads it like the streaming designs: one
``data: {"token": <the whole text>}`` event, then ``data: {"finished": true}``.
"""

from __future__ import annotations

import argparse
import json
import os
from typing import TYPE_CHECKING

import httpx
import uvicorn
from starlette.applications import Starlette
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

if TYPE_CHECKING:
    from starlette.requests import Request

MODEL = os.environ.get("OLLAMA_MODEL", "qwen2.5:7b")


def create_app(upstream: str) -> Starlette:
    client = httpx.AsyncClient(base_url=upstream, timeout=120.0, trust_env=False)

    async def complete(request: Request) -> Response:
        body = await request.json()
        answer = await client.post(
            "/api/chat",
            json={
                "model": body.get("model") or MODEL,
                "messages": [{"role": "user", "content": body["prompt"]}],
                "stream": False,
            },
        )
        if answer.status_code != 200:
            return JSONResponse({"error": answer.text}, status_code=502)
        content = answer.json()["message"]["content"]
        events = (
            f"data: {json.dumps({'token': content})}\n\n"
            f"data: {json.dumps({'finished': True})}\n\n"
        )
        return Response(events, media_type="text/event-stream")

    return Starlette(routes=[Route("/api/v1/complete", complete, methods=["POST"])])


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m proxies.blocking")
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", 8000)))
    parser.add_argument(
        "--upstream", default=os.environ.get("OLLAMA_URL", "http://127.0.0.1:11434")
    )
    args = parser.parse_args()
    app = create_app(args.upstream)
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
