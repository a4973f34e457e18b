"""The native endpoints (``/api/*``): streams, loads, pulls, embeddings and their errors."""

from __future__ import annotations

import json

import pytest

from mock_ollama.ollama.config import MockConfig
from mock_ollama.ollama.native import embed, native_stream, pull
from mock_ollama.ollama.steps import Now, Reject
from mock_ollama.scenario.catalog import load_bundled
from mock_ollama.scenario.policies import Policies, Timing

CFG = MockConfig(policies=Policies(timing=Timing("zero")))
NOW = Now("Wed, 30 Jul 2025 09:45:03 GMT", "2025-07-30T09:45:03.1Z", 1753868703)
BUNDLED = load_bundled()


def _chat(prompt: str, **extra: object) -> bytes:
    messages = [{"role": "user", "content": prompt}]
    return json.dumps({"model": "qwen2.5:7b", "messages": messages, **extra}).encode()


def test_stream_replays_the_scenario_and_tags_the_exchange() -> None:
    out = native_stream(CFG, "/api/chat", _chat("[[mock: req=r1]]"), NOW)
    assert out.schedule.body == BUNDLED["seed-deepseek"].body
    assert (out.scenario, out.req) == ("seed-deepseek", "r1")
    assert dict(out.schedule.headers)["Content-Type"] == "application/x-ndjson"


def test_empty_messages_only_load_the_model() -> None:
    body = b'{"model":"qwen2.5:7b","messages":[]}'
    loaded = json.loads(native_stream(CFG, "/api/chat", body, NOW).schedule.body)
    assert (loaded["created_at"], loaded["done_reason"]) == (NOW.rfc3339, "load")


def test_stream_false_with_an_error_line_is_a_500() -> None:
    body = _chat("[[mock: scenario=error-mid-stream]]", stream=False)
    out = native_stream(CFG, "/api/chat", body, NOW).schedule
    assert out.status == 500
    assert json.loads(out.body)["error"].endswith("unexpected EOF")


def test_unknown_model_is_a_404() -> None:
    body = b'{"model":"nope","messages":[{"role":"user","content":"x"}]}'
    with pytest.raises(Reject) as info:
        native_stream(CFG, "/api/chat", body, NOW)
    assert json.loads(info.value.answer.body) == {"error": "model 'nope' not found"}


def test_pull_of_an_unknown_model_fails_after_line_one() -> None:
    lines = pull(CFG, "/api/pull", b'{"model":"nope"}', NOW).schedule.body.splitlines()
    assert json.loads(lines[0]) == {"status": "pulling manifest"}
    assert json.loads(lines[-1])["error"].startswith("pull model manifest")


def test_legacy_embeddings_answer_one_vector() -> None:
    body = b'{"model":"qwen2.5:7b","prompt":"hi"}'
    new = json.loads(embed(CFG, "/api/embed", body, NOW).schedule.body)
    old = json.loads(embed(CFG, "/api/embeddings", body, NOW).schedule.body)
    assert old == {"embedding": new["embeddings"][0]}


@pytest.mark.parametrize(
    "fault", ["garbage-at:5", "malformed-at:5", "cut-at:5", "cut-at:0"]
)
def test_pull_without_streaming_answers_faults_like_wait_for_stream(fault):
    import asyncio

    import httpx

    from mock_ollama.ollama.config import MockConfig
    from mock_ollama.server.app import create_app

    async def go() -> httpx.Response:
        transport = httpx.ASGITransport(app=create_app(MockConfig()))
        async with httpx.AsyncClient(
            transport=transport, base_url="http://127.0.0.1"
        ) as c:
            body = {
                "model": "qwen2.5:7b",
                "stream": False,
                "x": f"[[mock: fault={fault}]]",
            }
            return await c.post("/api/pull", json=body)

    response = asyncio.run(go())
    assert response.status_code == 500
    assert "error" in response.json()
