"""The served mock on the wire: loopback, Ollama's head bytes, reads timed and split as planned."""

from __future__ import annotations

import logging
import re
import time
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from mock_ollama.cli import build_parser
from mock_ollama.scenario.catalog import load_bundled
from mock_ollama.server.serve import DEFAULT_HOST
from tests.tools import wait_until

from .wire import post

Served = tuple[str, Starlette]

BUNDLED = load_bundled()


def _chat(prompt: str) -> dict[str, object]:
    return {"model": "qwen2.5:7b", "messages": [{"role": "user", "content": prompt}]}


def _exchanges(url: str, req: str, until: str | None = None) -> dict[str, Any]:

    def reached() -> dict[str, Any] | None:
        found = httpx.get(
            f"{url}/_mock/exchanges", params={"req": req}, timeout=5
        ).json()
        if found and (until is None or found[0]["end"] == until):
            return dict(found[0])
        return None

    exchange = wait_until(reached, 10, 0.02)
    assert exchange is not None, f"exchange {req} never reached {until}"
    return exchange


def test_binds_loopback_by_default(served: Served) -> None:
    url, _ = served
    assert url.startswith("http://127.0.0.1:")
    assert DEFAULT_HOST == "127.0.0.1"
    assert build_parser().parse_args(["serve"]).host == "127.0.0.1"


def test_head_bytes_are_ollamas(served: Served) -> None:
    url, _ = served
    wire = post(
        url, "/api/chat", _chat("[[mock: timing=zero]]"), read_until_close=False
    )
    assert re.fullmatch(
        rb"HTTP/1\.1 200 OK\r\nContent-Type: application/x-ndjson\r\n"
        rb"Date: \w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d GMT\r\n"
        rb"Transfer-Encoding: chunked\r\n\r\n",
        wire.head,
    )
    body = b"".join(c for group in wire.chunks_per_read() for c in group)
    assert body == BUNDLED["seed-deepseek"].body


def test_headers_wait_for_the_first_line(served: Served) -> None:
    url, _ = served
    wire = post(
        url,
        "/api/chat",
        _chat("[[mock: timing=zero header-delay=300 req=hd]]"),
        read_until_close=False,
    )
    # asyncio never wakes early: nothing at all can arrive before the delay
    assert wire.reads[0][0] >= 0.29
    ex = _exchanges(url, "hd")
    assert ex["head_ns"] - ex["received_ns"] >= 300_000_000
    assert ex["head_ns"] <= ex["writes"][0]["t_ns"]


@pytest.mark.parametrize(
    ("fragment", "scenario"), [("bytes:1", "tool-call"), ("utf8", "multilingual")]
)
def test_fragments_arrive_as_separate_reads(
    served: Served, fragment: str, scenario: str
) -> None:
    url, _ = served
    marker = f"[[mock: scenario={scenario} timing=fixed:5 fragment={fragment} gap=3]]"
    wire = post(url, "/api/chat", _chat(marker), read_until_close=False)
    groups = [g for g in wire.chunks_per_read() if g]
    body = b"".join(c for g in groups for c in g)
    assert body == BUNDLED[scenario].body
    single = sum(1 for g in groups if len(g) == 1)
    assert single >= 0.8 * len(groups)  # the kernel kept the writes apart
    if fragment == "utf8":
        undecodable = 0
        for g in groups:
            try:
                g[0].decode("utf-8")
            except UnicodeDecodeError:
                undecodable += 1
        assert undecodable >= 20  # reads that end or start inside a character
    else:
        assert max(len(c) for g in groups for c in g) == 1


def test_cut_closes_without_terminator_and_quietly(
    served: Served, caplog: pytest.LogCaptureFixture
) -> None:
    url, _ = served
    caplog.set_level(logging.DEBUG)
    wire = post(
        url,
        "/api/chat",
        _chat("[[mock: scenario=qwen-chat timing=zero fault=cut-at:3 req=cut]]"),
    )
    assert not wire.raw.endswith(b"0\r\n\r\n")
    body = b"".join(c for g in wire.chunks_per_read() for c in g)
    lines = BUNDLED["qwen-chat"].lines
    assert body == b"".join(lines[:3]) + lines[3][: (len(lines[3]) - 1) // 2]
    assert _exchanges(url, "cut")["end"] == "cut"
    assert not [r for r in caplog.records if "without completing" in r.getMessage()]


@pytest.mark.parametrize(
    ("fault", "before_first"), [("stall:2:inf", False), ("stall:0:inf", True)]
)
def test_client_going_away_is_logged(
    served: Served, fault: str, before_first: bool
) -> None:
    url, _ = served
    req = "gone0" if before_first else "gone2"
    marker = f"[[mock: scenario=qwen-chat timing=zero fault={fault} req={req}]]"
    with httpx.Client(timeout=10) as client:
        if before_first:  # nothing ever comes: give up waiting for the headers
            with pytest.raises(httpx.ReadTimeout):
                client.post(f"{url}/api/chat", json=_chat(marker), timeout=0.3)
        else:  # read the first line, then hang up
            with client.stream("POST", f"{url}/api/chat", json=_chat(marker)) as r:
                assert next(r.iter_lines())
    closed_at = time.perf_counter_ns()
    ex = _exchanges(url, req, until="client-gone")
    assert ex["client_gone_ns"] >= ex["received_ns"]
    assert ex["client_gone_ns"] - closed_at < 2_000_000_000
    assert (ex["head_ns"] is None) == before_first


def test_in_process_log_is_the_control_log(served: Served) -> None:
    url, app = served
    httpx.get(f"{url}/api/version", timeout=5)
    live = app.state.exchange_log.exchanges()[-1]
    # the server thread may not have logged the end yet when the client has the body
    wait_until(lambda: live.end != "running", 5)
    assert (live.path, live.status, live.end) == ("/api/version", 200, "complete")
    assert live.to_json() in app.state.exchange_log.snapshot()
