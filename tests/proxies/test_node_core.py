"""proxies/node_proxy/core.mjs agrees with the Python core on the same inputs."""

from __future__ import annotations

import json
import subprocess
from typing import Any

import httpx
import pytest

from proxies.starlette_proxy.defects import CORRECT
from proxies.starlette_proxy.translate import Translator
from proxies.starlette_proxy.validate import (
    Rejection,
    accepts_event_stream,
    check_content_type,
    parse_body,
)
from tests.proxies.proxy_process import ROOT
from tests.proxies.sse_client import SseParser, Stream
from tests.tools import require_tool

pytestmark = pytest.mark.needs_node

ACCEPTS = [
    None, "", "*/*", "text/*", "text/event-stream", "Text/Event-Stream; q=0.5",
    "application/json, */*;q=0.1", "image/png", "text/event-stream;q=0",
    "text/event-stream;q=0, */*", "text/*;q=0, text/event-stream", "*/*;q=nonsense",
]  # fmt: skip
TYPES = [None, "application/json", "Application/JSON; charset=utf-8", "text/plain", ""]
BODIES = [
    '{"prompt": "hi"}', '{"prompt": "hi", "model": "m"}', "{", "[]", '{"prompt": 1}',
    '{"prompt": "x", "model": 3}', "",
]  # fmt: skip
STREAMS = [
    '{"message":{"content":"a"}}\n{"message":{"content":"b\\n\\n"},"done":true}\n',
    '{"message":{"content":"é😀"}}\n{"error":"boom"}\n{"message":{"content":"z"}}\n',
    '{"message":{"content":"a"}}\n{"mess',
    '{"message":{"content":"a"}}\nnot json\n',
    '{"message":{"content":"a"}}\n',
]

SCRIPT = """
import { acceptsEventStream, admitHead, parseBody, Translator } from "./core.mjs";
const input = JSON.parse(process.argv[1]);
const feed = (text, size) => {
  const bytes = Buffer.from(text, "utf-8"), t = new Translator(), out = [];
  for (let i = 0; i < bytes.length; i += size) {
    out.push(...t.feed(bytes.subarray(i, i + size)));
  }
  out.push(...t.eof());
  return out.join("");
};
console.log(JSON.stringify({
  accepts: input.accepts.map((a) => acceptsEventStream(a ?? undefined)),
  types: input.types.map((t) => {
    const r = admitHead("POST", t === null ? {} : { "content-type": t });
    return r === null ? null : r[0];
  }),
  bodies: input.bodies.map((b) => {
    const r = parseBody(Buffer.from(b));
    return Array.isArray(r) ? r[0] : r;
  }),
  streams: input.streams.map((s) => [1, 3, 1000].map((n) => feed(s, n))),
}));
"""


def python_translation(text: str) -> str:
    translator = Translator(CORRECT)
    return b"".join([*translator.feed(text.encode()), *translator.eof()]).decode()


@pytest.fixture(scope="module")
def node_results() -> dict[str, Any]:
    node = require_tool("node")
    payload = {"accepts": ACCEPTS, "types": TYPES, "bodies": BODIES, "streams": STREAMS}
    result = subprocess.run(
        [node, "--input-type=module", "-e", SCRIPT, json.dumps(payload)],
        cwd=ROOT / "proxies" / "node_proxy",
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    results: dict[str, Any] = json.loads(result.stdout)
    return results


def test_accept_rules_agree(node_results: dict[str, Any]) -> None:
    assert node_results["accepts"] == [accepts_event_stream(a) for a in ACCEPTS]


def test_content_type_rules_agree(node_results: dict[str, Any]) -> None:
    python = [None if (r := check_content_type(t)) is None else r.status for t in TYPES]
    assert node_results["types"] == python


def test_body_rules_agree(node_results: dict[str, Any]) -> None:
    python = []
    for body in BODIES:
        verdict = parse_body(body.encode())
        python.append(
            verdict.status
            if isinstance(verdict, Rejection)
            else {"prompt": verdict.prompt, "model": verdict.model}
        )
    assert node_results["bodies"] == python


def events(sse: str) -> list[tuple[str, Any]]:
    """(type, data) of each event; an error's wording is left out."""
    stream = Stream(200, httpx.Headers())
    SseParser(stream).feed(sse.encode(), 0.0)
    assert stream.tail == b""
    return [(e.type, None if e.type == "error" else e.json()) for e in stream.events]


def test_translations_agree_except_error_wording(node_results: dict[str, Any]) -> None:
    for text, outputs in zip(STREAMS, node_results["streams"], strict=True):
        expected = events(python_translation(text))
        assert [events(output) for output in outputs] == [expected] * len(outputs)
