"""A raw-socket HTTP/1.1 client that stamps every read (for test_serve's wire checks).

Not ``harness.client``: these tests assert the bytes themselves - the response head
exactly as Ollama writes it, the chunked framing inside each read, a missing
terminator after a cut - which an HTTP parser (h11) normalises or decodes away. It is
also an oracle independent of the client the gate uses to judge proxies.
"""

from __future__ import annotations

import json
import socket
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit


@dataclass
class Wire:
    """What came back: every read with its time, and the bytes after the head."""

    reads: list[tuple[float, bytes]] = field(default_factory=list)

    @property
    def raw(self) -> bytes:
        return b"".join(data for _, data in self.reads)

    @property
    def head(self) -> bytes:
        return self.raw.split(b"\r\n\r\n", 1)[0] + b"\r\n\r\n"

    def chunks_per_read(self) -> list[list[bytes]]:
        """Chunk payloads grouped by the read that completed them (head skipped)."""
        out: list[list[bytes]] = []
        buffer, seen_head = b"", False
        for _, data in self.reads:
            buffer += data
            if not seen_head:
                if b"\r\n\r\n" not in buffer:
                    continue
                buffer = buffer.split(b"\r\n\r\n", 1)[1]
                seen_head = True
            group = []
            while b"\r\n" in buffer:
                size_text, rest = buffer.split(b"\r\n", 1)
                size = int(size_text, 16)
                if len(rest) < size + 2:
                    break
                group.append(rest[:size])
                buffer = rest[size + 2 :]
            out.append(group)
        return out


def post(
    url: str,
    path: str,
    body: object,
    *,
    timeout: float = 20.0,
    read_until_close: bool = True,
    max_reads: int | None = None,
) -> Wire:
    """POST ``body`` (JSON) and record every read until the chunked end or EOF."""
    parts = urlsplit(url)
    payload = json.dumps(body).encode()
    wire = Wire()
    with socket.create_connection(
        (parts.hostname, parts.port), timeout=timeout
    ) as sock:
        sock.sendall(
            b"POST %s HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
            b"Content-Length: %d\r\n\r\n" % (path.encode(), len(payload)) + payload
        )
        start = time.perf_counter()
        while max_reads is None or len(wire.reads) < max_reads:
            data = sock.recv(1 << 20)
            if not data:
                break
            wire.reads.append((time.perf_counter() - start, data))
            if not read_until_close and wire.raw.endswith(b"\r\n0\r\n\r\n"):
                break
    return wire
