"""Fixtures: a scripted upstream, an httpx client, and the correct reference proxies."""

from __future__ import annotations

from typing import TYPE_CHECKING

import httpx
import pytest

from tests.proxies.fake_upstream import FakeOllama
from tests.proxies.proxy_process import TEST_ENV, Proxy, proxy_argv, running_proxy

if TYPE_CHECKING:
    from collections.abc import Iterator


@pytest.fixture(scope="session")
def fake() -> Iterator[FakeOllama]:
    with FakeOllama() as upstream:
        yield upstream


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=httpx.Timeout(15.0), trust_env=False) as http:
        yield http


@pytest.fixture(
    scope="module",
    params=["starlette", pytest.param("node", marks=pytest.mark.needs_node)],
)
def proxy(request: pytest.FixtureRequest, fake: FakeOllama) -> Iterator[Proxy]:
    """Each correct reference proxy in turn, its upstream the scripted fake."""
    with running_proxy(proxy_argv(request.param), fake.url, TEST_ENV) as running:
        yield running
