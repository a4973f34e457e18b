"""Design specs on the command line and in TOML files (pure)."""

from __future__ import annotations

import pytest

from harness.bench.designs.design import BUNDLED, count_loc, load_designs, parse_design
from harness.errors import UsageError


def test_a_full_spec():
    d = parse_design("mine=node s.mjs --port {port}::http://127.0.0.1:{port}/x::openai")
    assert (d.name, d.cmd, d.url, d.dialect) == (
        "mine", "node s.mjs --port {port}", "http://127.0.0.1:{port}/x", "openai",
    )  # fmt: skip
    assert not d.websocket


def test_a_bundled_name_and_a_websocket_url():
    d = parse_design("websocket")
    assert d is BUNDLED["websocket"]
    assert d.websocket
    assert d.http_url.startswith("http://")
    loc = d.loc()
    assert loc is not None
    assert loc > 10


@pytest.mark.parametrize(
    "spec", ["nope", "x=cmd", "x=cmd::", "x=::url", "bad name=c::u", "x=a::b::c::d"]
)
def test_bad_specs_are_usage_errors(spec):
    with pytest.raises(UsageError, match="--design"):
        parse_design(spec)


def test_a_designs_file(tmp_path):
    text = """
[[design]]
name = "a"
cmd = "python -m a --port {port}"
url = "http://127.0.0.1:{port}/api"
cwd = "sub"
"""
    (d,) = load_designs(text, str(tmp_path / "designs.toml"))
    assert d.cwd == str(tmp_path / "sub")
    assert d.dialect == "token-json"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("x = ", "designs.toml"),
        ("", "at least one"),
        ('[[design]]\nname = "a"\ncmd = "c"\n', "'url'"),
        ('[[design]]\nname="a"\ncmd="c"\nurl="u"\nport=1\n', "unknown key"),
    ],
)
def test_bad_design_files_name_the_file(text, message):
    with pytest.raises(UsageError, match=message):
        load_designs(text, "designs.toml")


def test_loc_skips_blank_and_comment_lines():
    assert count_loc("# c\n\nx = 1\n  // js\ny()\n") == 2
