"""``sse-harness doctor``: what this installation can do.

One line per piece (``harness.install.pieces.PIECES``, then the bench's real-time
scheduling and the Node projects installed on first use): ``ok`` with its version or
path, ``MISSING`` with what its absence disables and the command that gets it, or
``first use`` for what a command installs into the cache when it first needs it.
Exit status 0 when the gate can run (``sse-harness run --layer direct``), 1 when it
cannot, 2 for a usage error.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from harness import __version__
from harness.cli._common import Parser

if TYPE_CHECKING:
    import argparse
    from collections.abc import Sequence

    from harness.install.node import NodeProject
    from harness.install.pieces import Found, Piece

MARKS = {True: "ok", False: "MISSING"}


def build_parser() -> argparse.ArgumentParser:
    return Parser(prog="sse-harness doctor", description=__doc__)


def _realtime() -> Found:
    from harness.bench.designs.realtime import problem
    from harness.install.pieces import Found

    why = problem()
    return Found(not why, why or "SCHED_RR permitted")


def _cached(project: NodeProject) -> Found:
    from harness.install.cache import cache_root
    from harness.install.node import cached
    from harness.install.pieces import Found

    where = cached(project)
    if where is not None:
        return Found(True, str(where))
    return Found(False, f"installed on first use into {cache_root() / project.name}")


def pieces() -> list[tuple[Piece, bool]]:
    """Every piece, and whether a missing one is installed on first use instead."""
    import functools

    from harness.bench.designs.prepare import NEXTJS
    from harness.compat.node_drivers import DRIVERS
    from harness.install.pieces import PIECES, Piece

    extra = [
        Piece(
            "real-time scheduling",
            _realtime,
            "SCHED_RR for the bench's mock and clients (steadier timings at high "
            "concurrency; the bench still runs)",
            "run as root, or grant CAP_SYS_NICE (setcap cap_sys_nice+ep on the "
            "Python binary) or an RLIMIT_RTPRIO",
        ),
    ]
    cached = [
        Piece(
            f"{p.name} (cache)",
            functools.partial(_cached, p),
            "nothing yet: the first command that needs it installs it (node, npm)",
            "run the command; it installs with npm ci on first use",
        )
        for p in (DRIVERS, NEXTJS)
    ]
    return [(p, False) for p in (*PIECES, *extra)] + [(p, True) for p in cached]


def main(argv: Sequence[str] | None = None) -> int:
    build_parser().parse_args(list(sys.argv[1:] if argv is None else argv))
    from harness.install.pieces import missing_line

    print(f"sse-harness {__version__} ({sys.executable})")
    gate_ok = True
    for piece, first_use in pieces():
        found = piece.detect()
        if found.ok or first_use:
            line = found.detail
        else:
            line = missing_line(piece, found)
            gate_ok = gate_ok and not piece.gate
        mark = "first use" if first_use and not found.ok else MARKS[found.ok]
        print(f"{mark:<9} {piece.name:<32} {line}")
    verdict = "can run" if gate_ok else "cannot run"
    print(f"sse-harness doctor: the gate {verdict} (sse-harness run --layer direct)")
    return 0 if gate_ok else 1
