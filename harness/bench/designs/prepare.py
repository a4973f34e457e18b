"""Bundled designs made ready to start, before the benchmark starts anything.

The ``node`` design needs ``node``; the ``nextjs`` design (the seed's Next.js route)
needs a ``next build`` of the sources shipped in the package: on first use they are
installed (``npm ci`` from their lock file) and built into the per-version cache
(``harness.install.node``), with a progress line; Node and npm are enough. A design
that cannot be made ready is "not available: <why>. Fix: <command>", and the others
are still measured.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from harness.bench.designs.design import NEXT_DIR
from harness.errors import EnvironmentProblem
from harness.install.node import NodeProject, prepared
from harness.install.pieces import require

if TYPE_CHECKING:
    from collections.abc import Sequence

    from harness.bench.designs.design import Design

__all__ = ["NEXTJS", "prepare", "prepare_all"]

NEXTJS = NodeProject(
    name="nextjs-route",
    what="the nextjs design (npm ci + next build)",
    source=NEXT_DIR,
    files=(
        "package.json",
        "package-lock.json",
        "next.config.mjs",
        "tsconfig.json",
        "next-env.d.ts",
        "app/**/*",
    ),
    ready=("node_modules/next/package.json", ".next/BUILD_ID"),
    build=("node", "node_modules/next/dist/bin/next", "build"),
)
#: what a design's ``needs`` names: a Node project to install, or just a program
PROJECTS = {"nextjs": NEXTJS}


def prepare(design: Design) -> Design:
    """``design`` ready to start (its ``cwd`` the installed project's directory)."""
    if not design.needs:
        return design
    try:
        require("node")
        project = PROJECTS.get(design.needs)
        if project is None:
            return design
        return dataclasses.replace(design, cwd=str(prepared(project)))
    except EnvironmentProblem as exc:
        raise EnvironmentProblem(f"not available: {exc}") from None


def prepare_all(designs: Sequence[Design]) -> tuple[dict[str, Design], list[str]]:
    """Every design that can be made ready, by name; one line per one that cannot."""
    ready, failures = {}, []
    for design in designs:
        try:
            ready[design.name] = prepare(design)
        except EnvironmentProblem as exc:
            failures.append(f"{design.name}: {exc}")
    return ready, failures
