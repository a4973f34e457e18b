"""The correct reference proxies against the real mock (``python -m mock_ollama``).

Same claims as test_reference_proxies, but with the mock's bundled recordings, its
fragmenters and faults routed by the ``[[mock: ...]]`` marker, and its exchange log
as the witness of upstream cancellation (its ``client-gone`` end).
"""

from __future__ import annotations

import json
import os
import uuid
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from mock_ollama.launch import running_mock
from tests.proxies.proxy_process import ROOT, TEST_ENV, Proxy, proxy_argv, running_proxy
from tests.proxies.sse_client import URL_PATH, Stream, collect, stream_events
from tests.tools import wait_until

if TYPE_CHECKING:
    from collections.abc import Iterator

SCENARIOS = ROOT / "scenarios"


def recorded_tokens(scenario: str) -> list[str]:
    """The non-empty ``message.content`` values of a bundled chat recording."""
    tokens = []
    for line in (
        (SCENARIOS / f"{scenario}.ndjson").read_text(encoding="utf-8").splitlines()
    ):
        content = json.loads(line).get("message", {}).get("content")
        if content:
            tokens.append(content)
    return tokens


def marker(**fields: str) -> str:
    return (
        "[[mock: "
        + " ".join(f"{k.replace('_', '-')}={v}" for k, v in fields.items())
        + "]]"
    )


@pytest.fixture(scope="module")
def mock_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port_file = tmp_path_factory.mktemp("mock") / "port"
    env = {"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(ROOT)}
    extra = ("--any-model", "--timing", "zero")
    with running_mock(port_file, *extra, env=env, cwd=ROOT) as (_process, url):
        yield url


@pytest.fixture(
    scope="module",
    params=["starlette", pytest.param("node", marks=pytest.mark.needs_node)],
)
def proxy(request: pytest.FixtureRequest, mock_url: str) -> Iterator[Proxy]:
    with running_proxy(proxy_argv(request.param), mock_url, TEST_ENV) as running:
        yield running


def exchange(mock_url: str, req: str, *, until_end: float = 0.0) -> dict[str, Any]:
    """The mock's record of request ``req``; waits ``until_end`` s for it to end."""

    def latest() -> dict[str, Any] | None:
        records = httpx.get(f"{mock_url}/_mock/exchanges", params={"req": req}).json()
        return records[-1] if records else None

    def ended() -> dict[str, Any] | None:
        record = latest()
        return record if record is not None and record["end"] != "running" else None

    running = wait_until(latest, until_end + 5, 0.05)
    assert running is not None, f"request {req} never reached the mock"
    return wait_until(ended, until_end, 0.05) or running


SMALL = ["injection", "multilingual", "qwen-chat"]
FRAGMENTS = ["line", "bytes:7", "utf8", "json", "random:7"]
CASES = [(s, f) for s in SMALL for f in FRAGMENTS] + [
    ("long-line", f) for f in ["line", "bytes:4093", "utf8", "json", "random:7"]
]


@pytest.mark.parametrize(("scenario", "fragment"), CASES)
def test_recordings_arrive_exactly(
    proxy: Proxy, client: httpx.Client, scenario: str, fragment: str
) -> None:
    """FRM-TOKEN-MAPPING, FRM-NDJSON-SPLIT, FRM-UTF8-SPLIT, FRM-INJECTION,
    FRM-LONG-LINE."""
    stream = collect(client, proxy.base, marker(scenario=scenario, fragment=fragment))
    assert stream.status == 200
    assert stream.tokens == recorded_tokens(scenario)
    assert stream.finished
    assert stream.errors == []
    assert stream.tail == b""


@pytest.mark.parametrize(
    ("fault", "kept"),
    [("error-at:3", 3), ("cut-at:3", 3), ("garbage-at:3", 3), ("status:404", 0)],
)
def test_faults_end_with_an_error_event(
    proxy: Proxy, client: httpx.Client, fault: str, kept: int
) -> None:
    """END-UPSTREAM-ERROR-LINE, END-UPSTREAM-TRUNCATED, END-GARBAGE,
    END-UPSTREAM-STATUS."""
    stream = collect(client, proxy.base, marker(scenario="qwen-chat", fault=fault))
    assert stream.status == 200
    assert stream.tokens == recorded_tokens("qwen-chat")[:kept]
    assert not stream.finished
    assert len(stream.errors) == 1
    assert stream.tail == b""


def test_abort_mid_stream_reaches_the_mock(
    proxy: Proxy, client: httpx.Client, mock_url: str
) -> None:
    """CANCEL-MID-STREAM, as the mock's exchange log sees it."""
    req = uuid.uuid4().hex[:12]
    prompt = marker(scenario="qwen-chat", timing="fixed:200", req=req)
    with client.stream(
        "POST", proxy.base + URL_PATH, json={"prompt": prompt}
    ) as response:
        next(stream_events(response, Stream(response.status_code, response.headers)))
    assert exchange(mock_url, req, until_end=3.0)["end"] == "client-gone"


def test_abort_before_first_token_reaches_the_mock(
    proxy: Proxy, client: httpx.Client, mock_url: str
) -> None:
    """CANCEL-BEFORE-FIRST-TOKEN: Ollama sends nothing, not even headers, for 20 s."""
    req = uuid.uuid4().hex[:12]
    prompt = marker(scenario="qwen-chat", header_delay="20000", req=req)
    with client.stream(
        "POST", proxy.base + URL_PATH, json={"prompt": prompt}
    ) as response:
        assert response.status_code == 200
        exchange(mock_url, req)  # the mock has the request
    assert exchange(mock_url, req, until_end=3.0)["end"] == "client-gone"
