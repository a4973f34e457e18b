"""``sse-harness parse [FILE|-] [--chunk N]``: read an event stream as a browser does.

Prints one JSON object per dispatched event on stdout as soon as it is complete
(``curl -N URL | sse-harness parse`` shows events live), and the lint findings on
stderr, one per line: ``offset N: code: detail``. Comments are not printed.
Exit status: 0 when the stream was read (findings or not), 2 on a usage error.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import IO, TYPE_CHECKING, NoReturn

from harness.errors import UsageError
from harness.sse import Event, Finding, SSEParser

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

READ_SIZE = 64 * 1024


class _ArgumentParser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(message)


def _chunk_size(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _arguments() -> _ArgumentParser:
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
        type=_chunk_size,
        metavar="N",
        help="feed the parser exactly N bytes at a time (default: whatever each read "
        f"returns, up to {READ_SIZE} bytes)",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run ``sse-harness parse``; returns the exit status."""
    try:
        args = _arguments().parse_args(argv)
        if args.file == "-":
            return _run(sys.stdin.buffer, args.chunk)
        try:
            source = open(args.file, "rb")  # noqa: SIM115 (closed below)
        except OSError as exc:
            raise UsageError(
                f"cannot read {args.file}: {exc.strerror or exc}"
            ) from None
        with source:
            return _run(source, args.chunk)
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


def _run(source: IO[bytes], chunk: int | None) -> int:
    parser = SSEParser()
    shown = 0
    for data in _reads(source, chunk):
        _print_events(parser.feed(data))
        shown = _print_findings(parser.findings, shown)
    _print_events(parser.close())
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


def _print_events(items: Iterable[object]) -> None:
    printed = False
    for item in items:
        if isinstance(item, Event):
            printed = True
            record = {"type": item.type, "data": item.data, "id": item.last_event_id}
            try:
                line = json.dumps(record, ensure_ascii=False)
                sys.stdout.write(line + "\n")
            except UnicodeEncodeError:  # a terminal that cannot show the text
                sys.stdout.write(json.dumps(record) + "\n")
    if printed:
        sys.stdout.flush()


def _print_findings(findings: list[Finding], shown: int) -> int:
    for finding in findings[shown:]:
        print(
            f"offset {finding.offset}: {finding.code}: {finding.detail}",
            file=sys.stderr,
        )
    return len(findings)
