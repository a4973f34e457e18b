"""harness.cli.parse: `sse-harness parse` over files and stdin."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from typing import TYPE_CHECKING

import pytest

from harness.cli import parse as parse_cmd
from harness.sse import Comment, Event, SSEParser

if TYPE_CHECKING:
    from pathlib import Path

STREAM = (
    b'\xef\xbb\xbf: hello\nid: 7\ndata: {"token": "\xc3\xa9"}\n\n'
    b"event: error\ndata: a\ndata: b\r\n\r\nfoo: bar\ndata: tail"
)
EVENTS = [
    {"type": "message", "data": '{"token": "é"}', "id": "7"},
    {"type": "error", "data": "a\nb", "id": "7"},
]


def events(out: str) -> list[dict[str, str]]:
    return [json.loads(line) for line in out.splitlines()]


@pytest.mark.parametrize("chunk", [None, "1", "2", "5", "4096"])
def test_file_events_and_findings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], chunk: str | None
) -> None:
    path = tmp_path / "stream.sse"
    path.write_bytes(STREAM)
    argv = [str(path)] + (["--chunk", chunk] if chunk else [])
    assert parse_cmd.main(argv) == 0
    out, err = capsys.readouterr()
    assert events(out) == EVENTS
    assert err.splitlines() == [
        "offset 0: bom: stream starts with a UTF-8 BOM (stripped)",
        "offset 72: unknown-field: unknown field 'foo' ignored",
        "offset 72: unterminated: stream ended inside an event: 2 line(s) after the "
        "last blank line discarded (the last one incomplete)",
    ]


def test_clean_stream_has_no_findings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "ok.sse"
    path.write_bytes(b"data: 1\n\n: ping\n\ndata: 2\n\n")
    assert parse_cmd.main([str(path)]) == 0
    out, err = capsys.readouterr()
    assert [e["data"] for e in events(out)] == ["1", "2"]
    assert err == ""


def test_stdin(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(STREAM)))
    assert parse_cmd.main([]) == 0
    assert events(capsys.readouterr().out) == EVENTS
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(STREAM)))
    assert parse_cmd.main(["-", "--chunk", "3"]) == 0
    assert events(capsys.readouterr().out) == EVENTS


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--chunk", "0"], "must be at least 1"),
        (["--chunk", "x"], "not a whole number"),
        (["--chunk", "-4"], "must be at least 1"),
        (["a", "b"], "unrecognized arguments"),
        (["--nope"], "unrecognized arguments"),
    ],
)
def test_usage_errors_are_one_line(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert parse_cmd.main(argv) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert len(err.splitlines()) == 1
    assert err.startswith("sse-harness parse: ")
    assert message in err


def test_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "absent.sse"
    assert parse_cmd.main([str(path)]) == 2
    err = capsys.readouterr().err
    assert err.splitlines() == [
        f"sse-harness parse: cannot read {path}: No such file or directory"
    ]


def test_directory_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert parse_cmd.main([str(tmp_path)]) == 2
    assert len(capsys.readouterr().err.splitlines()) == 1


def test_help_exits_zero(capsys: pytest.CaptureFixture[str]) -> None:
    assert parse_cmd.main(["--help"]) == 0
    assert "sse-harness parse" in capsys.readouterr().out


def test_many_findings_are_summarised(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "cr.sse"
    path.write_bytes(b"data: x\r\r" * 60)
    assert parse_cmd.main([str(path)]) == 0
    out, err = capsys.readouterr()
    assert len(events(out)) == 60
    lines = err.splitlines()
    assert len(lines) == 101
    assert lines[-1] == "... 20 more bare-cr findings not shown"


def test_events_stream_out_before_eof() -> None:
    """Each event is printed and flushed as soon as its blank line arrives."""
    code = "import sys; from harness.cli.parse import main; sys.exit(main())"
    with subprocess.Popen(
        [sys.executable, "-c", code],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    ) as proc:
        assert proc.stdin is not None
        assert proc.stdout is not None
        proc.stdin.write(b"data: first\n\n")
        proc.stdin.flush()
        line = proc.stdout.readline()  # would hang if output waited for EOF
        assert json.loads(line) == {"type": "message", "data": "first", "id": ""}
        proc.stdin.write(b"data: second\n\n")
        proc.stdin.close()
        assert json.loads(proc.stdout.readline())["data"] == "second"
        assert proc.wait(timeout=30) == 0


@pytest.mark.parametrize(("chunk", "size"), [(None, len(STREAM)), ("7", 7)])
def test_chunk_sets_the_feed_size(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    chunk: str | None,
    size: int,
) -> None:
    sizes: list[int] = []
    feed = SSEParser.feed

    def spy(self: SSEParser, data: bytes) -> list[Event | Comment]:
        sizes.append(len(data))
        return feed(self, data)

    monkeypatch.setattr(SSEParser, "feed", spy)
    path = tmp_path / "stream.sse"
    path.write_bytes(STREAM)
    assert parse_cmd.main([str(path)] + (["--chunk", chunk] if chunk else [])) == 0
    whole, rest = divmod(len(STREAM), size)
    assert sizes == [size] * whole + ([rest] if rest else [])
    assert events(capsys.readouterr().out) == EVENTS
