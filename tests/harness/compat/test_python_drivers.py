"""The Python drivers against the mock: httpx-sse and the openai SDK on its OpenAI-
compatible SSE, ollama-python on its NDJSON."""

from __future__ import annotations

from typing import TYPE_CHECKING

from harness.compat.drivers import Stream
from harness.compat.run import ClientRun, mock_for_clients, read_stream

if TYPE_CHECKING:
    from pathlib import Path


def test_python_clients_read_the_mock(tmp_path: Path) -> None:
    run = ClientRun(
        clients=("openai-python", "httpx-sse", "ollama-python"), timeout_s=10.0
    )
    with mock_for_clients(tmp_path) as mock:
        openai = Stream(
            "mock-v1", f"{mock.base_url}/v1/chat/completions", "sse", "openai"
        )
        native = Stream("mock-ndjson", f"{mock.base_url}/api/chat", "ndjson", "ollama")
        cells = read_stream(openai, run, tmp_path, browser=None)
        cells += read_stream(native, run, tmp_path, browser=None)
    by = {(c.client, c.target): c for c in cells}
    assert set(by) == {
        ("openai-python", "mock-v1"),
        ("httpx-sse", "mock-v1"),
        ("httpx-sse", "mock-ndjson"),
        ("ollama-python", "mock-ndjson"),
    }
    for key in [
        ("openai-python", "mock-v1"),
        ("httpx-sse", "mock-v1"),
        ("ollama-python", "mock-ndjson"),
    ]:
        cell = by[key]
        assert cell.text_ok and cell.error is None and cell.tokens == 42, cell
    wrong = by[("httpx-sse", "mock-ndjson")]
    assert wrong.red and "text/event-stream" in (wrong.error or "")
