"""The correct reference proxies (Starlette and Node) against a scripted upstream.

Each test names the gate check it mirrors (docs/checks.md). Timing is judged by gates, not
clocks: the upstream waits for the test to have seen something before going on.
"""

from __future__ import annotations

import json
import time
from typing import TYPE_CHECKING

import pytest

from tests.proxies.fake_upstream import (
    Cut,
    Flood,
    Gate,
    Script,
    Sleep,
    Write,
    chat_body,
    chat_line,
    cut_at,
    every,
    spaced,
)
from tests.proxies.proxy_process import TEST_ENV, free_port, proxy_argv, running_proxy
from tests.proxies.sse_client import URL_PATH, Stream, collect, post, stream_events

if TYPE_CHECKING:
    from collections.abc import Callable

    import httpx

    from tests.proxies.fake_upstream import FakeOllama, Step
    from tests.proxies.proxy_process import Proxy

TRICKY = [
    "Hé",
    "llo",
    " 😀",
    "\n\n",
    "data: x",
    "\r",
    "event: y\r\n",
    ":",
    '"q" \\',
    "中文",
]
JSON = {"Content-Type": "application/json"}
GAP = 0.002  # keeps writes apart, so the proxy sees each as its own read


def utf8_cuts(data: bytes) -> list[int]:
    """An offset inside every multi-byte UTF-8 character of ``data``."""
    return [i + 1 for i, byte in enumerate(data) if byte >= 0xC0]


def assert_clean_finish(stream: Stream, tokens: list[str]) -> None:
    assert stream.status == 200
    assert stream.tokens == tokens
    assert stream.finished
    assert stream.errors == []
    assert stream.tail == b""
    assert b"\r" not in stream.raw


def assert_error_end(stream: Stream, tokens: list[str], text: str = "") -> None:
    assert stream.status == 200
    assert stream.tokens == tokens
    assert not stream.finished
    assert len(stream.errors) == 1
    assert text in stream.errors[0]
    assert stream.events[-1].type == "error"
    assert stream.tail == b""


# --- HDR ---------------------------------------------------------------------------
def test_headers_flushed_before_the_first_token(
    proxy: Proxy, fake: FakeOllama, client: httpx.Client
) -> None:
    """HDR-EARLY-FLUSH, HDR-CONTENT-TYPE, HDR-CACHE, HDR-ACCEL, HDR-NO-CONTENT-LENGTH"""
    gate = fake.gate()
    prompt, req = fake.prompt(Script((Gate(gate, 5.0), Write(chat_body(["ok"])))))
    with client.stream(
        "POST", proxy.base + URL_PATH, json={"prompt": prompt}
    ) as response:
        fake.release(gate)  # we have the headers: only now may the first token exist
        body = response.read()
    exchange = fake.wait_end(req, 5)
    assert exchange is not None
    assert exchange.gates == {gate: True}
    assert response.status_code == 200
    assert (
        response.headers["content-type"].lower() == "text/event-stream; charset=utf-8"
    )
    assert "no-cache" in response.headers["cache-control"]
    assert "no-transform" in response.headers["cache-control"]
    assert response.headers["x-accel-buffering"] == "no"
    assert "content-length" not in response.headers
    assert "content-encoding" not in response.headers
    assert body.endswith(b'data: {"finished": true}\n\n')


def test_first_token_is_not_held_back(
    proxy: Proxy, fake: FakeOllama, client: httpx.Client
) -> None:
    """LAT-FIRST-TOKEN: token 1 reaches the client while upstream still waits."""
    gate = fake.gate()
    steps = (Write(chat_line("first")), Gate(gate, 5.0), Write(chat_body(["second"])))
    prompt, req = fake.prompt(Script(steps))
    with client.stream(
        "POST", proxy.base + URL_PATH, json={"prompt": prompt}
    ) as response:
        stream = Stream(response.status_code, response.headers)
        for event in stream_events(response, stream):
            if event.json().get("token") == "first":
                fake.release(gate)
    exchange = fake.wait_end(req, 5)
    assert exchange is not None
    assert exchange.gates == {gate: True}
    assert_clean_finish(stream, ["first", "second"])


# --- FRM ---------------------------------------------------------------------------
CUTS: dict[str, Callable[[bytes], tuple[Step, ...]]] = {
    "one-write": lambda body: (Write(body),),
    "bytes-1": lambda body: spaced(every(body, 1), GAP / 4),
    "bytes-7": lambda body: spaced(every(body, 7), GAP),
    "mid-json": lambda body: spaced(cut_at(body, range(25, len(body), 60)), GAP),
    "utf8": lambda body: spaced(cut_at(body, utf8_cuts(body)), GAP),
    "lines-plus-half": lambda body: spaced(cut_at(body, [len(body) // 2 + 3]), GAP),
}


@pytest.mark.parametrize("cut", sorted(CUTS))
def test_tokens_survive_any_cut(
    proxy: Proxy, fake: FakeOllama, client: httpx.Client, cut: str
) -> None:
    """FRM-NDJSON-SPLIT, FRM-UTF8-SPLIT, FRM-INJECTION, FRM-TOKEN-MAPPING."""
    prompt, _ = fake.prompt(Script(CUTS[cut](chat_body(TRICKY))))
    stream = collect(client, proxy.base, prompt)
    assert_clean_finish(stream, TRICKY)
    assert len(stream.events) == len(TRICKY) + 1  # no extra events from injection
    assert "\ufffd" not in stream.raw.decode("utf-8")


def test_long_line_is_delivered_intact(
    proxy: Proxy, fake: FakeOllama, client: httpx.Client
) -> None:
    """FRM-LONG-LINE: one upstream line > 128 KiB."""
    token = "é" + "x" * (200 * 1024) + "😀"
    body = chat_body(["a", token])
    prompt, _ = fake.prompt(Script(spaced(every(body, 40_000), GAP)))
    assert_clean_finish(collect(client, proxy.base, prompt), ["a", token])


# --- END ---------------------------------------------------------------------------
def test_error_line_becomes_an_error_event(
    proxy: Proxy, fake: FakeOllama, client: httpx.Client
) -> None:
    """END-UPSTREAM-ERROR-LINE: never a completion event after {"error": ...}."""
    steps = (Write(chat_line("a")), Write(b'{"error":"out of memory"}\n'))
    prompt, _ = fake.prompt(Script(steps))
    assert_error_end(collect(client, proxy.base, prompt), ["a"], "out of memory")


@pytest.mark.parametrize(
    ("status", "body", "text"),
    [
        (404, b'{"error":"model \'qwen\' not found"}', "model 'qwen' not found"),
        (500, b"500 internal", "500"),
    ],
)
def test_upstream_status_becomes_an_error_event(
    proxy: Proxy,
    fake: FakeOllama,
    client: httpx.Client,
    status: int,
    body: bytes,
    text: str,
) -> None:
    """END-UPSTREAM-STATUS: headers are already out, so an error event."""
    prompt, _ = fake.prompt(
        Script((Write(body),), status=status, content_type="application/json")
    )
    assert_error_end(collect(client, proxy.base, prompt), [], text)


@pytest.mark.parametrize("where", ["mid-line", "between-lines"])
def test_truncated_upstream_is_an_error(
    proxy: Proxy, fake: FakeOllama, client: httpx.Client, where: str
) -> None:
    """END-UPSTREAM-TRUNCATED, END-TRUNCATED-EXPLICIT."""
    partial = chat_line("never")[:20] if where == "mid-line" else b""
    steps = (
        *spaced([Write(chat_line("a")), Write(chat_line("b") + partial)], GAP),
        Cut(),
    )
    prompt, _ = fake.prompt(Script(steps))
    assert_error_end(collect(client, proxy.base, prompt), ["a", "b"])


def test_clean_end_without_done_is_an_error(
    proxy: Proxy, fake: FakeOllama, client: httpx.Client
) -> None:
    prompt, _ = fake.prompt(Script((Write(chat_body(["a"], done=False)),)))
    assert_error_end(collect(client, proxy.base, prompt), ["a"], "without done")


@pytest.mark.parametrize(
    "garbage",
    [b'{"model":"m","message":{"content":"tr\n', b"\xff\xfe garbage\n", b"[1,2]\n"],
)
def test_malformed_line_ends_with_an_error(
    proxy: Proxy, fake: FakeOllama, client: httpx.Client, garbage: bytes
) -> None:
    """END-GARBAGE: no partial JSON passed on as a token."""
    steps = spaced(
        [Write(chat_line("a")), Write(garbage), Write(chat_body(["z"]))], GAP
    )
    prompt, _ = fake.prompt(Script(steps))
    assert_error_end(collect(client, proxy.base, prompt), ["a"])


# --- REQ ---------------------------------------------------------------------------
VALID = json.dumps({"prompt": "hi"}).encode()
REJECTIONS = [
    ("POST", {"Content-Type": "text/plain"}, VALID, 415),
    ("POST", {}, VALID, 415),
    ("POST", {"Content-Type": "application/x-www-form-urlencoded"}, b"prompt=hi", 415),
    ("POST", JSON, b'{"prompt": "hi"', 400),
    ("POST", JSON, b"", 400),
    ("POST", JSON, b'["hi"]', 400),
    ("POST", JSON, b'{"prompt": 3}', 400),
    ("POST", JSON, b'{"prompt": "hi", "model": 7}', 400),
    ("POST", JSON, b'{"prompt": "\xff"}', 400),
    ("POST", JSON, b'{"prompt": "' + b"x" * (2 * 1024 * 1024) + b'"}', 413),
    ("POST", JSON | {"Accept": "image/png"}, VALID, 406),
    ("POST", JSON | {"Accept": "text/event-stream;q=0, */*"}, VALID, 406),
    ("GET", {}, b"", 405),
    ("PUT", JSON, VALID, 405),
    ("DELETE", {}, b"", 405),
]


@pytest.mark.parametrize(("method", "headers", "body", "status"), REJECTIONS)
def test_rejected_requests_never_reach_upstream(
    proxy: Proxy,
    fake: FakeOllama,
    client: httpx.Client,
    method: str,
    headers: dict[str, str],
    body: bytes,
    status: int,
) -> None:
    """REQ-415-*, REQ-400-MALFORMED, REQ-406-ACCEPT, REQ-METHOD, REQ-ERROR-BODY."""
    before = fake.count()
    response = post(client, proxy.base, body, headers=headers, method=method)
    assert response.status_code == status
    assert response.headers["content-type"].startswith("application/json")
    assert isinstance(response.json()["error"], str)
    if status == 415:
        assert response.headers["accept-post"] == "application/json"
    if status == 405:
        assert response.headers["allow"] == "POST"
    assert fake.count() == before
    # still alive
    assert post(client, proxy.base, method="GET").status_code == 405


@pytest.mark.parametrize(
    "headers",
    [
        {"Content-Type": "Application/JSON; charset=utf-8"},
        {"Content-Type": "application/json", "Accept": "text/event-stream"},
        {"Content-Type": "application/json", "Accept": "text/*;q=0.5, image/png"},
    ],
)
def test_acceptable_variants_stream(
    proxy: Proxy, fake: FakeOllama, client: httpx.Client, headers: dict[str, str]
) -> None:
    """REQ-TYPE-PARAMS: media type parameters and case do not matter."""
    prompt, req = fake.prompt(Script((Write(chat_body(["ok"])),)))
    body = json.dumps({"prompt": prompt, "model": "llama3"}).encode()
    with client.stream(
        "POST", proxy.base + URL_PATH, content=body, headers=headers
    ) as response:
        stream = Stream(response.status_code, response.headers)
        list(stream_events(response, stream))
    assert_clean_finish(stream, ["ok"])
    exchange = fake.find(req)
    assert exchange is not None
    assert exchange.request == {
        "model": "llama3",
        "messages": [{"role": "user", "content": prompt}],
        "stream": True,
    }


def test_unknown_path_is_a_json_404(proxy: Proxy, client: httpx.Client) -> None:
    response = client.get(proxy.base + "/nope")
    assert response.status_code == 404
    assert "error" in response.json()


# --- CANCEL ------------------------------------------------------------------------
def test_client_abort_mid_stream_closes_upstream(
    proxy: Proxy, fake: FakeOllama, client: httpx.Client
) -> None:
    """CANCEL-MID-STREAM."""
    steps = spaced([Write(chat_line(f"t{i}")) for i in range(100)], 0.05)
    prompt, req = fake.prompt(Script(steps))
    with client.stream(
        "POST", proxy.base + URL_PATH, json={"prompt": prompt}
    ) as response:
        stream = Stream(response.status_code, response.headers)
        next(stream_events(response, stream))
    exchange = fake.wait_end(req, 3.0)
    assert exchange is not None
    assert exchange.end == "client-gone"


def test_client_abort_before_first_token_closes_upstream(
    proxy: Proxy, fake: FakeOllama, client: httpx.Client
) -> None:
    """CANCEL-BEFORE-FIRST-TOKEN."""
    prompt, req = fake.prompt(Script((Sleep(20), Write(chat_body(["late"])))))
    with client.stream("POST", proxy.base + URL_PATH, json={"prompt": prompt}):
        assert fake.wait_seen(req, 5.0)  # upstream has the request, is silent
    exchange = fake.wait_end(req, 3.0)
    assert exchange is not None
    assert exchange.end == "client-gone"


def test_slow_reader_does_not_buffer_without_bound(
    proxy: Proxy, fake: FakeOllama, client: httpx.Client
) -> None:
    """CANCEL-SLOW-READER: the proxy stops reading upstream, then gives up."""
    line = chat_line("x" * 4096)
    prompt, req = fake.prompt(Script((Flood(line, 50_000),)))  # ~200 MiB on offer
    with client.stream("POST", proxy.base + URL_PATH, json={"prompt": prompt}):
        exchange = fake.wait_end(req, 15.0)  # SLOW_CLIENT_SECONDS=2
    assert exchange is not None
    assert exchange.end == "client-gone"
    assert exchange.bytes_written < 50_000 * len(line) // 4


# --- IDLE --------------------------------------------------------------------------
def test_heartbeat_comments_during_silence(
    proxy: Proxy, fake: FakeOllama, client: httpx.Client
) -> None:
    """IDLE-HEARTBEAT, IDLE-HEARTBEAT-INVISIBLE (HEARTBEAT_SECONDS=1 here)."""
    prompt, _ = fake.prompt(Script((Sleep(2.5), Write(chat_body(["late"])))))
    stream = collect(client, proxy.base, prompt)
    assert_clean_finish(stream, ["late"])
    assert stream.comments
    assert set(stream.comments) == {"ping"}
    assert stream.raw.startswith(b": ping\n\n")


@pytest.mark.parametrize(
    "kind", ["starlette", pytest.param("node", marks=pytest.mark.needs_node)]
)
def test_upstream_down_is_a_prompt_502(client: httpx.Client, kind: str) -> None:
    """END-UPSTREAM-DOWN: nothing listens upstream -> 502 JSON, before any 200."""
    dead = f"http://127.0.0.1:{free_port()}"
    with running_proxy(proxy_argv(kind), dead, TEST_ENV) as proxy:
        started = time.monotonic()
        response = post(client, proxy.base, prompt="hi", headers=JSON)
        assert time.monotonic() - started < 3.0
    assert response.status_code == 502
    assert response.headers["content-type"].startswith("application/json")
    assert "cannot reach upstream" in response.json()["error"]
