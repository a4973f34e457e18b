"""``sse-harness bench``: measure candidate designs against the mock.

Exit status: 0 when every cell was measured; 2 for a usage or environment error (a
design that does not start is reported and the others are still measured); 130 when
interrupted, 143 on SIGTERM (what was measured is still written, stamped).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from harness.bench.designs.design import (
    BUNDLED,
    check_unique,
    load_designs,
    parse_design,
)
from harness.bench.designs.profiles import PROFILES
from harness.cli._common import Parser, guarded, report_dir, stopped_words
from harness.errors import HarnessError, UsageError
from mock_ollama.errors import MockOllamaError

if TYPE_CHECKING:
    import argparse
    from collections.abc import Sequence

    from harness.bench.designs.plan import BenchConfig
    from harness.bench.designs.run import Engine

PROG = "sse-harness bench"


def build_parser() -> argparse.ArgumentParser:
    p = Parser(prog=PROG, description=__doc__)
    p.add_argument(
        "--design",
        action="append",
        default=[],
        metavar="NAME=CMD::URL[::DIALECT]",
        help=f"a design to measure (repeatable); bundled: {', '.join(BUNDLED)}",
    )
    p.add_argument("--designs", metavar="FILE.toml", help="[[design]] tables")
    p.add_argument("--profile", choices=sorted(PROFILES), help="a named set-up")
    p.add_argument("--layer", action="append", default=[], help="direct, nginx, ...")
    p.add_argument("--concurrency", help="comma-separated, e.g. 1,10,100")
    p.add_argument("--scenario", help="mock scenario (default qwen-chat)")
    p.add_argument("--timing", help="mock timing policy (default fixed:75)")
    p.add_argument("--repeat", type=int, help="scenario repetitions per stream")
    group = p.add_mutually_exclusive_group()
    group.add_argument("--duration", type=float, help="seconds of waves per cell")
    group.add_argument("--streams", type=int, help="streams per cell (in waves)")
    p.add_argument("--engine", choices=("native", "locust"), default="native")
    p.add_argument("--workers", type=int, help="worker processes (default: cores)")
    p.add_argument(
        "--floor",
        type=int,
        default=50,
        help="native: streams one client process takes before spreading (50)",
    )
    p.add_argument(
        "--no-realtime",
        dest="realtime",
        action="store_false",
        help="run the mock and the clients at normal priority (default: SCHED_RR "
        "when permitted and a client process carries at most --floor streams)",
    )
    p.add_argument("--report-dir", help="write bench.json, summary.md, report.html")
    p.add_argument(
        "--quiet", action="store_true", help="no progress on stderr (reports only)"
    )
    return p


def _concurrency(text: str) -> tuple[int, ...]:
    try:
        values = tuple(int(v) for v in text.split(",") if v.strip())
    except ValueError:
        values = ()
    if not values or min(values) < 1:
        raise UsageError(f"--concurrency {text!r}: expected e.g. 1,10,100")
    return values


def _check_scenario(name: str | None) -> None:
    """The marker reaches the mock's bundled scenarios only (by name, never a path)."""
    from mock_ollama.scenario.catalog import bundled_names

    known = bundled_names()
    if name is not None and name not in known:
        raise UsageError(
            f"--scenario {name}: not a bundled scenario (known: {', '.join(known)})"
        )


def config_from(args: argparse.Namespace) -> BenchConfig:
    from harness.bench.designs.plan import BenchConfig
    from harness.install.pieces import require_layers
    from harness.layers import parse_layer

    profile = PROFILES[args.profile] if args.profile else None
    designs = [parse_design(spec) for spec in args.design]
    if args.designs:
        try:
            text = Path(args.designs).read_text()
        except OSError as exc:
            raise UsageError(f"--designs {args.designs}: {exc.strerror}") from None
        designs += load_designs(text, args.designs)
    if not designs and profile:
        designs = [BUNDLED[name] for name in profile.designs]
    if not designs:
        raise UsageError("give --design, --designs or --profile")
    check_unique(designs)
    layers = tuple(args.layer) or (profile.layers if profile else ("direct",))
    for layer in layers:
        parse_layer(layer)
    require_layers(layers)
    conc = (
        _concurrency(args.concurrency)
        if args.concurrency
        else (profile.concurrency if profile else (1,))
    )
    base = profile or PROFILES["smoke"]
    _check_scenario(args.scenario)
    return BenchConfig(
        designs=tuple(designs),
        layers=layers,
        concurrency=conc,
        scenario=args.scenario or base.scenario,
        timing=args.timing or base.timing,
        repeat=args.repeat or base.repeat,
        streams=args.streams,
        duration_s=args.duration,
        profile=args.profile or "",
    )


def _engine(args: argparse.Namespace) -> Engine:
    if args.engine == "locust":
        from harness.bench.designs.engines.locust_engine import LocustEngine

        return LocustEngine(workers=args.workers or 2, rt=args.realtime)
    from harness.bench.designs.engines.native import NativeEngine

    return NativeEngine(workers=args.workers, floor=args.floor, rt=args.realtime)


def bench(args: argparse.Namespace, argv: Sequence[str]) -> int:
    """Every option (and ``--report-dir``) checked before anything starts; then the
    cells, with progress on stderr; then the stamped reports, also of a run cut short
    by Ctrl-C or SIGTERM (what was measured)."""
    from harness.bench.designs.report.files import BENCH_NAMES, write_reports
    from harness.bench.designs.run import Runner
    from harness.runtime.progress import make_progress

    started = time.time()
    config = config_from(args)
    engine = _engine(args)
    directory = report_dir(args.report_dir, BENCH_NAMES)
    progress = make_progress(quiet=args.quiet)
    try:
        runner = Runner(
            config,
            engine,
            lambda label, done, total: progress.phase(f"[{done + 1}/{total}] {label}"),
        )
        try:
            result = runner.run()
        except (HarnessError, MockOllamaError) as exc:
            result = runner.result
            result.error = str(exc)
    finally:
        progress.close()
    if directory is not None:
        for path in write_reports(result, directory, started, argv):
            print(f"{PROG}: wrote {path}", file=sys.stderr)
    from harness.bench.designs.report.json import to_document
    from harness.bench.designs.report.md import render

    print(render(to_document(result)))
    for failure in result.failures:
        print(f"{PROG}: not measured: {failure}", file=sys.stderr)
    if result.error:
        print(f"{PROG}: error: {result.error}", file=sys.stderr)
        return 2
    if result.interrupted:
        print(
            f"{PROG}: {stopped_words(result.stopped)}; partial results", file=sys.stderr
        )
        return result.stopped
    return 2 if result.failures else 0


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[2:] if argv is None else argv)
    args = build_parser().parse_args(argv)
    return guarded(PROG, lambda: bench(args, ["sse-harness", "bench", *argv]))
