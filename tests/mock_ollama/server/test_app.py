"""The ASGI app over HTTP: every route answers as Ollama and gin do, markers pick the replay."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from mock_ollama.scenario.catalog import load_bundled

BUNDLED = load_bundled()
CHAT = {"model": "qwen2.5:7b", "messages": [{"role": "user", "content": "hi"}]}


def _chat(prompt: str, **extra: Any) -> dict[str, Any]:
    return {
        "model": "qwen2.5:7b",
        "messages": [{"role": "user", "content": prompt}],
        **extra,
    }


def test_root_version_and_catalogue_answer_like_a_running_ollama(
    client: httpx.Client,
) -> None:
    r = client.get("/")
    assert (r.status_code, r.text) == (200, "Ollama is running")
    assert r.headers["content-type"] == "text/plain; charset=utf-8"
    head = client.head("/")
    assert (head.status_code, head.content, head.headers["content-length"]) == (
        200,
        b"",
        "17",
    )
    assert client.get("/api/version").json() == {"version": "0.12.6"}
    names = [m["name"] for m in client.get("/api/tags").json()["models"]]
    assert {"deepseek-r1:1.5b", "qwen2.5:7b", "qwen3:8b"} <= set(names)
    assert client.get("/api/ps").json()["models"][0]["expires_at"].endswith("Z")
    assert client.get("/v1/models").json()["object"] == "list"


def test_chat_stream_replays_the_recorded_bytes(client: httpx.Client) -> None:
    r = client.post("/api/chat", json=_chat("what is ollama?"))
    assert r.status_code == 200
    assert r.content == BUNDLED["seed-deepseek"].body
    assert r.headers["content-type"] == "application/x-ndjson"
    assert "cache-control" not in r.headers
    assert "content-length" not in r.headers
    assert list(r.headers)[:2] == ["content-type", "date"]


def test_accept_event_stream_is_ignored(client: httpx.Client) -> None:
    plain = client.post("/api/chat", json=_chat("x"))
    sse = client.post(
        "/api/chat", json=_chat("x"), headers={"Accept": "text/event-stream"}
    )
    assert sse.content == plain.content
    assert sse.headers["content-type"] == "application/x-ndjson"


def test_generate_uses_a_generate_scenario(client: httpx.Client) -> None:
    r = client.post("/api/generate", json={"model": "qwen2.5:7b", "prompt": "why"})
    assert r.content == BUNDLED["qwen-generate"].body


def test_stream_false_aggregates(client: httpx.Client) -> None:
    r = client.post("/api/chat", json=_chat("x", stream=False))
    assert r.headers["content-type"] == "application/json; charset=utf-8"
    body = r.json()
    assert body["done"] is True
    assert body["message"]["content"].endswith("setup.")


def test_marker_picks_scenario_policies_and_req(client: httpx.Client) -> None:
    client.delete("/_mock/exchanges")
    prompt = "[[mock: scenario=multilingual fragment=bytes:7 req=r1]]"
    r = client.post("/api/chat", json=_chat(prompt))
    assert r.content == BUNDLED["multilingual"].body
    (ex,) = client.get("/_mock/exchanges", params={"req": "r1"}).json()
    assert ex["scenario"] == "multilingual"
    assert ex["status"] == 200
    assert ex["end"] == "complete"
    assert ex["path"] == "/api/chat"
    assert all(w["size"] <= 7 for w in ex["writes"])
    assert sum(w["size"] for w in ex["writes"]) == len(r.content)
    assert [x["size"] for x in ex["lines"]] == [
        len(x) for x in BUNDLED["multilingual"].lines
    ]
    times = [w["t_ns"] for w in ex["writes"]]
    assert times == sorted(times)
    assert ex["head_ns"] <= times[0]
    assert ex["received_ns"] <= ex["head_ns"] <= ex["closed_ns"]


@pytest.mark.parametrize(
    ("marker", "status", "body"),
    [
        ("fault=status:404", 404, {"error": "model 'qwen2.5:7b' not found"}),
        (
            "fault=status:500",
            500,
            {"error": "llama runner process has terminated: exit status 2"},
        ),
        ("fault=status:400", 400, {"error": '"qwen2.5:7b" does not support chat'}),
        (
            "colour=red",
            400,
            {
                "error": "mock marker: unknown key 'colour' (known: fault, "
                "fragment, gap, header-delay, repeat, req, scenario, seed, timing)"
            },
        ),
        ("scenario=nope", 400, None),
        ("scenario=tool-call fault=error-at:9", 400, None),
    ],
)
def test_marker_faults_and_bad_markers_answer_json_errors(
    client: httpx.Client, marker: str, status: int, body: dict[str, str] | None
) -> None:
    r = client.post("/api/chat", json=_chat(f"[[mock: {marker}]]"))
    assert r.status_code == status
    assert r.headers["content-type"] == "application/json; charset=utf-8"
    if body is not None:
        assert r.json() == body
    else:
        assert r.json()["error"].startswith("mock marker: ")


def test_error_line_mid_stream_keeps_status_200(client: httpx.Client) -> None:
    r = client.post(
        "/api/chat", json=_chat("[[mock: scenario=qwen-chat fault=error-at:2]]")
    )
    assert r.status_code == 200
    lines = r.content.split(b"\n")
    assert json.loads(lines[2]) == {
        "error": "an error was encountered while running the model: unexpected EOF"
    }
    assert lines[3:] == [b""]


@pytest.mark.parametrize(
    ("method", "path", "status", "text", "allow"),
    [
        ("GET", "/api/chat", 405, "405 method not allowed", "POST"),
        ("POST", "/api/tags", 405, "405 method not allowed", "HEAD, GET"),
        ("DELETE", "/", 405, "405 method not allowed", "HEAD, GET"),
        ("HEAD", "/api/ps", 405, "", "GET"),
        ("GET", "/api/nope", 404, "404 page not found", None),
        ("POST", "/v1/chat", 404, "404 page not found", None),
        ("GET", "/api/chat/", 404, "404 page not found", None),
    ],
)
def test_unknown_paths_and_wrong_methods_get_gins_plain_pages(
    client: httpx.Client,
    method: str,
    path: str,
    status: int,
    text: str,
    allow: str | None,
) -> None:
    r = client.request(method, path)
    assert (r.status_code, r.text) == (status, text)
    assert r.headers["content-type"] == "text/plain"
    assert r.headers.get("allow") == allow


@pytest.mark.parametrize(
    ("body", "status", "error"),
    [
        (b"", 400, "missing request body"),
        (
            b"{bad",
            400,
            "invalid character 'b' looking for beginning of object key string",
        ),
        (b'{"model": "nope", "messages": []}', 404, "model 'nope' not found"),
        (
            b'{"messages": [{"role": "user", "content": "x"}]}',
            404,
            "model '' not found",
        ),
    ],
)
def test_unbindable_chat_bodies_get_ollamas_error_object(
    client: httpx.Client, body: bytes, status: int, error: str
) -> None:
    r = client.post("/api/chat", content=body, headers={"Content-Type": "text/plain"})
    assert r.status_code == status
    assert r.content == json.dumps({"error": error}, separators=(",", ":")).encode()


def test_empty_messages_only_load_the_model(client: httpx.Client) -> None:
    r = client.post("/api/chat", json={"model": "qwen2.5:7b", "messages": []})
    body = r.json()
    assert (body["done_reason"], body["done"], body["message"]) == (
        "load",
        True,
        {"role": "assistant", "content": ""},
    )


def test_show_embed_and_pull_serve_known_models_and_refuse_others(
    client: httpx.Client,
) -> None:
    assert "model_info" in client.post("/api/show", json={"model": "qwen2.5:7b"}).json()
    missing = client.post("/api/show", json={"model": "nope"})
    assert (missing.status_code, missing.json()) == (
        404,
        {"error": "model 'nope' not found"},
    )
    vectors = client.post(
        "/api/embed", json={"model": "qwen2.5:7b", "input": ["a", "b"]}
    )
    assert len(vectors.json()["embeddings"]) == 2
    pull = client.post("/api/pull", json={"model": "qwen2.5:7b"})
    statuses = [json.loads(x)["status"] for x in pull.content.splitlines()]
    assert statuses[0] == "pulling manifest"
    assert statuses[-1] == "success"
    failing = client.post("/api/pull", json={"model": "nope"}).content.splitlines()
    assert json.loads(failing[-1]) == {
        "error": "pull model manifest: file does not exist"
    }
    assert client.post(
        "/api/pull", json={"model": "qwen2.5:7b", "stream": False}
    ).json() == {"status": "success"}


def test_openai_routes_stream_sse_and_refuse_as_openai_objects(
    client: httpx.Client,
) -> None:
    body = {**_chat("[[mock: scenario=qwen-chat]]"), "stream": True}
    r = client.post("/v1/chat/completions", json=body)
    assert r.headers["content-type"] == "text/event-stream"
    assert r.content.endswith(b"data: [DONE]\n\n")
    assert r.content.count(b"data: ") == len(BUNDLED["qwen-chat"].lines) + 1
    whole = client.post("/v1/chat/completions", json=_chat("x"))
    assert whole.json()["object"] == "chat.completion"
    missing = client.post("/v1/chat/completions", json={**_chat("x"), "model": "nope"})
    assert missing.status_code == 404
    assert missing.json() == {
        "error": {
            "message": "model 'nope' not found",
            "type": "not_found_error",
            "param": None,
            "code": None,
        }
    }
    empty = client.post(
        "/v1/chat/completions", json={"model": "qwen2.5:7b", "messages": []}
    )
    assert empty.json()["error"]["message"] == "[] is too short - 'messages'"
    text = client.post(
        "/v1/completions", json={"model": "qwen2.5:7b", "prompt": "x", "stream": True}
    )
    assert b'"object":"text_completion"' in text.content


@pytest.mark.parametrize(
    ("path", "marker", "status"),
    [
        ("/api/chat", "scenario=error-mid-stream", 500),
        ("/api/chat", "fault=garbage-at:2", 500),
        ("/api/chat", "fault=malformed-at:1", 500),
        ("/v1/chat/completions", "scenario=error-mid-stream", 500),
        ("/api/chat", "fault=stall:1:30", 200),
    ],
)
def test_stream_false_with_faults(
    client: httpx.Client, path: str, marker: str, status: int
) -> None:
    r = client.post(path, json=_chat(f"[[mock: {marker}]]", stream=False))
    assert r.status_code == status
    if status == 500:
        error = r.json()["error"]
        text = error["message"] if isinstance(error, dict) else error
        assert (
            text == "an error was encountered while running the model: unexpected EOF"
        )


def test_stream_false_never_answers_during_an_endless_stall(
    client: httpx.Client,
) -> None:
    with pytest.raises(httpx.ReadTimeout):
        client.post(
            "/api/chat",
            json=_chat("[[mock: fault=stall:0:inf]]", stream=False),
            timeout=0.3,
        )
