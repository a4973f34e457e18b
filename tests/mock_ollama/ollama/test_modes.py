"""The mock's what-if upstream modes (mock_ollama.ollama.modes) and their hook."""

from __future__ import annotations

import httpx
import pytest

from mock_ollama.ollama.modes import apply, decide, ndjson_acceptable
from mock_ollama.ollama.steps import Now
from mock_ollama.server.app import create_app

NOW = Now("Thu, 01 Jan 2026 00:00:00 GMT", "2026-01-01T00:00:00Z", 0)


@pytest.mark.parametrize(
    ("mode", "accept", "want"),
    [
        ("ollama", "text/event-stream", "as-is"),
        ("sse-on-accept", "text/event-stream", "sse"),
        ("sse-on-accept", "text/event-stream, application/x-ndjson", "sse"),
        ("sse-on-accept", "application/x-ndjson, text/event-stream", "as-is"),
        ("sse-on-accept", None, "as-is"),
        ("reject-415", "text/event-stream", "reject"),
        ("reject-415", "*/*", "as-is"),
        ("reject-415", "application/x-ndjson;q=0, text/event-stream", "reject"),
        ("reject-406", None, "as-is"),
        # what ollama-python and ollama-js send
        ("reject-415", "application/json", "as-is"),
    ],
)
def test_each_mode_decides_by_the_accept_header(mode, accept, want):
    assert decide(mode, "POST", "/api/generate", accept) == want


def test_other_routes_are_untouched():
    assert decide("reject-415", "POST", "/api/tags", "text/event-stream") == "as-is"
    assert decide("sse-on-accept", "GET", "/api/chat", "text/event-stream") == "as-is"
    assert ndjson_acceptable("application/*")


async def _post(mode: str, accept: str) -> httpx.Response:
    app = create_app(upstream_mode=mode)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://mock") as c:
        body = {"model": "qwen2.5:7b", "prompt": "[[mock: timing=zero]]"}
        return await c.post("/api/generate", json=body, headers={"accept": accept})


@pytest.mark.anyio
async def test_sse_on_accept_wraps_each_line():
    r = await _post("sse-on-accept", "text/event-stream")
    assert r.headers["content-type"] == "text/event-stream"
    blocks = r.text.split("\n\n")
    assert blocks[-1] == "" and all(b.startswith("data: {") for b in blocks[:-1])
    plain = await _post("ollama", "text/event-stream")
    assert [b.removeprefix("data: ") for b in blocks[:-1]] == plain.text.splitlines()


@pytest.mark.anyio
async def test_reject_modes_refuse_sse_accepts_and_serve_ndjson():
    r = await _post("reject-415", "text/event-stream")
    assert r.status_code == 415 and r.headers["accept-post"] == "application/x-ndjson"
    r = await _post("reject-406", "text/event-stream")
    assert r.status_code == 406 and "error" in r.json()
    ok = await _post("reject-406", "application/x-ndjson")
    assert ok.status_code == 200


def test_whole_answers_pass_every_mode_unchanged():
    from mock_ollama.ollama.answers import json_answer
    from mock_ollama.ollama.steps import answer

    out = answer(json_answer({"error": "x"}, 404), NOW)
    assert (
        apply("sse-on-accept", "POST", "/api/chat", "text/event-stream", out, NOW)
        == out
    )
