"""``mock-ollama record``: a pass-through that records real Ollama exchanges.

Every request is forwarded to ``--upstream`` unchanged and the answer relayed chunk by
chunk as it arrives. Answers to /api/chat, /api/generate and /api/pull are saved in the
replay format (scenarios/README.md): the body verbatim as ``NAME.ndjson`` and a
``NAME.toml`` sidecar with the endpoint, status, Content-Type, the delay before the
headers and ``offsets-ms`` - when each line was complete, measured here (created_at
is when Ollama produced a token, not when it arrived). The first exchange goes to
``--out``; later ones to ``NAME-2.ndjson``, ``NAME-3.ndjson``, ...
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
from starlette.applications import Starlette

from mock_ollama.recording import split_lines

if TYPE_CHECKING:
    from mock_ollama.replay import Message, Receive, Send

RECORDED = ("/api/chat", "/api/generate", "/api/pull")
_HOP = {b"transfer-encoding", b"connection", b"keep-alive", b"content-length", b"host"}
UPSTREAM_TIMEOUT = httpx.Timeout(connect=10.0, read=600.0, write=60.0, pool=10.0)


def _toml_string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a TOML basic string


def sidecar(
    endpoint: str,
    status: int,
    content_type: str,
    header_delay_ms: float,
    offsets_ms: list[float],
    request: bytes,
) -> str:
    """The TOML sidecar text for one recorded exchange."""
    lines = [
        f'description = "recorded from {endpoint} by mock-ollama record"',
        f"endpoint = {_toml_string(endpoint)}",
        f"status = {status}",
        f"header-delay-ms = {header_delay_ms:.3f}",
        f"offsets-ms = [{', '.join(f'{o:.3f}' for o in offsets_ms)}]",
        f"headers = {{ Content-Type = {_toml_string(content_type)} }}",
        f"request = {{ body = {_toml_string(request.decode('utf-8', 'replace'))} }}",
    ]
    return "\n".join(lines) + "\n"


class Recorder:
    """The ASGI pass-through."""

    def __init__(self, upstream: str, out: str | Path) -> None:
        self.upstream = upstream.rstrip("/")
        self.out = Path(out)
        self.count = 0

    def next_path(self) -> Path:
        """``--out`` for the first exchange, then NAME-2, NAME-3, ..."""
        self.count += 1
        if self.count == 1:
            return self.out.with_suffix(".ndjson")
        return self.out.with_name(f"{self.out.stem}-{self.count}.ndjson")

    async def __call__(
        self, scope: dict[str, Any], receive: Receive, send: Send
    ) -> None:
        if scope["type"] != "http":
            return
        t0 = time.perf_counter_ns()
        body = b""
        while True:
            message: Message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body", False):
                break
        headers = [(k, v) for k, v in scope["headers"] if k.lower() not in _HOP]
        url = self.upstream + scope["path"]
        if scope.get("query_string"):
            url += "?" + scope["query_string"].decode("latin-1")
        async with httpx.AsyncClient(timeout=UPSTREAM_TIMEOUT) as client:
            try:
                request = client.build_request(
                    scope["method"], url, headers=headers, content=body
                )
                response = await client.send(request, stream=True)
            except httpx.HTTPError as exc:
                payload = json.dumps(
                    {"error": f"mock-ollama record: upstream: {exc}"}
                ).encode()
                await send(
                    {
                        "type": "http.response.start",
                        "status": 502,
                        "headers": [(b"Content-Type", b"application/json")],
                    }
                )
                await send({"type": "http.response.body", "body": payload})
                return
            t_head = time.perf_counter_ns()
            out_headers = [
                (k, v) for k, v in response.headers.raw if k.lower() not in _HOP
            ]
            await send(
                {
                    "type": "http.response.start",
                    "status": response.status_code,
                    "headers": out_headers,
                }
            )
            data, ends = b"", []
            try:
                async for chunk in response.aiter_raw():
                    now = time.perf_counter_ns()
                    await send(
                        {"type": "http.response.body", "body": chunk, "more_body": True}
                    )
                    data += chunk
                    ends += [now] * chunk.count(b"\n")
            finally:
                await response.aclose()
            await send({"type": "http.response.body", "body": b"", "more_body": False})
        if scope["path"] in RECORDED and data.strip():
            self.save(scope["path"], response, body, data, ends, t0, t_head)

    def save(
        self,
        endpoint: str,
        response: httpx.Response,
        request: bytes,
        data: bytes,
        ends: list[int],
        t0: int,
        t_head: int,
    ) -> None:
        """Write NAME.ndjson + NAME.toml for one exchange."""
        lines = split_lines(data)
        ends = ends + [ends[-1] if ends else t_head] * (len(lines) - len(ends))
        first = ends[0]
        offsets = [(e - first) / 1e6 for e in ends[: len(lines)]]
        path = self.next_path()
        path.write_bytes(data)
        path.with_suffix(".toml").write_text(
            sidecar(
                endpoint,
                response.status_code,
                response.headers.get("content-type", ""),
                (first - t0) / 1e6,
                offsets,
                request,
            ),
            encoding="utf-8",
        )


def create_recorder(upstream: str, out: str | Path) -> Starlette:
    """The recorder as a Starlette app (``app.state.recorder`` is the Recorder)."""
    recorder = Recorder(upstream, out)
    app = Starlette()
    app.router.routes = []
    app.router.default = recorder  # type: ignore[assignment]
    app.state.recorder = recorder
    return app
