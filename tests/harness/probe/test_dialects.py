"""Dialects read tokens, the completion and errors out of events: token-json (and its
``seed`` alias), openai, ollama, a user's ``module:function``, and bad specs as usage
errors."""

from __future__ import annotations

import pytest

from harness.errors import UsageError
from harness.probe.dialects import Kind, make_dialect
from harness.sse import Event


def ev(data: str, type_: str = "message") -> Event:
    return Event(type=type_, data=data, last_event_id="", retry=None, start=0, end=0)


def kinds(
    dialect: str, data: str, type_: str = "message", **kw: str
) -> list[tuple[Kind, str]]:
    return [
        (r.kind, r.text) for r in make_dialect(dialect, **kw).classify(ev(data, type_))
    ]


def test_token_json_token_done_error():
    assert kinds("token-json", '{"token": "a\\nb"}') == [(Kind.TOKEN, "a\nb")]
    assert kinds("token-json", '{"finished": true}') == [(Kind.DONE, "")]
    assert kinds("token-json", '{"error": "boom"}') == [(Kind.ERROR, "boom")]
    assert kinds("token-json", '{"error": "x"}', "error") == [(Kind.ERROR, "x")]
    assert kinds("token-json", "not json", "error") == [(Kind.ERROR, "not json")]
    assert kinds("token-json", "plain text")[0][0] is Kind.OTHER


def test_token_json_custom_keys():
    assert kinds("token-json", '{"t": "x"}', token_key="t", done_key="f") == [
        (Kind.TOKEN, "x")
    ]
    assert kinds("token-json", '{"f": true}', token_key="t", done_key="f") == [
        (Kind.DONE, "")
    ]


def test_openai():
    chunk = (
        '{"choices": [{"index": 0, "delta": {"content": "hi"}, "finish_reason": null}]}'
    )
    assert kinds("openai", chunk) == [(Kind.TOKEN, "hi")]
    assert kinds("openai", "[DONE]") == [(Kind.DONE, "")]
    assert kinds("openai", '{"error": {"message": "bad"}}') == [(Kind.ERROR, "bad")]
    assert kinds("openai", '{"choices": []}')[0][0] is Kind.OTHER


def test_ollama():
    assert kinds(
        "ollama", '{"message": {"role": "assistant", "content": "x"}, "done": false}'
    ) == [(Kind.TOKEN, "x")]
    assert kinds("ollama", '{"response": "", "done": true}') == [(Kind.DONE, "")]
    assert kinds("ollama", '{"error": "e"}') == [(Kind.ERROR, "e")]


def test_bodies():
    assert make_dialect("token-json").body("p", None) == {"prompt": "p"}
    assert make_dialect("token-json").body("p", "m") == {"prompt": "p", "model": "m"}
    body = make_dialect("openai").body("p", "m")
    assert body["stream"] is True and body["messages"][0]["content"] == "p"


def test_custom_dialect(tmp_path, monkeypatch):
    (tmp_path / "mydialect.py").write_text(
        "def classify(event):\n"
        "    if event.data == 'END':\n"
        "        return [('done', None)]\n"
        "    return [('token', event.data)]\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    assert kinds("mydialect:classify", "abc") == [(Kind.TOKEN, "abc")]
    assert kinds("mydialect:classify", "END") == [(Kind.DONE, "")]


@pytest.mark.parametrize("spec", ["nosuchmodule:f", "json:nosuchattr", "justaname"])
def test_bad_custom_dialect_is_a_usage_error(spec):
    with pytest.raises(UsageError, match="--dialect"):
        make_dialect(spec)


def test_seed_is_an_alias_of_token_json():
    dialect = make_dialect("seed", token_key="t")
    assert dialect.name == "token-json"
    assert kinds("seed", '{"token": "x"}') == kinds("token-json", '{"token": "x"}')
