"""The matrix model, the judge and the verdict (pure)."""

from __future__ import annotations

import json

from harness.compat.drivers import CLIENTS, Seen, Stream, fits, judge, method_for
from harness.compat.model import (
    Matrix,
    MatrixCell,
    TargetInfo,
    to_html,
    to_json,
    to_markdown,
)
from harness.compat.node_drivers import parse_result
from harness.compat.stream import chat_lines, expected_text, generate_lines
from harness.compat.verdict import say
from harness.probe.dialects import make_dialect

SEED = make_dialect("token-json")


def cell(**kw: object) -> MatrixCell:
    base = dict(
        client="c",
        target="t",
        layer="direct",
        events=3,
        tokens=3,
        text_ok=True,
        error=None,
        first_token_ms=1.0,
        reconnected=False,
    )
    return MatrixCell(**{**base, **kw})  # type: ignore[arg-type]


def test_red_when_text_differs_raised_or_saw_nothing():
    assert not cell().red
    assert cell(text_ok=False).red
    assert cell(error="boom").red
    assert cell(events=0, tokens=0).red


def test_judge_reads_tokens_the_dialect_way_and_times_the_first():
    seen = Seen(
        events=(
            ("message", '{"token": "a"}', 5.0),
            ("message", '{"token": " b"}', 9.0),
            ("message", '{"finished": true}', 10.0),
        )
    )
    c = judge(seen, SEED, "a b", client="x", target="p")
    assert (c.events, c.tokens, c.text_ok, c.error, c.first_token_ms) == (
        3,
        2,
        True,
        None,
        5.0,
    )


def test_an_empty_message_is_the_apps_json_parse_error():
    seen = Seen(events=(("message", '{"token": "a"}', 1.0), ("message", "", 2.0)))
    c = judge(seen, SEED, "a", client="x", target="p")
    assert c.red and "JSON.parse" in (c.error or "")


def test_text_difference_is_located_in_the_note():
    seen = Seen(events=(("message", '{"token": "ab"}', 1.0),))
    c = judge(seen, SEED, "ac", client="x", target="p")
    assert not c.text_ok and "char 1" in c.note


def test_sdk_events_are_token_texts():
    seen = Seen(events=(("chunk", "a", 1.0), ("chunk", "", 2.0)), sdk=True)
    c = judge(seen, SEED, "a", client="ollama-python", target="d")
    assert c.tokens == 1 and c.text_ok


def test_fit_rules():
    proxy = Stream("p", "http://x/", "sse", "token-json")
    direct = Stream(
        "d", "http://x/api/generate", "ndjson", "ollama", endpoint="generate"
    )
    assert not fits(CLIENTS["ollama-python"], proxy)
    assert fits(CLIENTS["ollama-python"], direct)
    assert fits(CLIENTS["react-native-sse"], direct)
    assert not fits(CLIENTS["openai-python"], proxy)
    assert not fits(CLIENTS["chromium-eventsource"], proxy)
    with_get = Stream("p", "http://x/", "sse", "token-json", get_url="http://x/")
    assert method_for(CLIENTS["chromium-eventsource"], with_get) == "GET"
    assert method_for(CLIENTS["eventsource"], with_get) == "POST"


def test_renderers():
    m = Matrix(
        (TargetInfo("p", "http://x/", "POST"),),
        (cell(client="a", target="p"), cell(client="b", target="p", events=0)),
    )
    doc = json.loads(to_json(m))
    assert doc["targets"] == [{"name": "p", "url": "http://x/", "method": "POST"}]
    assert {c["client"]: c["red"] for c in doc["cells"]} == {"a": False, "b": True}
    md = to_markdown(m)
    assert (
        "| a | ok (3 tokens, first 1 ms) |" in md
        and "**RED**: 0 events, no error" in md
    )
    assert "ignored silently" in say(cell(events=0, tokens=0))
    html = to_html(m)
    assert '<td class="red"' in html and '<td class="ok"' in html


def test_stream_mixes_injection_and_multilingual():
    text = expected_text()
    assert "\n\n" in text and "\r" in text and "\u2028" in text and "🌍" in text
    assert len(chat_lines()) == len(generate_lines())
    assert b'"response":"\\n\\n"' in b"".join(generate_lines())


def test_node_result_line_survives_u2028_and_garbage():
    line = "@@sse-harness-result " + json.dumps(
        {"events": [["message", "a\u2028b", 1]], "error": None}, ensure_ascii=False
    )
    seen = parse_result("warn\n" + line + "\n", sdk=False, timed_out=False, timeout_s=1)
    assert seen.events == (("message", "a\u2028b", 1.0),)
    assert "timeout" in (
        parse_result("", sdk=False, timed_out=True, timeout_s=1).error or ""
    )
    assert "crashed" in (
        parse_result("boom\n", sdk=False, timed_out=False, timeout_s=1).error or ""
    )


def test_a_renamed_client_is_still_accepted_under_its_old_name():
    from harness.compat.run import select_clients

    assert select_clients(["chromium-seed-hook"]) == ("chromium-nextjs-hook",)
    assert "chromium-seed-hook" not in CLIENTS
