"""Node projects installed on first use into the cache, with a stand-in npm; which
clients and designs run when a piece is missing; the doctor's lines."""

from __future__ import annotations

import os
import shutil
import stat
import threading
from typing import TYPE_CHECKING

import pytest

from harness.bench.designs import prepare
from harness.bench.designs.design import BUNDLED
from harness.bench.designs.prepare import prepare_all
from harness.cli import doctor
from harness.compat.ready import ready
from harness.compat.run import ClientRun
from harness.errors import EnvironmentProblem
from harness.install.cache import cache_root
from harness.install.node import NodeProject, cached, prepared

if TYPE_CHECKING:
    from pathlib import Path

FAKE_NPM = """#!/bin/sh
# a stand-in for npm ci: counts its runs, makes the package the project needs
[ "$1" = "--version" ] && { echo 10.0.0; exit 0; }
echo run >> "$COUNT"
[ -n "$NPM_FAIL" ] && { echo "npm ERR! 404 Not Found - GET $NPM_FAIL" >&2; exit 1; }
sleep 0.3
mkdir -p node_modules/left-pad && echo '{}' > node_modules/left-pad/package.json
"""


@pytest.fixture
def fake_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name, text in (("npm", FAKE_NPM), ("node", "#!/bin/sh\necho v20.0.0\n")):
        path = bin_dir / name
        path.write_text(text)
        path.chmod(path.stat().st_mode | stat.S_IEXEC)
    for tool in ("mkdir", "sleep"):  # what the stand-in uses: nothing else on PATH
        (bin_dir / tool).symlink_to(shutil.which(tool) or f"/bin/{tool}")
    monkeypatch.setenv("PATH", str(bin_dir))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("COUNT", str(tmp_path / "count"))
    return tmp_path


def _project(tmp_path: Path) -> NodeProject:
    source = tmp_path / "shipped"
    source.mkdir(exist_ok=True)
    (source / "package.json").write_text('{"name": "x"}')
    (source / "package-lock.json").write_text("{}")
    (source / "main.mjs").write_text("console.log(1)\n")
    return NodeProject(
        name="demo",
        what="the demo project",
        source=source,
        files=("package.json", "package-lock.json", "*.mjs"),
        ready=("node_modules/left-pad/package.json",),
    )


def _runs(tmp_path: Path) -> int:
    path = tmp_path / "count"
    return len(path.read_text().splitlines()) if path.exists() else 0


def test_installed_once_into_the_cache_and_reused(
    fake_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = _project(fake_env)
    before = sorted(p.name for p in project.source.iterdir())
    where = prepared(project)
    assert where == cache_root() / "demo"
    assert str(where).startswith(str(fake_env / "cache" / "sse-harness"))
    assert (where / "main.mjs").read_text() == "console.log(1)\n"
    assert "installing the demo project" in capsys.readouterr().err
    assert prepared(project) == where and _runs(fake_env) == 1
    assert sorted(p.name for p in project.source.iterdir()) == before
    # a changed shipped file (a new version) installs afresh
    (project.source / "main.mjs").write_text("console.log(2)\n")
    assert cached(project) is None
    assert prepared(project) == where and _runs(fake_env) == 2


def test_two_runs_at_once_install_once(fake_env: Path) -> None:
    project = _project(fake_env)
    found: list[Path] = []
    threads = [
        threading.Thread(target=lambda: found.append(prepared(project)))
        for _ in range(3)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert len(found) == 3 and len(set(found)) == 1
    assert _runs(fake_env) == 1


def test_a_failed_install_says_what_and_how(
    fake_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NPM_FAIL", "https://registry.example/left-pad")
    with pytest.raises(EnvironmentProblem) as caught:
        prepared(_project(fake_env))
    text = str(caught.value)
    assert (
        "npm ci" in text
        and "404 Not Found" in text
        and "npm config get registry" in text
    )
    assert cached(_project(fake_env)) is None  # no stamp: the next run tries again


def test_without_npm_the_line_names_it_and_the_fix(fake_env: Path) -> None:
    (fake_env / "bin" / "npm").unlink()
    with pytest.raises(
        EnvironmentProblem, match=r"npm is missing .*Fix: apt-get install npm"
    ):
        prepared(_project(fake_env))


def test_without_node_the_node_clients_stop_the_run_and_others_run_when_named(
    fake_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(fake_env / "empty"))
    monkeypatch.setattr("harness.compat.node_drivers.DRIVERS", _project(fake_env))
    every = ClientRun(clients=("react-native-sse", "httpx-sse", "chromium-eventsource"))
    with pytest.raises(EnvironmentProblem) as caught:
        ready(every, explicit=False)
    text = str(caught.value)
    assert "node is missing" in text and "Fix: apt-get install nodejs npm" in text
    named = ClientRun(clients=("httpx-sse",))
    assert ready(named, explicit=True)[0].clients == ("httpx-sse",)
    browser_only = ClientRun(clients=("chromium-eventsource", "httpx-sse"))
    found, notes = ready(browser_only, explicit=False)
    assert found.clients == ("httpx-sse",)
    assert "not run: chromium-eventsource: node is missing" in notes[0]


def test_chromium_missing_leaves_the_browser_clients_out(
    fake_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("harness.compat.node_drivers.DRIVERS", _project(fake_env))
    run = ClientRun(clients=("chromium-fetch-event-source", "httpx-sse"))
    found, notes = ready(run, explicit=False, chromium=str(fake_env / "no-such"))
    assert found.clients == ("httpx-sse",)
    assert "chromium is missing" in notes[0] and "--chromium PATH" in notes[0]


def test_bench_names_the_design_it_cannot_prepare(
    fake_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (fake_env / "bin" / "npm").unlink()
    monkeypatch.setitem(prepare.PROJECTS, "nextjs", _project(fake_env))
    designs = [BUNDLED["starlette"], BUNDLED["nextjs"], BUNDLED["node"]]
    ready_designs, failures = prepare_all(designs)
    assert sorted(ready_designs) == ["node", "starlette"]
    (line,) = failures
    assert line.startswith("nextjs: not available: npm is missing")
    assert "Fix: apt-get install npm" in line


def test_doctor_names_what_is_missing_and_what_it_disables(
    fake_env: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("PATH", str(fake_env / "empty"))
    monkeypatch.setenv("SSE_HARNESS_NGINX", "nginx")
    monkeypatch.delenv("SSE_HARNESS_CHROMIUM", raising=False)
    assert doctor.main([]) == 0
    out = capsys.readouterr().out
    for name, disables in (
        ("nginx", "the nginx layers"),
        ("chromium", "the browser clients"),
        ("node", "the Node client drivers"),
        ("npm", "installing the Node client drivers"),
    ):
        line = next(ln for ln in out.splitlines() if ln.split()[1:2] == [name])
        assert line.startswith("MISSING") and disables in line and "Fix:" in line, line
    assert "the gate can run" in out
    assert os.environ["PATH"] == str(fake_env / "empty")
