"""Sidecars: defaults from the first line, problems named by key and line, one-file scenarios."""

from __future__ import annotations

from pathlib import Path

import pytest

from mock_ollama.errors import ScenarioError
from mock_ollama.scenario.annotation import annotate
from mock_ollama.scenario.policies import Policies
from mock_ollama.scenario.recording import load_scenario

LINE = '{"model":"m","created_at":"2025-01-01T00:00:00Z","response":"a","done":false}\n'


def _write(tmp_path: Path, name: str, text: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def test_defaults_come_from_the_first_line() -> None:
    generate = annotate(
        {}, Path("<g>"), "", first={"model": "m", "response": ""}, line_count=1
    )
    assert (generate.endpoint, generate.model, generate.status) == (
        "/api/generate",
        "m",
        200,
    )
    assert generate.offsets_ns is None
    assert generate.policies == Policies()
    pull = annotate({}, Path("<p>"), "", first={"status": "success"}, line_count=1)
    assert (pull.endpoint, pull.model) == ("/api/pull", "")
    chat = annotate({"model": "x"}, Path("<c>"), "", first={"model": "m"}, line_count=1)
    assert (chat.endpoint, chat.model) == ("/api/chat", "x")


def test_problems_name_the_key_line() -> None:
    text = 'model = "m"\n\nstatus = 99\n'
    with pytest.raises(ScenarioError) as info:
        annotate({"status": 99}, Path("s.toml"), text, first={}, line_count=1)
    assert str(info.value) == "s.toml:3: status: must be an integer 200-599"


def test_sidecar_annotates(tmp_path: Path) -> None:
    _write(tmp_path, "s.ndjson", LINE + LINE)
    _write(
        tmp_path,
        "s.toml",
        'endpoint = "/api/generate"\nstatus = 200\nheader-delay-ms = 250\n'
        'offsets-ms = [0, 40.5]\ntiming = "scale:2"\nfragment = "utf8"\n'
        'faults = ["stall:1:100"]\ngap-ms = 0.5\nseed = 3\n'
        'headers = { Content-Type = "application/x-ndjson" }\n',
    )
    rec = load_scenario(tmp_path / "s.ndjson")
    assert rec.name == "s"
    assert rec.endpoint == "/api/generate"
    assert rec.header_delay_ns == 250_000_000
    assert rec.offsets_ns == (0, 40_500_000)
    p = rec.policies
    assert (str(p.timing), str(p.fragment), [str(f) for f in p.faults]) == (
        "scale:2",
        "utf8",
        ["stall:1:100"],
    )
    assert (p.gap_ms, p.seed) == (0.5, 3)
    assert rec.headers == (("Content-Type", "application/x-ndjson"),)


@pytest.mark.parametrize(
    ("toml", "line", "problem"),
    [
        ('colour = "red"\n', 1, "unknown key 'colour'"),
        ('\nendpoint = "/api/x"\n', 2, "endpoint: must be one of"),
        ("status = 99\n", 1, "status"),
        ("offsets-ms = [0]\n", 1, "needs 2 values"),
        ("offsets-ms = [5, 1]\n", 1, "must not go backwards"),
        ('\n\nfragment = "bytes:0"\n', 3, "N must be >= 1"),
        ('faults = ["oops:1"]\n', 1, "unknown policy 'oops'"),
        ("timing = 5\n", 1, "must be a policy string"),
        ("header-delay-ms = -1\n", 1, "header-delay-ms"),
        ("status = \n", 1, "Invalid value"),
    ],
)
def test_bad_sidecar_names_file_line_problem(
    tmp_path: Path, toml: str, line: int, problem: str
) -> None:
    _write(tmp_path, "s.ndjson", LINE + LINE)
    toml_path = _write(tmp_path, "s.toml", toml)
    with pytest.raises(ScenarioError) as info:
        load_scenario(tmp_path / "s.ndjson")
    assert str(info.value).startswith(f"{toml_path}:{line}: ")
    assert problem in str(info.value)
    assert "\n" not in str(info.value)


def test_single_toml_with_embedded_body(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "inline.toml",
        "description = 'embedded'\nbody = '''\n"
        + LINE
        + LINE.replace('"a"', '"\\u003c"')
        + "'''\n",
    )
    rec = load_scenario(path)
    assert rec.lines[1] == LINE.replace('"a"', '"\\u003c"').encode()
    bad = _write(tmp_path, "broken.toml", "body = '''\n" + LINE + "{x\n'''\n")
    with pytest.raises(ScenarioError, match=r"broken.toml:3: not JSON"):
        load_scenario(bad)
