"""proxies.starlette_proxy.translate: NDJSON bytes in, seed-dialect SSE bytes out."""

from __future__ import annotations

import itertools
import json

import pytest
from hypothesis import given, strategies as st

from proxies.starlette_proxy.defects import CORRECT, behaviour_for
from proxies.starlette_proxy.events import FINISHED, error_event, token_event
from proxies.starlette_proxy.translate import (
    Translator,
    chat_request_body,
    status_error_text,
)


def line(content: str, *, done: bool = False) -> bytes:
    value = {
        "model": "m",
        "message": {"role": "assistant", "content": content},
        "done": done,
    }
    return json.dumps(value, ensure_ascii=False).encode() + b"\n"


def body(tokens: list[str], *, done: bool = True) -> bytes:
    return b"".join(line(t) for t in tokens) + (line("", done=True) if done else b"")


def run(pieces: list[bytes], defect: str | None = None, *, eof: bool = True) -> bytes:
    translator = Translator(behaviour_for(defect))
    out = [chunk for piece in pieces for chunk in translator.feed(piece)]
    if eof:
        out += translator.eof()
    return b"".join(out)


def expected(tokens: list[str]) -> bytes:
    return b"".join(token_event(t) for t in tokens if t) + FINISHED


@given(
    tokens=st.lists(st.text(), max_size=6),
    offsets=st.lists(st.integers(min_value=0), max_size=30),
)
def test_cuts_never_change_the_output(tokens: list[str], offsets: list[int]) -> None:
    data = body(tokens)
    bounds = [0, *sorted({o % (len(data) + 1) for o in offsets}), len(data)]
    pieces = [data[a:b] for a, b in itertools.pairwise(bounds)]
    assert run(pieces) == expected(tokens)


def test_done_ends_the_stream_and_later_lines_are_ignored() -> None:
    translator = Translator(CORRECT)
    assert translator.feed(body(["a"]) + line("after")) == [token_event("a"), FINISHED]
    assert translator.over
    assert translator.feed(line("more")) == []
    assert translator.eof() == []


def test_error_line_is_an_error_event_and_the_end() -> None:
    out = run([line("a") + b'{"error":"boom"}\n' + line("b")])
    assert out == token_event("a") + error_event("boom")


def test_eof_without_done() -> None:
    assert run([body(["a"], done=False)]) == token_event("a") + error_event(
        "upstream ended without done"
    )


def test_eof_mid_line() -> None:
    out = run([line("a") + line("b")[:10]])
    assert out == token_event("a") + error_event("upstream ended mid-line")


def test_final_line_without_newline_still_counts() -> None:
    assert run([body(["a"])[:-1]]) == expected(["a"])


def test_broken_connection() -> None:
    translator = Translator(CORRECT)
    translator.feed(line("a"))
    assert translator.broken("ReadError") == [
        error_event("upstream connection failed: ReadError")
    ]
    assert translator.broken("again") == []


def test_malformed_line_is_an_error() -> None:
    out = run([line("a") + b"\x00garbage\n" + line("b")])
    assert out.startswith(token_event("a") + b"event: error\n")
    assert b"not JSON" in out
    assert token_event("b") not in out


@pytest.mark.parametrize(
    ("defect", "data", "out"),
    [
        ("swallow-error", line("a") + b'{"error":"x"}\n', token_event("a") + FINISHED),
        ("no-done", body(["a"]), token_event("a")),
        ("fabricate-done", line("a") + line("b")[:5], token_event("a") + FINISHED),
        ("raw-data", body(["a\nb"]), b'data: {"token": "a\nb"}\n\n' + FINISHED),
    ],
)
def test_defects(defect: str, data: bytes, out: bytes) -> None:
    assert run([data], defect) == out


def test_buffer_all_holds_everything_until_the_end() -> None:
    translator = Translator(behaviour_for("buffer-all"))
    assert translator.feed(line("a")) == []
    assert translator.feed(line("b")) == []
    assert translator.feed(line("", done=True)) == [
        token_event("a") + token_event("b") + FINISHED
    ]


def test_per_read_json_drops_cut_lines() -> None:
    data = body(["a", "b"])
    cut = data.index(b"\n") + 5
    assert run([data[:cut], data[cut:]], "per-read-json") == token_event("a") + FINISHED


def test_per_read_utf8_corrupts_cut_characters() -> None:
    data = body(["é"])
    cut = data.index("é".encode()) + 1
    assert run([data[:cut], data[cut:]], "per-read-utf8") == expected(["\ufffd\ufffd"])


def test_chat_request_body() -> None:
    assert json.loads(chat_request_body("hi [[mock: req=a]] é", "m")) == {
        "model": "m",
        "messages": [{"role": "user", "content": "hi [[mock: req=a]] é"}],
        "stream": True,
    }
    assert b"[[mock: req=a]]" in chat_request_body("hi [[mock: req=a]]", "m")


@pytest.mark.parametrize(
    ("status", "raw", "text"),
    [
        (
            404,
            b'{"error":"model \'m\' not found"}',
            "upstream status 404: model 'm' not found",
        ),
        (500, b"oops", "upstream status 500: oops"),
        (503, b"", "upstream status 503"),
    ],
)
def test_status_error_text(status: int, raw: bytes, text: str) -> None:
    assert status_error_text(status, raw) == text
