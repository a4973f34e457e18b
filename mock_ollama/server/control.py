"""The control endpoint ``/_mock/*``: the exchange log and health, loopback only.

    GET    /_mock/health                      {"ok": true}
    GET    /_mock/exchanges[?req=ID][&view=compact][&last=N]
    DELETE /_mock/exchanges                   forget the log

``view=compact`` leaves out ``writes`` and ``lines`` (each exchange is then ~300 bytes);
``last=N`` keeps the newest N. The list is written in slices of at most 2 ms of work,
yielding to the event loop between them, and a finished exchange's JSON is kept, so a
big or repeated query never stalls a stream.

DNS-rebinding defence: a request is served only when BOTH the peer is a loopback
address AND the ``Host`` header names a loopback host (``127.0.0.1``, ``localhost``,
``[::1]``, any case) with the port the mock listens on. Anything else gets 403
``{"error": "..."}`` (a web page at ``http://evil.example:PORT`` that resolves to
127.0.0.1 sends ``Host: evil.example:PORT`` and is refused).
"""

from __future__ import annotations

import asyncio
import ipaddress
import json
import time
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

from mock_ollama.server.request_body import drain

if TYPE_CHECKING:
    from mock_ollama.replay.asgi import Receive, Send
    from mock_ollama.replay.exchange_log import ExchangeLog

LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")
#: at most this long serialising before yielding to the event loop
SLICE_S = 0.002


def _peer_is_loopback(scope: dict[str, Any]) -> bool:
    client = scope.get("client")
    if not client:
        return True  # in-process (ASGITransport without a client address)
    try:
        return ipaddress.ip_address(client[0]).is_loopback
    except ValueError:
        return False


def _host(scope: dict[str, Any]) -> str | None:
    for key, value in scope.get("headers", ()):
        if key.lower() == b"host":
            return str(value.decode("latin-1")).strip().lower()
    return None


def host_is_loopback(host: str | None, port: int | None) -> bool:
    """True for ``127.0.0.1:PORT``, ``localhost:PORT``, ``[::1]:PORT``.

    Without a port in the header, only when the mock listens on 80; with ``port`` None
    (in-process, no server address) any port is accepted.
    """
    if not host:
        return False
    name, sep, given = (
        host.rpartition(":") if not host.endswith("]") else (host, "", "")
    )
    if not sep:
        name, given = host, ""
    if name not in LOOPBACK_NAMES:
        return False
    if port is None:
        return True
    return given == str(port) if given else port == 80


def allowed(scope: dict[str, Any]) -> bool:
    """Loopback peer and loopback Host with the mock's own port."""
    server = scope.get("server")
    port = int(server[1]) if server and server[1] is not None else None
    return _peer_is_loopback(scope) and host_is_loopback(_host(scope), port)


async def control(
    scope: dict[str, Any], receive: Receive, send: Send, log: ExchangeLog
) -> None:
    """Answer one ``/_mock/*`` request."""
    await drain(receive, 1 << 16)
    path, method = scope["path"], scope["method"]
    if not allowed(scope):
        message = "the control endpoint answers loopback peers and Host names only"
        await _send_json(send, 403, {"error": message})
    elif path == "/_mock/health":
        await _send_json(send, 200, {"ok": True})
    elif path == "/_mock/exchanges" and method == "DELETE":
        log.clear()
        await _send_json(send, 200, {"ok": True})
    elif path == "/_mock/exchanges" and method == "GET":
        await _send_exchanges(scope, send, log)
    else:
        await _send_json(send, 404, {"error": "no such control endpoint"})


async def _send_exchanges(scope: dict[str, Any], send: Send, log: ExchangeLog) -> None:
    query = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1")))
    last = query.get("last", "")
    if last and not last.isdigit():
        await _send_json(send, 400, {"error": "last must be a whole number"})
        return
    compact = query.get("view") == "compact"
    items = log.select(query.get("req"), int(last) if last else None)
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [(b"Content-Type", b"application/json")],
        }
    )
    await send({"type": "http.response.body", "body": b"[", "more_body": True})
    piece: list[str] = []
    started = time.perf_counter()
    for n, ex in enumerate(items):
        piece.append(ex.json_text(compact=compact))
        if time.perf_counter() - started > SLICE_S or n == len(items) - 1:
            lead = "," if n + 1 > len(piece) else ""
            body = (lead + ",".join(piece)).encode()
            await send({"type": "http.response.body", "body": body, "more_body": True})
            await asyncio.sleep(0)  # let the streams write
            piece, started = [], time.perf_counter()
    await send({"type": "http.response.body", "body": b"]", "more_body": False})


async def _send_json(send: Send, status: int, value: object) -> None:
    body = json.dumps(value).encode()
    headers = [
        (b"Content-Type", b"application/json"),
        (b"Content-Length", str(len(body)).encode()),
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body, "more_body": False})
