"""harness.runtime.workdir: owner in the name, stale directories swept by the next run."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import TYPE_CHECKING

from harness.runtime.workdir import (
    PREFIX,
    owner_alive,
    pid_namespace,
    run_workdir,
    sweep_stale,
)

if TYPE_CHECKING:
    from pathlib import Path


def dead_pid() -> int:
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    return int(done.stdout)


def test_the_directory_names_its_owner_and_is_removed_on_exit(tmp_path: Path) -> None:
    with run_workdir(root=tmp_path) as work:
        assert work.parent == tmp_path
        assert work.name.startswith(f"{PREFIX}{os.getpid()}-")
        assert (work / "owner").read_text().split()[0] == str(os.getpid())
        assert owner_alive(work)
        (work / "file").write_text("x")
    assert not work.exists()


def test_a_given_directory_is_made_and_kept(tmp_path: Path) -> None:
    with run_workdir(tmp_path / "mine" / "work") as work:
        assert work == tmp_path / "mine" / "work" and work.is_dir()
    assert work.is_dir()


def test_the_next_run_sweeps_directories_of_dead_owners_only(tmp_path: Path) -> None:
    stale = tmp_path / f"{PREFIX}{dead_pid()}-abcd"
    alive = tmp_path / f"{PREFIX}{os.getpid()}-efgh"
    recycled = tmp_path / f"{PREFIX}{os.getpid()}-ijkl"  # our pid, another start time
    foreign = tmp_path / f"{PREFIX}report"
    elsewhere = tmp_path / f"{PREFIX}{dead_pid()}-mnop"  # another pid namespace
    for path in (stale, alive, recycled, foreign, elsewhere):
        path.mkdir()
    (recycled / "owner").write_text(f"{os.getpid()} 1 {pid_namespace()}\n")
    (elsewhere / "owner").write_text("1 1 pid:[1]\n")
    (stale / "sub").mkdir()
    with run_workdir(root=tmp_path) as work:
        assert work.is_dir()
        assert not stale.exists() and not recycled.exists()
        assert alive.is_dir() and foreign.is_dir() and elsewhere.is_dir()


def test_sweep_of_a_missing_root_is_harmless(tmp_path: Path) -> None:
    assert sweep_stale(tmp_path / "missing") == []
