"""Throughput and exactness of harness.sse beside httpx-sse and sseclient-py.

    python -m harness.bench.parser [--events 200000] [--chunk 4096] [--repeat 5]
    python -m harness.bench.parser --parse-cmd [--parse-mb 300]

Generates an LLM-like stream of ``data: {"token": "..."}\\n\\n`` events (tokens of 2-8
characters, 15% with a non-ASCII character, 5% with a ``\\n`` escape; seeded) and
feeds it in fixed-size chunks through each parser in this process, two ways:

- streaming (the headline): the events are consumed as they come, the way a client
  reads a live stream: each one is counted, its ``.data`` read, then dropped.
  harness.sse: the items each ``feed()`` returns (comments skipped by type);
  httpx-sse: ``EventSource.iter_sse()`` over a streaming ``httpx.Response``;
  sseclient-py: ``SSEClient(chunks).events()``. The same loop body for all.
- kept: every event is retained in one list until the stream ends.

Rounds alternate the parsers (one warm-up round, then ``--repeat`` rounds, each timed
run after a ``gc.collect()``); the table shows each one's best. Runs are timed in this
process's CPU time (``time.process_time``): every parser here is single-threaded and
in memory, so on an idle machine that is the wall time, and on a shared one it leaves
out the time the process waited for a core (``--wall``: wall time instead). Each parser is also
scored on the event-stream vectors of ``harness.testing.vectors`` (whole, and one
byte at a time): the exact list of (type, data, last event id) or nothing. Prints
Markdown tables. ``--parse-cmd``: instead, ``sse-harness parse`` end to end on two big
streams (``harness.bench.parser.cmd``). The first line says which harness.sse ran:
compiled with mypyc by ``.ci/setup``, or pure Python (no current build, or
``SSE_HARNESS_PURE=1`` in the environment: the fallback's figures).
"""

from __future__ import annotations

import argparse
import gc
import json
import platform
import random
import sys
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from harness.bench.parser.cmd import measure_parse, parse_table
from harness.bench.parser.peers import BASELINE, PEERS, Peer, Triple
from harness.runtime.table import Table
from harness.sse import build

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

__all__ = ["BASELINE", "PEERS", "Peer", "llm_stream", "main", "measure", "table"]

Vectors = list[tuple[str, bytes, list[Triple]]]

_ASCII = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ,.'-"
_NON_ASCII = "éèüñßøåçλπжд北京東語🌍🙂€…"


def llm_stream(events: int, seed: int = 20240501) -> bytes:
    """``events`` token events as a proxy following the token-json dialect would send them."""
    rng = random.Random(seed)
    out = []
    for _ in range(events):
        chars = [rng.choice(_ASCII) for _ in range(rng.randint(2, 8))]
        if rng.random() < 0.15:
            chars[rng.randrange(len(chars))] = rng.choice(_NON_ASCII)
        if rng.random() < 0.05:
            chars.insert(rng.randrange(len(chars) + 1), "\n")  # JSON escapes it
        token = json.dumps({"token": "".join(chars)}, ensure_ascii=False)
        out.append(f"data: {token}\n\n".encode())
    return b"".join(out)


# -- measuring ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Row:
    name: str
    streaming: float  # best seconds
    kept: float  # best seconds
    events: int
    whole: int
    bytewise: int


CLOCK = [time.process_time]  # main() may swap in time.perf_counter


def timed(run: Callable[[list[bytes]], object], chunks: list[bytes]) -> float:
    """CPU time (or wall time) of one run, from a collected heap; the result is
    dropped after."""
    clock = CLOCK[0]
    gc.collect()
    start = clock()
    result = run(chunks)
    seconds = clock() - start
    del result
    return seconds


def best_times(
    peers: list[Peer], chunks: list[bytes], repeat: int
) -> list[tuple[float, float]]:
    """(streaming, kept) best of ``repeat`` rounds for each peer, after a warm-up round.

    Each round runs every peer once each way, so drift in the machine's speed reaches
    all of them alike.
    """
    best = [[float("inf"), float("inf")] for _ in peers]
    for round_ in range(repeat + 1):
        for times, peer in zip(best, peers, strict=True):
            streaming, kept = timed(peer.stream, chunks), timed(peer.keep, chunks)
            if round_:  # round 0 warms up
                times[0], times[1] = min(times[0], streaming), min(times[1], kept)
    return [(streaming, kept) for streaming, kept in best]


def exactness(peer: Peer, vectors: Vectors) -> tuple[int, int]:
    """How many vectors ``peer`` gets exactly right: whole, and one byte at a time."""
    whole = bytewise = 0
    for _, data, expected in vectors:
        whole += _exact(peer, [data], expected)
        bytewise += _exact(peer, [data[i : i + 1] for i in range(len(data))], expected)
    return whole, bytewise


def _exact(peer: Peer, chunks: list[bytes], expected: list[Triple]) -> bool:
    try:
        return peer.triples(chunks) == expected
    except Exception:  # a peer that raises on a stream did not parse it
        return False


def load_vectors() -> Vectors:
    """The event-stream vectors (harness.testing.vectors, installed with the harness)."""
    from harness.testing.vectors import ALL

    return list(ALL)


def measure(events: int, chunk: int, repeat: int) -> tuple[int, list[Row], int]:
    data = llm_stream(events)
    chunks = [data[i : i + chunk] for i in range(0, len(data), chunk)]
    vectors = load_vectors()
    expected = PEERS[0].triples(chunks)
    peers = list(_available())
    counts = [peer.stream(chunks) for peer in peers]
    for peer, count in zip(peers, counts, strict=True):
        if peer.triples(chunks) != expected or count != len(expected):
            print(
                f"note: {peer.name} reads the benchmark stream differently",
                file=sys.stderr,
            )
    times = best_times(peers, chunks, repeat)
    rows = []
    for peer, count, (streaming, kept) in zip(peers, counts, times, strict=True):
        whole, bytewise = exactness(peer, vectors)
        rows.append(Row(peer.name, streaming, kept, count, whole, bytewise))
    return len(data), rows, len(vectors)


def _available() -> Iterator[Peer]:
    for peer in PEERS:
        try:
            peer.keep([b"data: x\n\n"])
        except ImportError as exc:
            print(f"skipping {peer.name}: {exc}", file=sys.stderr)
            continue
        yield peer


def table(size: int, rows: list[Row], vectors: int, chunk: int, repeat: int) -> str:
    base = next((r for r in rows if r.name == BASELINE), None)
    lines = [
        f"{size / 1e6:.2f} MB, {rows[0].events if rows else 0} events, {chunk}-byte "
        f"chunks, best of {repeat} ({_clock_name()}); "
        f"Python {platform.python_version()}; harness.sse {build.name()}",
        "",
        "Streaming (headline): each event counted, its data read, then dropped.",
        "",
    ]
    streaming = []
    for row in rows:
        ratio = f"{base.streaming / row.streaming:.1f}x" if base else "-"
        exact = [f"{row.whole}/{vectors}", f"{row.bytewise}/{vectors}"]
        streaming.append(
            [row.name, *_rates(size, row.events, row.streaming), ratio, *exact]
        )
    head = ["parser", "MB/s", "events/s", "vs httpx-sse"]
    lines += Table.of(
        [*head, "exact (whole)", "exact (1 byte)"], streaming, right=(1, 2, 3, 4, 5)
    ).markdown_lines()
    lines += [
        "",
        "Events kept: every event retained in one list until the end.",
        "",
    ]
    kept = []
    for row in rows:
        ratio = f"{base.kept / row.kept:.1f}x" if base else "-"
        kept.append([row.name, *_rates(size, row.events, row.kept), ratio])
    lines += Table.of(head, kept, right=(1, 2, 3)).markdown_lines()
    return "\n".join(lines)


def _clock_name() -> str:
    return "wall time" if CLOCK[0] is time.perf_counter else "CPU time"


def _rates(size: int, events: int, seconds: float) -> tuple[str, str]:
    """MB/s and events/s."""
    return f"{size / seconds / 1e6:.1f}", f"{events / seconds / 1e3:,.0f} k"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m harness.bench.parser")
    parser.add_argument("--events", type=int, default=200_000)
    parser.add_argument("--chunk", type=int, default=4096)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--parse-cmd",
        action="store_true",
        help="time `sse-harness parse` end to end on two big streams instead",
    )
    parser.add_argument("--parse-mb", type=int, default=300, metavar="MB")
    parser.add_argument("--wall", action="store_true", help="time in wall time")
    args = parser.parse_args(argv)
    CLOCK[0] = time.perf_counter if args.wall else time.process_time
    if min(args.events, args.chunk, args.repeat, args.parse_mb) < 1:
        parser.error("--events, --chunk, --repeat and --parse-mb must be at least 1")
    if args.parse_cmd:
        print(parse_table(measure_parse(args.parse_mb, llm_stream)))
        return 0
    size, rows, vectors = measure(args.events, args.chunk, args.repeat)
    print(table(size, rows, vectors, args.chunk, args.repeat))
    return 0


if __name__ == "__main__":
    sys.exit(main())
