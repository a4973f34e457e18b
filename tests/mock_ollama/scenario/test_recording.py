"""Recordings: line splitting, validation with file and line, endpoint inference, repeats."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from hypothesis import given, settings, strategies as st

from mock_ollama.errors import ScenarioError
from mock_ollama.scenario.catalog import BUNDLED_DIR, load_bundled
from mock_ollama.scenario.recording import (
    load_scenario,
    recording_from_bytes,
    split_lines,
)

if TYPE_CHECKING:
    from pathlib import Path

# the transcript lines of seeds/000 (ollama#4788), verbatim: (created_at, content)
SEED_HEAD = [
    ("2025-07-30T09:45:03.537758Z", "\\n\\n"),
    ("2025-07-30T09:45:03.654744Z", "\\u003c/think\\u003e"),
    ("2025-07-30T09:45:03.76711Z", "\\n\\n"),
    ("2025-07-30T09:45:03.877521Z", "O"),
    ("2025-07-30T09:45:03.988219Z", "ll"),
    ("2025-07-30T09:45:04.098806Z", "ama"),
    ("2025-07-30T09:45:04.21934Z", " is"),
]
SEED_FIRST = b"".join(
    b'{"model":"deepseek-r1:1.5b","created_at":"%s","message":{"role":"assistant",'
    b'"content":"%s"},"done":false}\n' % (t.encode(), c.encode())
    for t, c in SEED_HEAD
)
SEED_DONE_TAIL = (
    b'"message":{"role":"assistant","content":""},"done_reason":"stop","done":true,'
    b'"total_duration":49729537151,"load_duration":3445259896,"prompt_eval_count":9,'
    b'"prompt_eval_duration":1024746038,"eval_count":274,"eval_duration":45257702287}\n'
)


@settings(deadline=None)
@given(st.binary(max_size=200))
def test_split_lines_only_on_lf(body: bytes) -> None:
    lines = split_lines(body)
    assert b"".join(lines) == body
    assert all(line.endswith(b"\n") for line in lines[:-1])
    assert all(b"\n" not in line[:-1] for line in lines)


def test_seed_scenario_is_the_transcript() -> None:
    rec = load_scenario(BUNDLED_DIR / "seed-deepseek.ndjson")
    assert rec.body.startswith(SEED_FIRST)
    assert rec.lines[-1].endswith(SEED_DONE_TAIL)
    assert rec.lines[-2].endswith(b'"content":"."},"done":false}\n')
    assert rec.lines[-3].endswith(b'"content":" setup"},"done":false}\n')
    # the transcript's own spacing: 116.986 ms, then 112.366 ms, ...
    assert rec.offsets_ns[:3] == (0, 116_986_000, 229_352_000)
    assert rec.endpoint == "/api/chat"
    assert rec.model == "deepseek-r1:1.5b"


def test_bundled_scenarios_validate_and_cover_the_issue() -> None:
    bundled = load_bundled()
    for name in (
        "seed-deepseek",
        "qwen-chat",
        "generate-long-context",
        "multilingual",
        "tool-call",
        "thinking",
        "injection",
        "error-mid-stream",
    ):
        assert name in bundled
    long = bundled["generate-long-context"]
    assert len(long.lines[-1]) > 128 * 1024
    assert b'"context":[' in long.lines[-1]
    text = bundled["multilingual"].body.decode()
    for sample in ("é", "北", "🌍", "\u0301", "مرحبا", "ש"):
        assert sample in text
    injection = bundled["injection"].body
    for escaped in (
        rb"\n\n",
        rb"\r",
        rb"\r\n",
        b"data: x",
        b"event: y",
        b'"content":":"',
    ):
        assert escaped in injection
    assert b"\r" not in injection  # escapes only: the file stays valid NDJSON
    assert b'"thinking":"' in bundled["thinking"].body
    assert b'"tool_calls":[{' in bundled["tool-call"].body
    assert bundled["error-mid-stream"].lines[-1].startswith(b'{"error":')


def _write(tmp_path: Path, name: str, text: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


LINE = '{"model":"m","created_at":"2025-01-01T00:00:00Z","response":"a","done":false}\n'


@pytest.mark.parametrize(
    ("body", "line", "problem"),
    [
        (LINE + "\n", 2, "blank line"),
        (LINE + "{nope}\n", 2, "not JSON"),
        (LINE + "[1]\n", 2, "not a JSON object"),
        (LINE + '{"created_at": 5}\n', 2, "created_at is not a string"),
        (LINE + '{"created_at": "soon"}\n', 2, "RFC 3339"),
        ("", None, "no lines"),
    ],
)
def test_bad_ndjson_names_file_line_problem(
    tmp_path: Path, body: str, line: int | None, problem: str
) -> None:
    path = _write(tmp_path, "bad.ndjson", body)
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert info.value.line == line
    assert problem in info.value.problem
    assert str(info.value).startswith(f"{path}:{line}:" if line else f"{path}:")


def test_invalid_utf8_is_reported(tmp_path: Path) -> None:
    path = _write(tmp_path, "bin.ndjson", b'{"a":"\xff"}\n')
    with pytest.raises(ScenarioError, match=r"bin.ndjson:1: not UTF-8"):
        load_scenario(path)


def test_a_missing_file_is_a_scenario_error(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="no such file"):
        load_scenario(tmp_path / "absent.ndjson")


def test_recording_from_bytes_infers_endpoint() -> None:
    assert recording_from_bytes("g", LINE.encode()).endpoint == "/api/generate"
    assert recording_from_bytes("p", b'{"status":"success"}\n').endpoint == "/api/pull"
    chat = b'{"model":"m","message":{"role":"assistant","content":""},"done":true}'
    rec = recording_from_bytes("c", chat)
    assert (rec.endpoint, rec.lines) == ("/api/chat", (chat,))


def test_repeated_replays_the_body_and_keeps_one_done_line():
    from mock_ollama.scenario.catalog import load_bundled
    from mock_ollama.scenario.recording import repeated

    rec = load_bundled()["qwen-chat"]
    again = repeated(rec, 3)
    body = rec.lines[:-1]
    assert again.lines == body * 3 + rec.lines[-1:]
    assert list(again.offsets_ns) == sorted(again.offsets_ns)
    assert again.offsets_ns[len(body)] > rec.offsets_ns[len(body) - 1]
    assert repeated(rec, 1) is rec
