"""Binding a body like Ollama's ``ShouldBindJSON``: Go's errors, its depth limit, no exception."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings, strategies as st

from mock_ollama.go.decode import decode, decode_error
from mock_ollama.go.fields import REQUEST_FIELDS

STRUCT, FIELDS = REQUEST_FIELDS["/api/chat"]


# (body, Ollama's 400 text) as Go's encoding/json Decoder reports them
GOLDEN = [
    (b"", "missing request body"),
    (b" \n\t", "missing request body"),
    (b"{", "unexpected EOF"),
    (b'{"model":"m"', "unexpected EOF"),
    (b"{b}", "invalid character 'b' looking for beginning of object key string"),
    (b"not json", "invalid character 'o' in literal null (expecting 'u')"),
    (b"hello", "invalid character 'h' looking for beginning of value"),
    (b'{"a":1,}', "invalid character '}' looking for beginning of object key string"),
    (b'{"a" 1}', "invalid character '1' after object key"),
    (b'{"a":1 "b":2}', "invalid character '\"' after object key:value pair"),
    (b"[1 2]", "invalid character '2' after array element"),
    (b'{"a":"\x01"}', "invalid character '\\x01' in string literal"),
    (b'{"a":"\n"}', "invalid character '\\n' in string literal"),
    (b'{"a":"\\q"}', "invalid character 'q' in string escape code"),
    (b'{"a":"\\u12g4"}', "invalid character 'g' in \\u hexadecimal character escape"),
    (b'{"a":-x}', "invalid character 'x' in numeric literal"),
    (b'{"a":1.}', "invalid character '}' after decimal point in numeric literal"),
    (b'{"a":1e}', "invalid character '}' in exponent of numeric literal"),
    (b"\xff", "invalid character 'ÿ' looking for beginning of value"),
    (b"'x'", "invalid character '\\'' looking for beginning of value"),
    (b"[" * 10001, "invalid character '[' exceeded max depth"),
    (b"[1]", "json: cannot unmarshal array into Go value of type api.ChatRequest"),
    (b'"s"', "json: cannot unmarshal string into Go value of type api.ChatRequest"),
    (b"42", "json: cannot unmarshal number into Go value of type api.ChatRequest"),
    (b"true", "json: cannot unmarshal bool into Go value of type api.ChatRequest"),
    (
        b'{"model":5}',
        "json: cannot unmarshal number into Go struct field ChatRequest.model "
        "of type string",
    ),
    (
        b'{"Model":true}',
        "json: cannot unmarshal bool into Go struct field ChatRequest.model "
        "of type string",
    ),
    (
        b'{"stream":"yes"}',
        "json: cannot unmarshal string into Go struct field ChatRequest.stream "
        "of type bool",
    ),
    (
        b'{"messages":{}}',
        "json: cannot unmarshal object into Go struct field "
        "ChatRequest.messages of type []api.Message",
    ),
]


@pytest.mark.parametrize(("body", "text"), GOLDEN)
def test_decode_errors_match_go(body: bytes, text: str) -> None:
    assert decode_error(body, STRUCT, FIELDS) == text


@pytest.mark.parametrize(
    "body",
    [
        b"null",
        b'{"model":"m"}',
        b'{"model":"m"} trailing bytes ignored',
        b"{}",
        b'{"model":null,"stream":null}',
        b'{"unknown":[1,{"x":[]}]}',
    ],
)
def test_decode_accepts_what_go_accepts(body: bytes) -> None:
    assert decode_error(body, STRUCT, FIELDS) is None


@settings(deadline=None)
@given(st.binary(max_size=300))
def test_decode_error_never_raises(body: bytes) -> None:
    result = decode_error(body, STRUCT, FIELDS)
    assert result is None or (isinstance(result, str) and result)


@settings(deadline=None)
@given(st.dictionaries(st.text(max_size=8), st.integers() | st.text() | st.none()))
def test_valid_json_objects_only_fail_on_typed_fields(obj: dict[str, object]) -> None:
    result = decode_error(json.dumps(obj).encode(), STRUCT, FIELDS)
    typed = {k.lower() for k in FIELDS}
    if result is not None:
        assert result.startswith("json: cannot unmarshal")
        assert any(k.lower() in typed for k in obj)


def test_deep_members_are_shallowed_not_recursed() -> None:
    body = b'{"model":"m","messages":' + b"[" * 3000 + b"]" * 3000 + b',"stream":false}'
    value, problem = decode(body, STRUCT, FIELDS)
    assert problem is None
    assert value == {"model": "m", "messages": [None], "stream": False}
    deep_object = b'{"options":' + b'{"a":' * 3000 + b"1" + b"}" * 3001
    value, problem = decode(deep_object, STRUCT, FIELDS)
    assert (value, problem) == ({"options": {"": None}}, None)


@pytest.mark.parametrize("depth", [10_000, 10_001, 100_000])
def test_go_max_depth_is_10000(depth: int) -> None:
    body = b"[" * depth + b"]" * depth
    expected = None if depth <= 10_000 else "invalid character '[' exceeded max depth"
    problem = decode_error(b'{"x":' + body[1:-1] + b"}", STRUCT, FIELDS)
    assert problem == expected  # the object itself is level 1
