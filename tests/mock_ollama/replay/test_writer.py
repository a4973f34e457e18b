"""The mock stamps a write just before handing it to the transport: a reader woken by
the write can never see it before its logged time (no negative lag)."""

from __future__ import annotations

import time
from types import SimpleNamespace
from typing import Any

from mock_ollama.replay.writer import chunk_writer


class _Cycle:
    def __init__(self) -> None:
        self.scope = {"http_version": "1.1", "method": "POST"}
        self.disconnected = False
        self.flow = SimpleNamespace(write_paused=False)
        self.writes: list[tuple[int, bytes]] = []
        self.transport = SimpleNamespace(
            write=lambda data: self.writes.append((time.perf_counter_ns(), data)),
            is_closing=lambda: False,
        )

    async def send(self, message: Any) -> None:
        raise AssertionError("the fast path writes to the transport")


_Cycle.__module__ = "uvicorn.protocols.http.h11_impl"  # what the writer checks


def test_the_stamp_precedes_the_write() -> None:
    cycle = _Cycle()
    write = chunk_writer(cycle.send, SimpleNamespace(headers=()))  # type: ignore[arg-type]
    assert write is not None
    stamp = write(b'{"done":false}\n')
    assert stamp is not None
    ((written, data),) = cycle.writes
    assert stamp <= written
    assert data == b'f\r\n{"done":false}\n\r\n'


def test_a_paused_transport_falls_back_to_send() -> None:
    cycle = _Cycle()
    cycle.flow.write_paused = True
    write = chunk_writer(cycle.send, SimpleNamespace(headers=()))  # type: ignore[arg-type]
    assert write is not None
    assert write(b"x\n") is None
    assert cycle.writes == []
