"""harness.cli.parse: `sse-harness parse` over files and stdin."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from typing import TYPE_CHECKING

import pytest
from hypothesis import given, settings, strategies as st

from harness.cli import parse as parse_cmd
from harness.sse import Comment, Event, SSEParser, parse

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


# -- big input: batched output, bounded events ----------------------------------------

TRICKY = (
    b': c\ndata: plain\n\ndata: "quoted", "items"\n\ndata: back\\\\slash\\\n\n'
    b"data: \xc3\xa9 \xf0\x9f\x8c\x8d \xe5\x8c\x97\ndata: tab\there\x01\n\n"
    b"event: other\ndata: x\n\nid: 9\ndata: y\n\ndata: z\n\n: c\ndata: \n\n"
)


def _reference(items: list[Event | Comment], ensure_ascii: bool) -> str:
    """What one ``json.dumps`` per event writes."""
    return "".join(
        json.dumps(
            {"type": e.type, "data": e.data, "id": e.last_event_id},
            ensure_ascii=ensure_ascii,
        )
        + "\n"
        for e in items
        if isinstance(e, Event)
    )


@pytest.mark.parametrize("ensure_ascii", [False, True])
@pytest.mark.parametrize(
    "data",
    [
        TRICKY,
        TRICKY.replace(b"event: other\n", b"").replace(b"id: 9\n", b""),
        b"",
        b": only a comment\n\n",
    ],
)
def test_json_lines_equal_json_dumps(data: bytes, ensure_ascii: bool) -> None:
    items = parse(data)[0]
    expected = _reference(items, ensure_ascii)
    assert parse_cmd._json_lines(items, ensure_ascii=ensure_ascii) == expected


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.text(alphabet=st.characters(exclude_characters="\r\n")), max_size=8),
    st.sampled_from(["", "7", 'a"b']),
    st.booleans(),
)
def test_json_lines_of_one_kind(values: list[str], ident: str, ascii_: bool) -> None:
    items: list[Event | Comment] = [
        Event("message", value, ident, None, 0, 1) for value in values
    ]
    got = parse_cmd._json_lines(items, ensure_ascii=ascii_)
    assert got == _reference(items, ascii_)


def test_event_too_large_is_reported_not_printed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "big.sse"
    big = b"data: " + b"x" * 200 + b"\n"
    path.write_bytes(b"data: a\n\n" + big * 3 + b"\ndata: b\n\n" + big * 50)
    assert parse_cmd.main([str(path), "--max-event-size", "300"]) == 0
    out, err = capsys.readouterr()
    assert [e["data"] for e in events(out)] == ["a", "b"]
    assert err.splitlines() == [
        "offset 9: event-too-large: event over 300 bytes (max_event_size): not "
        "dispatched; its lines dropped up to the blank line",
        "offset 640: event-too-large: event over 300 bytes (max_event_size): not "
        "dispatched; its lines dropped up to the blank line",
        "offset 640: unterminated: stream ended inside an event over max_event_size",
    ]
    assert parse_cmd.main([str(path)]) == 0  # the default bound: 16 MiB
    out, err = capsys.readouterr()
    assert len(events(out)) == 3
    assert "event-too-large" not in err


def test_output_is_batched_but_equal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One write per read, and the same lines as a json.dumps per event."""
    data = (TRICKY + b"data: " + b"w" * 10 + b"\n\n") * 3000
    path = tmp_path / "many.sse"
    path.write_bytes(data)
    writes: list[str] = []

    class Out(io.StringIO):
        def write(self, text: str) -> int:
            writes.append(text)
            return len(text)

    monkeypatch.setattr(sys, "stdout", Out())
    assert parse_cmd.main([str(path)]) == 0
    assert len(writes) <= len(data) // parse_cmd.READ_SIZE + 2
    assert "".join(writes) == _reference(parse(data)[0], ensure_ascii=True)
