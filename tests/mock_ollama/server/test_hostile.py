"""Hostile request bodies: deep nesting, huge arrays, long strings, oversized bodies.

Whatever arrives, the mock answers as Ollama would (Go's decoder texts, 400s) and
never with a 500 or a traceback.
"""

from __future__ import annotations

import json
import socket
from typing import TYPE_CHECKING

import httpx
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from mock_ollama.go.decode import decode_error
from mock_ollama.go.fields import REQUEST_FIELDS
from mock_ollama.ollama.config import MockConfig
from mock_ollama.server.app import create_app
from mock_ollama.server.serve import serve_in_thread

if TYPE_CHECKING:
    from collections.abc import Iterator

TOO_DEEP = "invalid character '[' exceeded max depth"


def _chat(prompt: str, **extra: object) -> dict[str, object]:
    return {"model": "qwen2.5:7b", "messages": [{"role": "user", "content": prompt}]}


def test_huge_bodies_are_bound_like_go_truncated_or_whole(client: httpx.Client) -> None:
    pad = "a" * (8 << 20)
    r = client.post("/api/chat", content=b'{"model":"x","pad":"' + pad.encode())
    assert (r.status_code, r.json()) == (400, {"error": "unexpected EOF"})
    r = client.post("/api/chat", json={"model": "unknown", "pad": pad})
    assert (r.status_code, r.json()) == (404, {"error": "model 'unknown' not found"})
    r = client.post("/api/chat", json=_chat("hi " + pad[:1_000_000]))
    assert r.status_code == 200


@pytest.mark.parametrize(
    "path", ["/api/chat", "/api/generate", "/api/show", "/api/embed", "/api/pull"]
)
def test_100000_deep_is_gos_max_depth_error(client: httpx.Client, path: str) -> None:
    body = b'{"model":"qwen2.5:7b","x":' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    r = client.post(path, content=body)
    assert (r.status_code, r.json()) == (400, {"error": TOO_DEEP})


def test_deep_but_within_gos_limit_is_accepted(client: httpx.Client) -> None:
    nested = "[" * 9_999 + "]" * 9_999
    body = f'{{"model":"qwen2.5:7b","stream":false,"options":{{}},"x":{nested},'
    body += '"messages":[{"role":"user","content":"[[mock: timing=zero]]"}]}'
    r = client.post("/api/chat", content=body.encode())
    assert r.status_code == 200
    assert r.json()["done"] is True
    typed = b'{"model":"qwen2.5:7b","messages":' + b"[" * 5_000 + b"]" * 5_000 + b"}"
    assert client.post("/api/chat", content=typed).status_code == 200
    wrong = b'{"model":' + b"[" * 5_000 + b"]" * 5_000 + b"}"
    r = client.post("/api/chat", content=wrong)
    assert r.json() == {
        "error": "json: cannot unmarshal array into Go struct field "
        "ChatRequest.model of type string"
    }


def test_openai_deep_nesting_is_an_openai_error(client: httpx.Client) -> None:
    body = b"[" * 20_000
    r = client.post("/v1/chat/completions", content=body)
    assert r.status_code == 400
    assert r.json()["error"]["message"] == TOO_DEEP


@pytest.fixture(scope="module")
def small_limit() -> Iterator[str]:
    with serve_in_thread(create_app(MockConfig(max_body=1000))) as url:
        yield url


def test_body_over_the_limit_is_gos_maxbytes_answer(small_limit: str) -> None:
    big = json.dumps({"model": "qwen2.5:7b", "prompt": "a" * 2000}).encode()
    with httpx.Client(base_url=small_limit, timeout=10) as c:
        r = c.post("/api/generate", content=big)
        assert (r.status_code, r.json()) == (
            400,
            {"error": "http: request body too large"},
        )
        assert r.headers["connection"] == "close"
        v1 = c.post("/v1/chat/completions", content=big)
        assert v1.json()["error"]["message"] == "http: request body too large"
        chunked = c.post("/api/chat", content=iter([big[:600], big[600:]]))
        assert chunked.status_code == 400
        assert c.post("/api/chat", content=big[:900]).status_code == 400  # truncated
        assert c.get("/").status_code == 200  # the server carries on


def test_declared_length_over_the_limit_is_refused_unread(small_limit: str) -> None:
    port = int(small_limit.rpartition(":")[2])
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(
            b"POST /api/chat HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Length: 104857600\r\n\r\n{"
        )
        answer = b""
        while chunk := sock.recv(4096):  # the mock closes after answering
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 400 ")
    assert answer.endswith(b'{"error":"http: request body too large"}')


METHODS = st.sampled_from(["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"])
PATHS = st.sampled_from(
    [
        "/",
        "/api/chat",
        "/api/generate",
        "/api/tags",
        "/api/show",
        "/api/version",
        "/api/ps",
        "/v1/models",
        "/v1/chat/completions",
        "/api/nope",
        "/x/y",
        "/api/embed",
        "/api/pull",
        "/api/push",
    ]
)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3)
    ),
    max_leaves=8,
)
deep = st.builds(
    lambda depth, kind, close, key: (
        (b'{"model":"qwen2.5:7b","' + key.encode() + b'":' if key else b"")
        + kind * depth
        + (({b"[": b"]", b"{": b"}"}[kind[:1]] * depth) if close else b"")
        + (b"}" if key else b"")
    ),
    st.integers(min_value=900, max_value=12_000),
    st.sampled_from([b"[", b'{"a":[', b"[{}, "]),
    st.booleans(),
    st.sampled_from(["", "messages", "x", "model"]),
)
huge_arrays = st.builds(
    lambda n, item: json.dumps(
        {"model": "qwen2.5:7b", "messages": [item] * n}
    ).encode(),
    st.integers(min_value=10_000, max_value=100_000),
    st.sampled_from([1, "x", {"role": "user", "content": "hi"}, None]),
)
long_strings = st.builds(
    lambda n, ch, closed: (
        b'{"model":"qwen2.5:7b","prompt":"' + ch * n + (b'"}' if closed else b"")
    ),
    st.integers(min_value=100_000, max_value=1_000_000),
    st.sampled_from([b"a", b"\\n", b"\xc3\xa9", b"\\u00e9", b"\x01"]),
    st.booleans(),
)
bodies = st.one_of(
    st.binary(max_size=200),
    json_values.map(lambda v: json.dumps(v).encode()),
    st.fixed_dictionaries(
        {"model": json_values, "stream": json_values, "messages": json_values}
    ).map(lambda v: json.dumps(v).encode()),
    st.fixed_dictionaries(
        {
            "model": st.sampled_from(["qwen2.5:7b", "nope"]),
            "prompt": st.text(max_size=20),
            "messages": st.just([{"role": "user", "content": "[[mock: timing=zero]]"}]),
            "stream": st.booleans(),
        }
    ).map(lambda v: json.dumps(v).encode()),
    deep,
    huge_arrays,
    long_strings,
)


@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(METHODS, PATHS, bodies)
def test_never_500_and_exact_bind_errors(
    client: httpx.Client, method: str, path: str, body: bytes
) -> None:
    r = client.request(method, path, content=body)
    assert r.status_code in {200, 400, 404, 405}
    assert b"Traceback" not in r.content
    if path in ("/api/chat", "/api/generate") and method == "POST":
        struct, fields = REQUEST_FIELDS[path]
        problem = decode_error(body, struct, fields)
        if problem is not None:
            assert (r.status_code, r.json()) == (400, {"error": problem})
        else:
            assert r.status_code in {200, 400, 404}
    if (
        r.status_code in (400, 404)
        and path in ("/api/chat", "/api/generate", "/api/show", "/api/embed")
        and method == "POST"
    ):
        assert set(r.json()) == {"error"}
