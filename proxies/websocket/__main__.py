"""``python -m proxies.websocket --port P --upstream URL``: tokens over a WebSocket.

The seed article's second row. ``ws://127.0.0.1:P/api/v1/ws``: the client sends one
text message ``{"prompt": …}``; the server answers with one text message per token,
``{"token": …}``, then ``{"finished": true}``, then closes (code 1000). The messages are
the seed dialect's event data, so the benchmark classifies them the same way.
"""

from __future__ import annotations

import argparse
import json
import os
from typing import TYPE_CHECKING

import httpx
import uvicorn
from starlette.applications import Starlette
from starlette.routing import WebSocketRoute

if TYPE_CHECKING:
    from starlette.websockets import WebSocket

MODEL = os.environ.get("OLLAMA_MODEL", "qwen2.5:7b")


def create_app(upstream: str) -> Starlette:
    client = httpx.AsyncClient(base_url=upstream, timeout=120.0, trust_env=False)

    async def complete(socket: WebSocket) -> None:
        await socket.accept()
        body = json.loads(await socket.receive_text())
        payload = {
            "model": body.get("model") or MODEL,
            "messages": [{"role": "user", "content": body["prompt"]}],
            "stream": True,
        }
        async with client.stream("POST", "/api/chat", json=payload) as answer:
            async for line in answer.aiter_lines():
                if not line.strip():
                    continue
                chunk = json.loads(line)
                token = chunk.get("message", {}).get("content")
                if token:
                    await socket.send_text(json.dumps({"token": token}))
                if chunk.get("done"):
                    await socket.send_text(json.dumps({"finished": True}))
        await socket.close()

    return Starlette(routes=[WebSocketRoute("/api/v1/ws", complete)])


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m proxies.websocket")
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", 8000)))
    parser.add_argument(
        "--upstream", default=os.environ.get("OLLAMA_URL", "http://127.0.0.1:11434")
    )
    args = parser.parse_args()
    app = create_app(args.upstream)
    uvicorn.run(
        app, host="127.0.0.1", port=args.port, log_level="warning", ws="wsproto"
    )


if __name__ == "__main__":
    main()
