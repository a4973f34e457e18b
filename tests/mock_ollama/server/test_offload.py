"""Big or deeply nested bodies are routed in a worker process, answering as the loop would."""

from __future__ import annotations

import asyncio
import sys
import types
from typing import TYPE_CHECKING

from mock_ollama.ollama.config import MockConfig
from mock_ollama.ollama.routes import route
from mock_ollama.server.offload import BIG_BYTES, Offloader

if TYPE_CHECKING:
    import pytest


def test_only_big_or_bracket_heavy_bodies_leave_the_loop() -> None:
    assert not Offloader.wants(b'{"model":"m","messages":[{"content":"x"}]}')
    assert Offloader.wants(b"[" * 1001)
    assert Offloader.wants(b" " * (BIG_BYTES + 1))


def test_the_worker_answers_like_the_loop_would() -> None:
    config = MockConfig(any_model=True)
    deep = b'{"model":"m","x":' + b"[" * 20_000 + b"]" * 20_000 + b"}"
    offloader = Offloader(config)
    try:
        there = asyncio.run(offloader.route("POST", "/api/chat", deep))
    finally:
        offloader.close()
    here = route(config, "POST", "/api/chat", deep)
    assert there.schedule.status == here.schedule.status == 400
    assert there.schedule.body == here.schedule.body


def test_without_a_spawnable_main_it_parses_in_a_thread(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fake_main = types.ModuleType("__main__")
    fake_main.__file__ = "<stdin>"
    monkeypatch.setitem(sys.modules, "__main__", fake_main)
    offloader = Offloader(MockConfig(any_model=True))
    assert not offloader.usable
    outcome = asyncio.run(offloader.route("POST", "/api/chat", b"[" * 20_000))
    assert outcome.schedule.status == 400
