"""When real nginx passes a response head on, and whom HDR-EARLY-FLUSH blames for it.

An upstream sends its head (and maybe an SSE comment) at once, then waits before its
first event. Facts pinned (causal: did the head reach the client before the first event
was even written?):

- nginx's HTTP/2 before 1.23.0 (Debian 12 ships 1.22.1) holds the head until the first
  body bytes even with ``X-Accel-Buffering: no``: the flush nginx's upstream module sends
  after an unbuffered head (ngx_http_upstream.c, ``ngx_http_send_special(r,
  NGX_HTTP_FLUSH)``) is dropped by the write filter on an HTTP/2 stream, so the HEADERS
  frame stays in the 16 KiB TLS buffer (ngx_event_openssl.c ``ngx_ssl_send_chain``)
  until a DATA frame, which carries a flush. nginx commit a52433a (ticket #1743, first
  in 1.23.0) sets ``need_flush_buf`` on HTTP/2 streams and the head goes at once.
- with ``proxy_buffering`` on (no ``X-Accel-Buffering: no``) every nginx sends the head
  only with the first body bytes, HTTP/1.1 and HTTP/2 alike;
- an SSE comment sent with the head is such body bytes: the head goes at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

import httpx
import pytest

from harness.checks.model import Outcome
from harness.layers import open_layer, parse_layer
from harness.layers.base import LAYER_HEAD_FIELD
from harness.layers.nginx import nginx_version
from tests.harness.gate.gating import gate
from tests.targets import PYTHON_PROXY
from tests.tools import require_tool

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

WAIT_S = 0.8  # the upstream's silence between its head and its first event
H2_FLUSHES_HEADS_SINCE = (1, 23, 0)  # nginx commit a52433a, ticket #1743


@dataclass
class Stamps:
    head: float = 0.0  # the upstream wrote its head (and comment)
    first: float = 0.0  # the upstream was about to write its first event


async def _serve(
    stamps: Stamps, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
) -> None:
    request = await reader.readuntil(b"\r\n\r\n")
    target = request.split(b" ")[1]
    lines = [b"HTTP/1.1 200 OK", b"Content-Type: text/event-stream"]
    if b"accel=1" in target:
        lines.append(b"X-Accel-Buffering: no")
    lines += [b"Transfer-Encoding: chunked", b"", b""]
    writer.write(b"\r\n".join(lines))
    if b"comment=1" in target:
        writer.write(b"6\r\n: ok\n\n\r\n")
    await writer.drain()
    stamps.head = time.perf_counter()
    await asyncio.sleep(WAIT_S)
    # stamped before the write: a head that arrives with the first event is never
    # "before" it, however the threads are scheduled after the write
    stamps.first = time.perf_counter()
    writer.write(b"9\r\ndata: 1\n\n\r\n0\r\n\r\n")
    await writer.drain()
    writer.close()


@contextlib.contextmanager
def head_upstream() -> Iterator[tuple[int, Stamps]]:
    """The upstream above on its own loop in a thread: its port and its stamps."""
    stamps = Stamps()
    loop = asyncio.new_event_loop()
    server = loop.run_until_complete(
        asyncio.start_server(lambda r, w: _serve(stamps, r, w), "127.0.0.1", 0)
    )
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    try:
        yield server.sockets[0].getsockname()[1], stamps
    finally:
        server.close()  # only stops listening: safe from this thread once served
        asyncio.run_coroutine_threadsafe(server.wait_closed(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        loop.close()


@dataclass(frozen=True)
class Seen:
    head: float  # the client had the head
    layer_head: str  # what nginx said about when it had the upstream's head


def observe_head(url: str, *, http2: bool, ca_path: Path | None) -> Seen:
    verify = ssl.create_default_context(cafile=str(ca_path)) if ca_path else True
    with (
        httpx.Client(http2=http2, verify=verify, timeout=30) as client,
        client.stream("GET", url) as response,
    ):
        head = time.perf_counter()
        response.read()
    return Seen(head, response.headers.get(LAYER_HEAD_FIELD, ""))


def heads_at_once(layer_name: str, tmp_path: Path, queries: list[str]) -> list[bool]:
    """Per query: did the head reach the client before the first event was written?"""
    found = []
    with head_upstream() as (port, stamps):
        spec = parse_layer(layer_name)
        with open_layer(spec, port, workdir=tmp_path) as layer:
            for query in queries:
                url = layer.rewrite(f"http://127.0.0.1:{port}/s?{query}")
                seen = observe_head(url, http2=layer.http2, ca_path=layer.ca_path)
                # nginx itself had the upstream's head at once, whatever it did next
                assert float(seen.layer_head) < WAIT_S / 2, seen.layer_head
                found.append(seen.head < stamps.first)
    return found


#: layer -> (upstream's query, when the head reaches the client before the first event)
WHEN = {
    "h2": [
        ("accel=1", "since-1.23"),  # the HTTP/2 flush bug, ticket #1743
        ("accel=1&comment=1", "always"),  # a comment pushes it through
        ("accel=0", "never"),  # proxy_buffering on: the head waits for body bytes
    ],
    "nginx-http11": [
        ("accel=1", "always"),  # HTTP/1.1 honours the flush after the head
        ("accel=0", "never"),
        ("accel=0&comment=1", "always"),
    ],
}


@pytest.mark.needs_nginx
@pytest.mark.parametrize("layer_name", list(WHEN))
def test_when_nginx_passes_the_head_on(tmp_path: Path, layer_name: str) -> None:
    binary = require_tool("nginx")
    since = nginx_version(binary) >= H2_FLUSHES_HEADS_SINCE
    verdicts = {"always": True, "never": False, "since-1.23": since}
    queries = [query for query, _ in WHEN[layer_name]]
    expected = [verdicts[when] for _, when in WHEN[layer_name]]
    assert heads_at_once(layer_name, tmp_path, queries) == expected


@pytest.mark.slow
@pytest.mark.needs_nginx
@pytest.mark.parametrize(
    ("defect", "outcome_h2", "says"),
    [
        ("", {Outcome.OK, Outcome.INFO}, "h2 layer held the response head"),
        ("late-headers", {Outcome.NON_STRICT}, "likely the proxy holds its headers"),
    ],
)
def test_the_gate_blames_the_layer_not_the_proxy(
    defect: str, outcome_h2: set[Outcome], says: str
) -> None:
    binary = require_tool("nginx")
    cmd = f"{PYTHON_PROXY} --defect {defect}" if defect else PYTHON_PROXY
    report = gate(cmd, layers=("h2",), select=("HDR-EARLY-FLUSH",))
    # the selection brings the checks HDR-EARLY-FLUSH may be blocked by
    (result,) = [r for r in report.results if r.check == "HDR-EARLY-FLUSH"]
    assert result.outcome in outcome_h2, result.detail
    if result.outcome is not Outcome.OK:
        assert says in result.detail
    if not defect and nginx_version(binary) < H2_FLUSHES_HEADS_SINCE:
        assert result.outcome is Outcome.INFO, result.detail
        assert "`: ok`" in result.detail
