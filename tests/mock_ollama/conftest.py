"""Shared fixtures of the mock's tests: a fast config and a real server thread."""

from __future__ import annotations

from typing import TYPE_CHECKING

import httpx
import pytest

from mock_ollama.ollama.config import MockConfig
from mock_ollama.scenario.policies import Policies, Timing
from mock_ollama.server.app import create_app
from mock_ollama.server.serve import serve_in_thread

if TYPE_CHECKING:
    from collections.abc import Iterator

    from starlette.applications import Starlette


@pytest.fixture(scope="session")
def fast_config() -> MockConfig:
    """Bundled scenarios with zero timing, so replays take no time."""
    return MockConfig(policies=Policies(timing=Timing("zero")))


@pytest.fixture(scope="session")
def served() -> Iterator[tuple[str, Starlette]]:
    """A real uvicorn server in a thread (recorded timing): (base URL, app)."""
    app = create_app(MockConfig())
    with serve_in_thread(app) as url:
        yield url, app


@pytest.fixture(scope="module")
def client(fast_config: MockConfig) -> Iterator[httpx.Client]:
    """A real server (zero timing) and an httpx client with a timeout."""
    with (
        serve_in_thread(create_app(fast_config)) as url,
        httpx.Client(base_url=url, timeout=30) as c,
    ):
        yield c
