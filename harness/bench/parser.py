"""Throughput and exactness of harness.sse beside httpx-sse and sseclient-py.

    python -m harness.bench.parser [--events 200000] [--chunk 4096] [--repeat 5]

Generates an LLM-like stream of ``data: {"token": "..."}\\n\\n`` events (tokens of 2-8
characters, 15% with a non-ASCII character, 5% with a ``\\n`` escape; seeded), feeds it
in fixed-size chunks through each parser in this process (one warm-up run, then the
best of ``--repeat``), and scores each parser on the event-stream vectors of
``tests/harness/wpt_vectors.py`` (whole, and one byte at a time): the exact list of
(type, data, last event id) or nothing. Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import codecs
import importlib.util
import json
import platform
import random
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from harness.sse import Event, SSEParser

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

Triple = tuple[str, str, str]
Vectors = list[tuple[str, bytes, list[Triple]]]

_ASCII = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ,.'-"
_NON_ASCII = "éèüñßøåçλπжд北京東語🌍🙂€…"


def llm_stream(events: int, seed: int = 20240501) -> bytes:
    """``events`` token events as a proxy following the seed dialect would send them."""
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


# -- the parsers: chunks -> native events, and a native event -> a triple -------------


def ours(chunks: list[bytes]) -> list[Any]:
    parser = SSEParser()
    items: list[Any] = []
    for chunk in chunks:
        items += parser.feed(chunk)
    items += parser.close()
    return items


def httpx_sse_via_httpx(chunks: list[bytes]) -> list[Any]:
    """The real path: httpx_sse.EventSource over a streaming httpx.Response."""
    import httpx
    from httpx_sse import EventSource

    headers = {"content-type": "text/event-stream"}
    response = httpx.Response(200, headers=headers, content=iter(chunks))
    return list(EventSource(response).iter_sse())


def httpx_sse_decoders(chunks: list[bytes]) -> list[Any]:
    """httpx-sse's two decoders alone, behind an incremental UTF-8 decoder."""
    from httpx_sse._decoders import SSEDecoder, SSELineDecoder

    text = codecs.getincrementaldecoder("utf-8")("replace")
    lines, decoder = SSELineDecoder(), SSEDecoder()
    found: list[Any] = []
    for chunk in chunks:
        found += map(decoder.decode, lines.decode(text.decode(chunk)))
    found += map(decoder.decode, lines.flush())
    return [event for event in found if event is not None]


def sseclient_py(chunks: list[bytes]) -> list[Any]:
    from sseclient import SSEClient

    return list(SSEClient(iter(chunks)).events())


def _ours_triple(item: Any) -> Triple | None:
    if isinstance(item, Event):
        return (item.type, item.data, item.last_event_id)
    return None  # a comment


def _httpx_sse_triple(event: Any) -> Triple:
    return (event.event, event.data, event.id)


def _sseclient_triple(event: Any) -> Triple:
    return (event.event, event.data, event.id or "")  # it keeps no last event id


@dataclass(frozen=True, slots=True)
class Peer:
    name: str
    run: Callable[[list[bytes]], list[Any]]
    triple: Callable[[Any], Triple | None]

    def triples(self, chunks: list[bytes]) -> list[Triple]:
        return [t for t in map(self.triple, self.run(chunks)) if t is not None]


PEERS = [
    Peer("harness.sse", ours, _ours_triple),
    Peer("httpx-sse (EventSource over httpx)", httpx_sse_via_httpx, _httpx_sse_triple),
    Peer("httpx-sse (decoders alone)", httpx_sse_decoders, _httpx_sse_triple),
    Peer("sseclient-py", sseclient_py, _sseclient_triple),
]


# -- measuring ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Row:
    name: str
    seconds: float
    events: int
    whole: int
    bytewise: int


def best_time(peer: Peer, chunks: list[bytes], repeat: int) -> tuple[float, int]:
    """Best wall time of ``repeat`` runs after one warm-up run, and the event count."""
    count = len(peer.run(chunks))
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        peer.run(chunks)
        best = min(best, time.perf_counter() - start)
    return best, count


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
    """The vectors from the source checkout (tests/ is not installed)."""
    path = Path(__file__).resolve().parents[2] / "tests" / "harness" / "wpt_vectors.py"
    spec = importlib.util.spec_from_file_location("_sse_vectors", path)
    if spec is None or spec.loader is None or not path.exists():
        return []
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    vectors: Vectors = module.ALL
    return vectors


def measure(events: int, chunk: int, repeat: int) -> tuple[int, list[Row], int]:
    data = llm_stream(events)
    chunks = [data[i : i + chunk] for i in range(0, len(data), chunk)]
    vectors = load_vectors()
    expected = PEERS[0].triples(chunks)
    rows = []
    for peer in _available():
        if peer.triples(chunks) != expected:
            print(
                f"note: {peer.name} reads the benchmark stream differently",
                file=sys.stderr,
            )
        seconds, count = best_time(peer, chunks, repeat)
        whole, bytewise = exactness(peer, vectors)
        rows.append(Row(peer.name, seconds, count, whole, bytewise))
    return len(data), rows, len(vectors)


def _available() -> Iterator[Peer]:
    for peer in PEERS:
        try:
            peer.run([b"data: x\n\n"])
        except ImportError as exc:
            print(f"skipping {peer.name}: {exc}", file=sys.stderr)
            continue
        yield peer


def table(size: int, rows: list[Row], vectors: int, chunk: int, repeat: int) -> str:
    base = next((r for r in rows if r.name.startswith("httpx-sse (EventSource")), None)
    lines = [
        f"{size / 1e6:.2f} MB, {rows[0].events if rows else 0} events, {chunk}-byte "
        f"chunks, best of {repeat}; Python {platform.python_version()}",
        "",
        "| parser | MB/s | events/s | vs httpx-sse | exact (whole) | exact (1 byte) |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        ratio = f"{base.seconds / row.seconds:.1f}x" if base else "-"
        lines.append(
            f"| {row.name} | {size / row.seconds / 1e6:.1f} | "
            f"{row.events / row.seconds / 1e3:,.0f} k | {ratio} | "
            f"{row.whole}/{vectors} | {row.bytewise}/{vectors} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m harness.bench.parser")
    parser.add_argument("--events", type=int, default=200_000)
    parser.add_argument("--chunk", type=int, default=4096)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    if min(args.events, args.chunk, args.repeat) < 1:
        parser.error("--events, --chunk and --repeat must be at least 1")
    size, rows, vectors = measure(args.events, args.chunk, args.repeat)
    print(table(size, rows, vectors, args.chunk, args.repeat))
    return 0


if __name__ == "__main__":
    sys.exit(main())
