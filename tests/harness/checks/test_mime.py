"""The MIME type a browser extracts (harness.checks.mime): WHATWG MIME Sniffing
"parse a MIME type" and Fetch "extract a MIME type", by example and by property."""

from __future__ import annotations

import pytest
from hypothesis import given, strategies as st

from harness.checks.mime import TOKEN, extract, parse, split_values


@pytest.mark.parametrize(
    ("text", "essence", "params"),
    [
        ("text/event-stream", "text/event-stream", ()),
        (
            " Text/Event-Stream ; Charset=UTF-8",
            "text/event-stream",
            (("charset", "UTF-8"),),
        ),
        ('text/plain;charset="a;b"', "text/plain", (("charset", "a;b"),)),
        ("text/plain;charset=a;charset=b", "text/plain", (("charset", "a"),)),
        ("text/plain;;x=1", "text/plain", (("x", "1"),)),
        ("text/plain;x=", "text/plain", ()),
        ('text/plain;x="\\', "text/plain", (("x", "\\"),)),
    ],
)
def test_parse(text, essence, params):
    found = parse(text)
    assert found is not None
    assert (found.essence, found.parameters) == (essence, params)


@pytest.mark.parametrize(
    "text", ["", "text", "text/", "/plain", "te xt/plain", "a/b c"]
)
def test_parse_failure(text):
    assert parse(text) is None


@pytest.mark.parametrize(
    ("fields", "essence", "charset"),
    [
        (["text/event-stream", "application/x-ndjson"], "application/x-ndjson", None),
        (["application/x-ndjson", "text/event-stream"], "text/event-stream", None),
        (["text/event-stream, nonsense"], "text/event-stream", None),
        (["text/event-stream, */*"], "text/event-stream", None),
        # Fetch's example: the charset of an earlier field with the same essence stays
        (["text/html;charset=gbk", "text/html"], "text/html", "gbk"),
        (["text/html;charset=gbk", "text/plain", "text/html"], "text/html", None),
        (['text/html;x=",text/plain"'], "text/html", None),
    ],
)
def test_extract(fields, essence, charset):
    found = extract(fields)
    assert found is not None
    assert (found.essence, found.param("charset")) == (essence, charset)


def test_extract_nothing():
    assert extract([]) is None
    assert extract(["nonsense", ""]) is None


tokens = st.text(alphabet=sorted(TOKEN), min_size=1, max_size=8)
mimes = st.tuples(tokens, tokens)


@given(st.lists(mimes, min_size=1, max_size=5))
def test_last_valid_type_wins(types):
    fields = [f"{a}/{b}" for a, b in types]
    found = extract(fields)
    assert found is not None
    assert found.essence == "/".join(types[-1]).lower() or types[-1] == ("*", "*")


@given(mimes, st.sampled_from(["", " ", "\t"]), st.booleans())
def test_case_and_whitespace_ignored(kind, pad, upper):
    text = f"{pad}{kind[0]}/{kind[1]}{pad}"
    text = text.upper() if upper else text
    found = parse(text)
    assert found is not None
    assert found.essence == f"{kind[0]}/{kind[1]}".lower()


@given(st.text(max_size=40))
def test_never_raises(text):
    found = parse(text)
    if found is not None:
        assert set(found.type) <= TOKEN and found.type == found.type.lower()
    split_values([text])
    extract([text, text])


@given(st.lists(st.text(alphabet='ab," \\', max_size=10), min_size=1, max_size=3))
def test_split_keeps_every_character_outside_separators(values):
    joined = ", ".join(values)
    pieces = split_values(values)
    assert len(pieces) == joined.count(",") + 1 or '"' in joined
