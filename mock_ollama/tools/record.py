"""``mock-ollama record``: a pass-through that records real Ollama exchanges.

Every request is forwarded to ``--upstream`` unchanged and the answer relayed chunk by
chunk as it arrives. Answers to /api/chat, /api/generate and /api/pull are saved in the
replay format (scenarios/README.md): the body verbatim as ``NAME.ndjson`` and a
``NAME.toml`` sidecar with the endpoint, status, Content-Type, the delay before the
headers and ``offsets-ms`` - when each line was complete, measured here (created_at
is when Ollama produced a token, not when it arrived). The first exchange goes to
``--out``; later ones to ``NAME-2.ndjson``, ``NAME-3.ndjson``, ...

Both options are checked at start (exit 2, one line): ``--upstream`` must be an
``http``/``https`` URL with a host; ``--out``'s directory must exist and ``--out``
must not be a directory. Each file is written atomically (a temporary file in the same
directory, then renamed). A capture that cannot be saved is never dropped silently:
one line goes to stderr, the capture stays in memory and is retried with the next
one, and if any is still unsaved when the recorder stops, it exits with status 1.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import httpx
from starlette.applications import Starlette

from mock_ollama.errors import MockOllamaError
from mock_ollama.scenario.recording import split_lines

if TYPE_CHECKING:
    from mock_ollama.replay.asgi import Message, Receive, Send

RECORDED = ("/api/chat", "/api/generate", "/api/pull")
log = logging.getLogger("mock_ollama.tools.record")


def check_upstream(url: str) -> None:
    """``--upstream`` must be http(s)://HOST[:PORT] (MockOllamaError: one line)."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError as exc:
        raise MockOllamaError(f"--upstream {url!r}: {exc}") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise MockOllamaError(
            f"--upstream {url!r}: must be an http:// or https:// URL with a host"
        )


def check_out(out: str | Path) -> None:
    """``--out`` must name a file in an existing directory (MockOllamaError if not)."""
    path = Path(out)
    if path.is_dir():
        raise MockOllamaError(f"--out {out}: is a directory, not a file name")
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise MockOllamaError(f"--out {out}: directory {parent} does not exist")


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` via a temporary file in its directory + rename."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


@dataclass(frozen=True, slots=True)
class Capture:
    """One exchange to save: NAME.ndjson bytes and the NAME.toml text."""

    path: Path
    body: bytes
    toml: str


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


class RecordingProxy:
    """The ASGI pass-through."""

    def __init__(self, upstream: str, out: str | Path) -> None:
        self.upstream = upstream.rstrip("/")
        self.out = Path(out)
        self.count = 0
        #: captures not saved yet (a failed write is retried with the next capture)
        self.unsaved: list[Capture] = []

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
        toml = sidecar(
            endpoint,
            response.status_code,
            response.headers.get("content-type", ""),
            (first - t0) / 1e6,
            offsets,
            request,
        )
        self.unsaved.append(Capture(self.next_path(), data, toml))
        self.flush()

    def flush(self) -> bool:
        """Try to write every unsaved capture; True when none is left."""
        left: list[Capture] = []
        for c in self.unsaved:
            try:
                write_atomically(c.path, c.body)
                write_atomically(c.path.with_suffix(".toml"), c.toml.encode("utf-8"))
            except OSError as exc:
                log.error(
                    "mock-ollama record: could not save %s (kept, will retry): %s",
                    c.path,
                    exc.strerror or exc,
                )
                left.append(c)
        self.unsaved = left
        return not left


def create_recorder(upstream: str, out: str | Path) -> Starlette:
    """The recorder as a Starlette app (``app.state.recorder`` is the RecordingProxy)."""
    recorder = RecordingProxy(upstream, out)
    app = Starlette()
    app.router.routes = []
    app.router.default = recorder  # type: ignore[assignment]
    app.state.recorder = recorder
    return app
