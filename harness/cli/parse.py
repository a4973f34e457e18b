"""``sse-harness parse [FILE|-] [--chunk N] [--max-event-size N]``: read an event
stream as a browser does.

Prints one JSON object per dispatched event on stdout as soon as the read that
completed it is parsed (``curl -N URL | sse-harness parse`` shows events live), and the
lint findings on stderr, one per line: ``offset N: code: detail``. Comments are not
printed. The JSON is what ``json.dumps({"type", "data", "id"})`` writes: with
``ensure_ascii=False`` on a terminal (the text as it is), with its default (\\u
escapes, the same values) into a pipe or file. Exit status: 0 when the stream was
read (findings or not), 2 on a usage error.

Big input: the stream is read in reads of up to ``READ_SIZE`` bytes, the events of
each read are written with one ``write``, and one event may hold at most
``--max-event-size`` bytes (default ``MAX_EVENT_SIZE``): a bigger one is an
``event-too-large`` finding and is not printed (see ``harness.sse.parser``), so memory
stays bounded whatever the input.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys
from json.encoder import (  # C functions: json.dumps of one str
    encode_basestring,
    encode_basestring_ascii,
)
from operator import attrgetter
from typing import IO, TYPE_CHECKING, NoReturn

from harness.errors import UsageError
from harness.sse import Comment, Event, Finding, SSEParser

if TYPE_CHECKING:
    from collections.abc import Iterator

READ_SIZE = 64 * 1024
_TERMINAL = [False]  # whether stdout is a terminal (set by each run)
MAX_EVENT_SIZE = 16 * 1024 * 1024


class _ArgumentParser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(message)


def _size(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def build_parser() -> _ArgumentParser:
    parser = _ArgumentParser(
        prog="sse-harness parse",
        description="Parse a text/event-stream with the WHATWG rules; "
        "print events as JSON lines and lint findings on stderr.",
    )
    parser.add_argument(
        "file", nargs="?", default="-", help="stream file, or - for stdin"
    )
    parser.add_argument(
        "--chunk",
        type=_size,
        metavar="N",
        help="feed the parser exactly N bytes at a time (default: whatever each read "
        f"returns, up to {READ_SIZE} bytes)",
    )
    parser.add_argument(
        "--max-event-size",
        type=_size,
        default=MAX_EVENT_SIZE,
        metavar="N",
        help="report an event of more than N bytes as event-too-large instead of "
        f"keeping it (default: {MAX_EVENT_SIZE})",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run ``sse-harness parse``; returns the exit status."""
    try:
        args = build_parser().parse_args(argv)
        if args.file == "-":
            return _run(sys.stdin.buffer, args.chunk, args.max_event_size)
        try:
            source = open(args.file, "rb")  # noqa: SIM115 (closed below)
        except OSError as exc:
            raise UsageError(
                f"cannot read {args.file}: {exc.strerror or exc}"
            ) from None
        with source:
            return _run(source, args.chunk, args.max_event_size)
    except UsageError as exc:
        print(f"sse-harness parse: {exc}", file=sys.stderr)
        return 2
    except SystemExit as exc:  # --help
        return exc.code if isinstance(exc.code, int) else 0
    except BrokenPipeError:  # `sse-harness parse f | head`: stop quietly
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        return 130


def _run(source: IO[bytes], chunk: int | None, max_event_size: int) -> int:
    parser = SSEParser(max_event_size=max_event_size)
    shown = 0
    _TERMINAL[0] = sys.stdout.isatty()
    # A read's events are tens of thousands of acyclic tuples: the cycle collector
    # would only scan them over and over (a third of the time), so it rests meanwhile.
    collecting = gc.isenabled()
    gc.disable()
    try:
        for data in _reads(source, chunk):
            _print_events(parser.feed(data))
            shown = _print_findings(parser.findings, shown)
        _print_events(parser.close())
    finally:
        if collecting:
            gc.enable()
    _print_findings(parser.findings, shown)
    for code, count in sorted(parser.finding_counts.items()):
        if count > parser.max_findings:
            more = count - parser.max_findings
            print(f"... {more} more {code} findings not shown", file=sys.stderr)
    return 0


def _reads(source: IO[bytes], chunk: int | None) -> Iterator[bytes]:
    """The stream's bytes: as they arrive, or re-cut into exactly ``chunk`` bytes."""
    read = getattr(source, "read1", source.read)  # read1: no waiting for a full buffer
    held = bytearray()
    while True:
        try:
            data = read(READ_SIZE)
        except OSError as exc:
            raise UsageError(f"cannot read the stream: {exc.strerror or exc}") from None
        if not data:
            break
        if chunk is None:
            yield data
            continue
        held += data
        cut = len(held) - len(held) % chunk
        for start in range(0, cut, chunk):
            yield bytes(held[start : start + chunk])
        del held[:cut]
    if held:
        yield bytes(held)


def _print_events(items: list[Event | Comment]) -> None:
    """One JSON line per event, ``json.dumps({"type", "data", "id"})`` as it writes
    it; all of them in one write, then a flush."""
    # On a terminal the text as it is; into a pipe or a file plain ASCII JSON
    # (\u escapes, the same values): whatever the locale, and a fifth faster.
    text = _json_lines(items, ensure_ascii=not _TERMINAL[0])
    if not text:
        return
    try:
        sys.stdout.write(text)
    except UnicodeEncodeError:  # a terminal that cannot show the text
        sys.stdout.write(_json_lines(items, ensure_ascii=True))
    sys.stdout.flush()


_COLUMNS = ("type", "data", "last_event_id")


def _json_lines(items: list[Event | Comment], *, ensure_ascii: bool) -> str:
    # The events' fields as columns, in C (attrgetter over map); comments skipped.
    events = [item for item in items if type(item) is Event]
    if not events:
        return ""
    kinds, data, ids = (list(map(attrgetter(f), events)) for f in _COLUMNS)
    dumps = encode_basestring_ascii if ensure_ascii else encode_basestring
    if len(set(kinds)) > 1 or len(set(ids)) > 1:
        return "".join(
            [
                f'{{"type": {dumps(t)}, "data": {dumps(d)}, "id": {dumps(i)}}}\n'
                for t, d, i in zip(kinds, data, ids, strict=True)
            ]
        )
    # The common case, one type and one id throughout: all the data strings in one
    # C call, as a JSON array whose item separator ends a line and starts the next.
    head = f'{{"type": {dumps(kinds[0])}, "data": '
    tail = f', "id": {dumps(ids[0])}}}\n'
    lines = json.JSONEncoder(ensure_ascii=ensure_ascii, separators=(tail + head, ":"))
    return head + lines.encode(data)[1:-1] + tail


def _print_findings(findings: list[Finding], shown: int) -> int:
    for finding in findings[shown:]:
        print(
            f"offset {finding.offset}: {finding.code}: {finding.detail}",
            file=sys.stderr,
        )
    return len(findings)
