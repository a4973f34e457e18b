"""Node projects shipped in the wheel, installed on first use into the cache.

A project is a directory of the installed package holding ``package.json``, its
``package-lock.json`` and the sources. On first use its files are copied to
``<cache>/<name>/``, ``npm ci`` installs exactly the locked versions there (from the
registry the user's npm is configured for), and an optional build step runs; a stamp
holding the digest of the shipped files marks the result as current, so a second run
reuses it and a new version of the files installs afresh. Nothing is written beside
the shipped files. A checkout set up by ``.ci/setup`` (``node_modules`` already in
the source directory) is used in place.

Every step runs as a managed process (own process group, stopped with us) bounded by
a timeout; while one run installs, another waits on the cache lock.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from harness.errors import EnvironmentProblem
from harness.install.cache import cache_root, locked, progress
from harness.install.pieces import require
from harness.processes import ManagedProcess

if TYPE_CHECKING:
    from pathlib import Path

__all__ = ["NodeProject", "prepared"]

STAMP = ".sse-harness-stamp"
STEP_TIMEOUT_S = 600.0
NPM_CI = ("npm", "ci", "--no-audit", "--no-fund", "--loglevel=error")


@dataclass(frozen=True, slots=True)
class NodeProject:
    """``source``: the shipped directory; ``files``: glob patterns of what to copy;
    ``ready``: paths (relative) that exist once installed and built; ``build``: argv
    run after ``npm ci``; ``what``: how a progress line names it."""

    name: str
    what: str
    source: Path
    files: tuple[str, ...]
    ready: tuple[str, ...]
    build: tuple[str, ...] = ()


def _files(project: NodeProject) -> list[Path]:
    found = {p for pattern in project.files for p in project.source.glob(pattern)}
    return sorted(p for p in found if p.is_file() and "node_modules" not in p.parts)


def digest(project: NodeProject) -> str:
    """SHA-256 over the relative names and bytes of the shipped files."""
    sha = hashlib.sha256()
    for path in _files(project):
        sha.update(str(path.relative_to(project.source)).encode() + b"\0")
        sha.update(path.read_bytes() + b"\0")
    return sha.hexdigest()


def _is_ready(directory: Path, project: NodeProject) -> bool:
    return all((directory / rel).exists() for rel in project.ready)


def cached(project: NodeProject) -> Path | None:
    """Where the project is ready to use without installing anything, else None."""
    if _is_ready(project.source, project):
        return project.source
    target = cache_root() / project.name
    try:
        current = (target / STAMP).read_text().strip() == digest(project)
    except OSError:
        return None
    return target if current and _is_ready(target, project) else None


def prepared(project: NodeProject) -> Path:
    """The directory to run the project from, installing it first when needed;
    EnvironmentProblem (what is missing and the command that fixes it) else."""
    found = cached(project)
    if found is not None:
        return found
    require("node")
    require("npm")
    target = cache_root() / project.name
    with locked(target.parent):
        found = cached(project)  # another run may have installed it meanwhile
        if found is not None:
            return found
        started = time.monotonic()
        progress(f"installing {project.what} into {target} (once per version) ...")
        (target / STAMP).unlink(missing_ok=True)
        for path in _files(project):
            dest = target / path.relative_to(project.source)
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, dest)
        _step(project, target, NPM_CI, "npm ci", "npm-ci.log")
        if project.build:
            _step(project, target, project.build, "the build", "build.log")
        (target / STAMP).write_text(digest(project) + "\n")
        progress(f"{project.what} ready in {time.monotonic() - started:.0f} s")
    return target


def _step(
    project: NodeProject, target: Path, argv: tuple[str, ...], name: str, log_name: str
) -> None:
    log = target / log_name
    env = {
        **os.environ,
        "NEXT_TELEMETRY_DISABLED": "1",
        "npm_config_update_notifier": "false",
    }
    process = ManagedProcess(argv, env=env, cwd=str(target), log_path=log, name=name)
    process.start()
    deadline = time.monotonic() + STEP_TIMEOUT_S
    try:
        while process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.1)
        status = process.poll()
    finally:
        process.stop(grace=2.0)
    if status != 0:
        why = "timed out" if status is None else f"failed ({process.last_lines(2)})"
        raise EnvironmentProblem(
            f"{project.what}: {name} in {target} {why}; full output in {log}. "
            f"Fix: check npm's registry (npm config get registry) and network, "
            f"then run again (or: cd {target} && {' '.join(argv)})"
        )
