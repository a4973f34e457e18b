"""Benchmark of the mock's pacing: ``python -m mock_ollama.tools.bench``.

Not a test: it reports figures. For 1, 100 and 500 concurrent streams of 100 NDJSON
lines at 20 ms per line (README.md, "Measured figures"):

- write error: each write's actual time (the mock's own log, perf_counter_ns) minus
  its schedule (request received + 20 ms x line), p50 / p99 / max;
- reads > 1 line: share of the client's reads that carried more than one line;
- last line: when line 100 reached the client (ideal 2000 ms), p50 / max over streams;
- worst gap: the longest silence between two lines of any one stream (starvation).

The server runs in its own process (``mock-ollama serve``); the clients are raw asyncio
protocols stamping every read, spread over processes so that client and server share
the 2 cores without one starving the other.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import multiprocessing
import statistics
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from mock_ollama.go.json import dumps
from mock_ollama.launch import running_mock
from mock_ollama.port_file import LaunchError
from mock_ollama.scenario.marker import Marker
from mock_ollama.scenario.policies import Policies, parse_timing

LINES = 100
PERIOD_MS = 20
_POLICIES = Policies(timing=parse_timing(f"fixed:{PERIOD_MS}"))


def make_scenario(path: Path, lines: int = LINES) -> None:
    """A 100-token chat (+ done line) whose created_at are 20 ms apart."""
    out = []
    for i in range(lines):
        ms = i * PERIOD_MS
        stamp = f"2025-08-01T12:00:{ms // 1000:02d}.{ms % 1000:03d}Z"
        message = {"role": "assistant", "content": f" tok{i}"}
        out.append(
            {"model": "bench", "created_at": stamp, "message": message, "done": False}
        )
    out.append(
        {
            "model": "bench",
            "created_at": stamp,
            "message": {"role": "assistant", "content": ""},
            "done_reason": "stop",
            "done": True,
        }
    )
    path.write_bytes(b"".join(dumps(o) + b"\n" for o in out))


class _Reader(asyncio.Protocol):
    def __init__(self, done: asyncio.Future[None]) -> None:
        self.reads: list[tuple[int, bytes]] = []
        self.done = done
        self.tail = b""

    def data_received(self, data: bytes) -> None:
        self.reads.append((time.perf_counter_ns(), data))
        self.tail = (self.tail + data)[-7:]
        if self.tail.endswith(b"\r\n0\r\n\r\n") and not self.done.done():
            self.done.set_result(None)

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.done.done():
            self.done.set_result(None)


async def _stream(port: int, req: str) -> list[tuple[int, bytes]]:
    loop = asyncio.get_running_loop()
    done: asyncio.Future[None] = loop.create_future()
    transport, reader = await loop.create_connection(
        lambda: _Reader(done), "127.0.0.1", port
    )
    prompt = str(Marker(policies=_POLICIES, req=req))
    body = json.dumps(
        {"model": "bench", "messages": [{"role": "user", "content": prompt}]}
    )
    transport.write(
        b"POST /api/chat HTTP/1.1\r\nHost: localhost\r\n"
        b"Content-Type: application/json\r\n"
        b"Content-Length: %d\r\n\r\n%s" % (len(body), body.encode())
    )
    await asyncio.wait_for(done, timeout=60)
    transport.close()
    return reader.reads


def _client(port: int, reqs: list[str]) -> dict[str, list[tuple[int, bytes]]]:
    async def run() -> list[list[tuple[int, bytes]]]:
        return await asyncio.gather(*(_stream(port, r) for r in reqs))

    return dict(zip(reqs, asyncio.run(run()), strict=True))


def _lines_per_read(reads: list[tuple[int, bytes]]) -> tuple[list[int], list[int]]:
    """(lines completed in each body read, arrival time of each line)."""
    counts, arrivals, head_seen, buffer = [], [], False, b""
    for t, data in reads:
        if not head_seen:
            buffer += data
            if b"\r\n\r\n" not in buffer:
                continue
            data = buffer.split(b"\r\n\r\n", 1)[1]
            head_seen = True
        n = data.count(
            b"}\n"
        )  # every NDJSON line ends with "}\n"; chunk framing never does
        if data:
            counts.append(n)
        arrivals += [t] * n
    return counts, arrivals


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def run(streams: int, port: int, procs: int) -> dict[str, float]:
    """One round: ``streams`` concurrent streams; returns the figures."""
    reqs = [f"s{streams}x{i}" for i in range(streams)]
    shares = [reqs[i::procs] for i in range(procs)]
    with multiprocessing.get_context("spawn").Pool(procs) as pool:
        parts = pool.starmap(_client, [(port, s) for s in shares if s])
    reads = {k: v for part in parts for k, v in part.items()}
    log = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/_mock/exchanges"))
    errors: list[float] = []
    first: list[float] = []
    bunched = 0
    for ex in log:
        if ex["req"] in reads and ex["writes"]:
            # the schedule is anchored on the first write (replay.py); its own delay
            # after the request arrived is reported separately
            anchor = ex["writes"][0]["t_ns"]
            first.append((anchor - ex["received_ns"]) / 1e6)
            for w in ex["writes"][1:]:
                planned = anchor + w["line"] * PERIOD_MS * 1_000_000
                errors.append((w["t_ns"] - planned) / 1e6)
            stamps = [w["t_ns"] for w in ex["writes"]]
            bunched += sum(
                1 for a, b in itertools.pairwise(stamps) if b - a < 5_000_000
            )
    multi = body = 0
    finish: list[float] = []
    worst_gap = 0.0
    gaps: list[float] = []
    for ex in log:
        if ex["req"] not in reads:
            continue
        counts, arrivals = _lines_per_read(reads[ex["req"]])
        body += sum(1 for c in counts if c)
        multi += sum(1 for c in counts if c > 1)
        if len(arrivals) >= LINES:
            finish.append((arrivals[LINES - 1] - arrivals[0]) / 1e6 + PERIOD_MS)
        steps = [(b - a) / 1e6 for a, b in itertools.pairwise(arrivals)]
        gaps += steps
        worst_gap = max([worst_gap, *steps])
    urllib.request.urlopen(
        urllib.request.Request(
            f"http://127.0.0.1:{port}/_mock/exchanges", method="DELETE"
        )
    )
    return {
        "streams": streams,
        "writes": len(errors),
        "err_p50": statistics.median(errors),
        "err_p99": _pct(errors, 0.99),
        "err_max": max(errors),
        "multi_share": multi / body if body else 0.0,
        "last_p50": statistics.median(finish),
        "last_max": max(finish),
        "gap_p99": _pct(gaps, 0.99),
        "worst_gap": worst_gap,
        "complete": len(finish),
        "bunched": bunched / max(1, len(errors)),
        "first_p50": statistics.median(first),
        "first_max": max(first),
    }


def main(argv: list[str] | None = None) -> int:
    """Run the rounds and print the table."""
    parser = argparse.ArgumentParser(prog="python -m mock_ollama.tools.bench")
    parser.add_argument("--streams", type=int, nargs="+", default=[1, 100, 500])
    parser.add_argument(
        "--procs", type=int, default=0, help="client processes (0: auto)"
    )
    parser.add_argument("--json", action="store_true", help="print JSON rows instead")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        scenario, port_file = Path(tmp) / "bench.ndjson", Path(tmp) / "port"
        make_scenario(scenario)
        extra = ("--scenario", str(scenario), "--any-model")
        try:
            with running_mock(port_file, *extra) as (_server, url):
                port = int(url.rpartition(":")[2])
                rows = []
                for n in args.streams:
                    procs = args.procs or (1 if n <= 100 else 2)
                    rows.append(run(n, port, procs))
        except LaunchError as exc:
            print(f"bench: {exc}", file=sys.stderr)
            return 2
    if args.json:
        for row in rows:
            print(json.dumps(row))
        return 0
    columns = [
        ("streams", "streams", "{:>7}"),
        ("writes", "writes", "{:>7}"),
        ("err p50", "err_p50", "{:>8.2f}"),
        ("err p99", "err_p99", "{:>8.2f}"),
        ("err max", "err_max", "{:>8.2f}"),
        ("reads>1 line", "multi_share", "{:>12.2%}"),
        ("bunched", "bunched", "{:>8.2%}"),
        ("line 100 p50", "last_p50", "{:>12.1f}"),
        ("line 100 max", "last_max", "{:>12.1f}"),
        ("gap p99", "gap_p99", "{:>8.2f}"),
        ("worst gap", "worst_gap", "{:>9.2f}"),
        ("1st write max", "first_max", "{:>13.2f}"),
    ]
    print(
        f"{LINES} lines at {PERIOD_MS} ms per stream; times in ms. err = write time -"
        " schedule (anchored on the first write); bunched = writes < 5 ms after the"
        " stream's previous one; 1st write = request received -> first line written"
    )
    widths = [max(len(title), len(fmt.format(0))) for title, _, fmt in columns]
    print(" ".join(t.rjust(w) for (t, _, _), w in zip(columns, widths, strict=True)))
    for r in rows:
        cells = [fmt.format(r[key]) for _, key, fmt in columns]
        print(" ".join(c.rjust(w) for c, w in zip(cells, widths, strict=True)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
