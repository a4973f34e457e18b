"""Each ``--defect`` variant shows the symptom of its target check; the correct proxy
does not. One symptom function per defect, run against both, proves the symptom is
what tells them apart.
"""

from __future__ import annotations

import json
import zlib
from typing import TYPE_CHECKING

import pytest

from proxies.starlette_proxy.defects import DEFECTS
from tests.proxies.fake_upstream import (
    Cut,
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
from tests.proxies.proxy_process import (
    TEST_ENV,
    free_port,
    proxy_argv,
    running_proxy,
)
from tests.proxies.sse_client import URL_PATH, Stream, collect, post, stream_events

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    import httpx

    from tests.proxies.fake_upstream import FakeOllama
    from tests.proxies.proxy_process import Proxy

    Symptom = Callable[[Proxy, FakeOllama, httpx.Client], bool]

TRICKY = ["a\n\nb", "data: x", "\r\nevent: y", "é😀"]
GAP = 0.002
HOLD = 1.5  # how long the upstream waits for the test to have seen something


def _gated(
    proxy: Proxy, fake: FakeOllama, client: httpx.Client, *, before: bool
) -> bool:
    """Whether the proxy held back what the client needed to open the gate: the
    headers (``before``: gate before the first token) or the first token."""
    gate = fake.gate()
    tokens = (Write(chat_line("first")),) if not before else ()
    steps = (*tokens, Gate(gate, HOLD), Write(chat_body(["last"])))
    prompt, req = fake.prompt(Script(steps))
    with client.stream(
        "POST", proxy.base + URL_PATH, json={"prompt": prompt}
    ) as response:
        if before:
            fake.release(gate)
        stream = Stream(response.status_code, response.headers)
        for event in stream_events(response, stream):
            if event.data == '{"token": "first"}':
                fake.release(gate)
    exchange = fake.wait_end(req, 5)
    assert exchange is not None
    assert stream.tokens == ([] if before else ["first"]) + ["last"]
    return not exchange.gates[gate]


def headers_held(proxy: Proxy, fake: FakeOllama, client: httpx.Client) -> bool:
    return _gated(proxy, fake, client, before=True)


def first_token_held(proxy: Proxy, fake: FakeOllama, client: httpx.Client) -> bool:
    return _gated(proxy, fake, client, before=False)


def gzip_buffers(proxy: Proxy, fake: FakeOllama, client: httpx.Client) -> bool:
    """Compressed, and the first token cannot be decoded before the end."""
    gate = fake.gate()
    steps = (Write(chat_line("first")), Gate(gate, HOLD), Write(chat_body(["last"])))
    prompt, req = fake.prompt(Script(steps))
    headers = {"Accept-Encoding": "gzip"}
    body = {"prompt": prompt}
    with client.stream(
        "POST", proxy.base + URL_PATH, json=body, headers=headers
    ) as response:
        encoded = response.headers.get("content-encoding") == "gzip"
        decoder = zlib.decompressobj(wbits=31) if encoded else None
        text = b""
        for chunk in response.iter_raw():
            text += decoder.decompress(chunk) if decoder else chunk
            if b"first" in text:
                fake.release(gate)
    exchange = fake.wait_end(req, 5)
    assert exchange is not None
    assert text.endswith(b'data: {"finished": true}\n\n')
    return encoded and not exchange.gates[gate]


def tokens_mangled_by(cuts: Callable[[bytes], tuple[Write, ...]]) -> Symptom:
    def symptom(proxy: Proxy, fake: FakeOllama, client: httpx.Client) -> bool:
        tokens = ["Hé", "llo", " wörld", "😀", "中文"]
        prompt, _ = fake.prompt(Script(spaced(cuts(chat_body(tokens)), GAP)))
        stream = collect(client, proxy.base, prompt)
        return stream.tokens != tokens or not stream.finished

    return symptom


def injection_breaks_events(
    proxy: Proxy, fake: FakeOllama, client: httpx.Client
) -> bool:
    prompt, _ = fake.prompt(Script((Write(chat_body(TRICKY)),)))
    stream = collect(client, proxy.base, prompt)
    try:
        return stream.tokens != TRICKY or len(stream.events) != len(TRICKY) + 1
    except ValueError:  # a data field that is no longer JSON
        return True


def accepts_text_plain(proxy: Proxy, fake: FakeOllama, client: httpx.Client) -> bool:
    prompt, _ = fake.prompt(Script((Write(chat_body(["ok"])),)))
    body = json.dumps({"prompt": prompt}).encode()
    response = post(client, proxy.base, body, headers={"Content-Type": "text/plain"})
    return response.status_code != 415


def upstream_outlives_client(
    proxy: Proxy, fake: FakeOllama, client: httpx.Client
) -> bool:
    steps = spaced([Write(chat_line(f"t{i}")) for i in range(40)], 0.1)
    prompt, req = fake.prompt(Script(steps))
    with client.stream(
        "POST", proxy.base + URL_PATH, json={"prompt": prompt}
    ) as response:
        next(stream_events(response, Stream(response.status_code, response.headers)))
    exchange = fake.wait_end(req, HOLD)
    assert exchange is not None
    return exchange.end == "running"


def error_line_completes(proxy: Proxy, fake: FakeOllama, client: httpx.Client) -> bool:
    steps = (Write(chat_line("a")), Write(b'{"error":"boom"}\n'))
    prompt, _ = fake.prompt(Script(steps))
    stream = collect(client, proxy.base, prompt)
    return stream.finished or not stream.errors


def truncation_completes(proxy: Proxy, fake: FakeOllama, client: httpx.Client) -> bool:
    steps = (Write(chat_line("a") + chat_line("b")[:9]), Cut())
    prompt, _ = fake.prompt(Script(steps))
    return collect(client, proxy.base, prompt).finished


def never_finishes(proxy: Proxy, fake: FakeOllama, client: httpx.Client) -> bool:
    prompt, _ = fake.prompt(Script((Write(chat_body(["a", "b"])),)))
    stream = collect(client, proxy.base, prompt)
    assert stream.tokens == ["a", "b"]
    return not stream.finished


def token_after_finished(proxy: Proxy, fake: FakeOllama, client: httpx.Client) -> bool:
    prompt, _ = fake.prompt(Script((Write(chat_body(["a", "b"])),)))
    stream = collect(client, proxy.base, prompt)
    seen = [e.json() for e in stream.events if e.type == "message"]
    done = next((i for i, e in enumerate(seen) if e.get("finished")), len(seen))
    return any("token" in e for e in seen[done + 1 :])


def down_answered_200(proxy: Proxy, fake: FakeOllama, client: httpx.Client) -> bool:
    """A second instance of the same proxy, its upstream a port nothing listens on."""
    dead = f"http://127.0.0.1:{free_port()}"
    argv = [str(arg) for arg in proxy.process.args]  # type: ignore[union-attr]
    with running_proxy(argv, dead, TEST_ENV) as down:
        stream = collect(client, down.base, "hi")
    errors = [e for e in stream.events if e.type == "error"]
    return stream.status == 200 and bool(errors)


def header_symptom(check: Callable[[httpx.Headers], bool]) -> Symptom:
    def symptom(proxy: Proxy, fake: FakeOllama, client: httpx.Client) -> bool:
        prompt, _ = fake.prompt(Script((Write(chat_body(["a"])),)))
        stream = collect(
            client, proxy.base, prompt, headers={"Accept-Encoding": "identity"}
        )
        return check(stream.headers)

    return symptom


def silent_during_silence(proxy: Proxy, fake: FakeOllama, client: httpx.Client) -> bool:
    prompt, _ = fake.prompt(Script((Sleep(1.6), Write(chat_body(["late"])))))
    stream = collect(client, proxy.base, prompt)
    assert stream.tokens == ["late"]
    return not stream.comments


def _utf8_cuts(body: bytes) -> tuple[Write, ...]:
    return cut_at(body, [i + 1 for i, byte in enumerate(body) if byte >= 0xC0])


SYMPTOMS: dict[str, Symptom] = {
    "buffer-all": first_token_held,
    "raw-data": injection_breaks_events,
    "per-read-json": tokens_mangled_by(lambda body: every(body, 7)),
    "per-read-utf8": tokens_mangled_by(_utf8_cuts),
    "no-415": accepts_text_plain,
    "no-abort": upstream_outlives_client,
    "swallow-error": error_line_completes,
    "wrong-content-type": header_symptom(
        lambda h: not h["content-type"].lower().startswith("text/event-stream")
    ),
    "no-done": never_finishes,
    "no-accel": header_symptom(lambda h: h.get("x-accel-buffering") != "no"),
    "gzip": gzip_buffers,
    "no-heartbeat": silent_during_silence,
    "late-headers": headers_held,
    "content-length": header_symptom(lambda h: "content-length" in h),
    "fabricate-done": truncation_completes,
    "token-after-done": token_after_finished,
    "down-as-event": down_answered_200,
}


def test_every_defect_has_a_symptom() -> None:
    assert set(SYMPTOMS) == set(DEFECTS)


@pytest.fixture(scope="module")
def correct(fake: FakeOllama) -> Iterator[Proxy]:
    with running_proxy(proxy_argv("starlette"), fake.url, TEST_ENV) as proxy:
        yield proxy


@pytest.mark.parametrize("defect", sorted(SYMPTOMS))
def test_defect_shows_its_symptom(
    fake: FakeOllama, client: httpx.Client, correct: Proxy, defect: str
) -> None:
    symptom = SYMPTOMS[defect]
    assert not symptom(correct, fake, client), "the correct proxy shows the symptom"
    argv = proxy_argv("starlette", "--defect", defect)
    with running_proxy(argv, fake.url, TEST_ENV) as broken:
        assert symptom(broken, fake, client), f"--defect {defect} hides its symptom"
