"""The three jobs from ``pip install``, outside this repository (docs/install.md).

One fresh virtualenv for the module: the sdist and both wheels are built
(``.ci/build_wheel.py``), the platform wheel is installed with ``[all]`` (pip may use
its cache; the registry is reachable), and every command runs from an empty directory
with no ``PYTHONPATH`` and a cache of its own (``XDG_CACHE_HOME``). The tests run in
file order: the first Node command installs the drivers, the next reuses them, and the
last one checks that nothing under site-packages changed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from harness.compat.drivers import CLIENTS
from tests.tools import require_tool

pytestmark = [pytest.mark.slow, pytest.mark.needs_node, pytest.mark.timeout(1500)]

ROOT = Path(__file__).resolve().parents[3]
TINY_PROXY = '''\
"""A user's proxy: Ollama's /api/chat NDJSON as SSE, in the seed dialect."""
import json, os, sys

import httpx, uvicorn
from starlette.applications import Starlette
from starlette.responses import StreamingResponse
from starlette.routing import Route

UPSTREAM = sys.argv[2]


async def complete(request):
    body = await request.json()
    ask = {"model": "qwen2.5:7b", "stream": True,
           "messages": [{"role": "user", "content": body["prompt"]}]}

    async def events():
        async with httpx.AsyncClient(timeout=None) as client:
            async with client.stream("POST", UPSTREAM + "/api/chat", json=ask) as up:
                async for line in up.aiter_lines():
                    if not line.strip():
                        continue
                    part = json.loads(line)
                    text = part.get("message", {}).get("content", "")
                    if text:
                        yield "data: " + json.dumps({"token": text}) + "\\n\\n"
                    if part.get("done"):
                        yield 'data: {"finished": true}\\n\\n'

    return StreamingResponse(events(), media_type="text/event-stream",
                             headers={"Cache-Control": "no-cache",
                                      "X-Accel-Buffering": "no"})


app = Starlette(routes=[Route("/api/v1/complete", complete, methods=["POST"])])
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
'''
USER_PYPROJECT = """\
[tool.pytest.ini_options]
sse_select = "HDR-*"
sse_layers = "direct"
sse_idle_seconds = "2"
"""


class User:
    """The installed package as a user runs it."""

    def __init__(self, venv: Path, home: Path) -> None:
        self.venv = venv
        self.home = home
        self.cwd = home / "project"
        self.cwd.mkdir(parents=True, exist_ok=True)
        self.cache = home / "cache"
        self.site = Path(
            self.python(
                "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"
            )
        )

    def env(self, path: str | None = None) -> dict[str, str]:
        keep = (
            "HOME",
            "LANG",
            "LC_ALL",
            "TMPDIR",
            "CI",
            "PIP_INDEX_URL",
            "npm_config_registry",
        )
        env = {k: os.environ[k] for k in keep if k in os.environ}
        env["PATH"] = path or f"{self.venv / 'bin'}:{os.environ['PATH']}"
        env["XDG_CACHE_HOME"] = str(self.cache)
        return env

    def python(self, *args: str) -> str:
        done = subprocess.run(
            [str(self.venv / "bin" / "python"), *args],
            cwd=self.cwd,
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
        return done.stdout.strip()

    def run(
        self,
        *args: str,
        timeout: float = 300,
        path: str | None = None,
        tool: str = "sse-harness",
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(self.venv / "bin" / tool), *args],
            cwd=self.cwd,
            env=self.env(path),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )


#: pytest's own assertion-rewrite cache: pytest writes it beside every plugin module it
#: loads (anyio's as much as ours) when the user's project runs pytest
PYTEST_CACHE = "-pytest-"


def _snapshot(root: Path) -> dict[str, tuple[int, int]]:
    return {
        str(p.relative_to(root)): (p.stat().st_size, p.stat().st_mtime_ns)
        for p in root.rglob("*")
        if (p.is_file() or p.is_symlink()) and PYTEST_CACHE not in p.name
    }


@pytest.fixture(scope="module")
def user(tmp_path_factory: pytest.TempPathFactory) -> User:
    require_tool("node", "bash .ci/setup installs it")
    require_tool("npm", "bash .ci/setup installs it")
    base = tmp_path_factory.mktemp("install")
    dist = base / "dist"
    subprocess.run(
        [sys.executable, str(ROOT / ".ci" / "build_wheel.py"), "--out", str(dist)],
        check=True,
        timeout=900,
        capture_output=True,
    )
    names = sorted(p.name for p in dist.iterdir())
    assert any(n.endswith(".tar.gz") for n in names), names
    assert any(n.endswith("-py3-none-any.whl") for n in names), names
    (native,) = [p for p in dist.iterdir() if "linux" in p.name]
    inside = zipfile.ZipFile(native).namelist()
    assert "harness/sse/native.stamp" in inside
    assert "proxies/starlette_proxy/__main__.py" in inside
    assert "proxies/nextjs_route/package-lock.json" in inside
    assert not any("node_modules" in n for n in inside)
    venv = base / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    subprocess.run(
        [str(venv / "bin" / "pip"), "install", "-q", f"{native}[all]"],
        check=True,
        timeout=900,
        capture_output=True,
    )
    found = User(venv, base / "home")
    found.before = _snapshot(found.site)  # type: ignore[attr-defined]
    return found


def test_doctor_says_what_runs_and_the_compiled_parser(user: User) -> None:
    done = user.run("doctor")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "compiled (mypyc)" in done.stdout
    assert "the gate can run" in done.stdout
    assert "client-drivers (cache)" in done.stdout


def test_bare_run_gates_the_bundled_proxy(user: User) -> None:
    done = user.run("run", "--report-dir", "reports", timeout=600)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert (user.cwd / "reports" / "report.json").is_file()


def test_run_gates_a_proxy_the_user_wrote(user: User) -> None:
    (user.cwd / "tiny_proxy.py").write_text(TINY_PROXY)
    done = user.run(
        "run",
        "--proxy-cmd",
        f"{user.venv / 'bin' / 'python'} tiny_proxy.py {{port}} {{upstream}}",
        "--proxy-url",
        "http://127.0.0.1:{port}/api/v1/complete",
        "--select",
        "HDR-*,FRM-*",
        "--report-dir",
        "tiny",
        timeout=300,
    )
    assert done.returncode in (0, 1), done.stdout[-2000:] + done.stderr[-2000:]
    report = json.loads((user.cwd / "tiny" / "report.json").read_text())
    assert report["results"], report


def test_clients_install_the_node_drivers_on_first_use(user: User) -> None:
    done = user.run(
        "clients", "--client", "react-native-sse", "--client", "httpx-sse", timeout=600
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert "installing the Node client drivers" in done.stderr
    assert (user.cache / "sse-harness").is_dir()


def test_repro_reuses_the_drivers_and_shows_the_issue(user: User) -> None:
    done = user.run("repro", "issue-4788", "--report-dir", "repro", timeout=600)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert "installing" not in done.stderr
    cells = json.loads((user.cwd / "repro" / "clients.json").read_text())["cells"]
    (rn,) = [
        c
        for c in cells
        if c["client"] == "react-native-sse" and c["target"] == "ollama-direct"
    ]
    assert rn["events"] == 0 and rn["error"] is None, rn
    through = [c for c in cells if c["target"] == "through-proxy"]
    sse_clients = {n for n, spec in CLIENTS.items() if spec.reads == "sse"}
    assert {c["client"] for c in through} == sse_clients - {"openai-python"}
    assert all(c["text_ok"] and not c["error"] for c in through), through


def test_bench_runs_what_it_can_and_names_what_it_cannot(user: User) -> None:
    # node but no npm: the nextjs design cannot be built; the others run
    bin_dir = user.home / "node-only"
    bin_dir.mkdir(exist_ok=True)
    node = require_tool("node")
    (bin_dir / "node").symlink_to(node)
    done = user.run(
        "bench",
        "--profile",
        "key-findings",
        "--layer",
        "direct",
        "--concurrency",
        "1",
        "--streams",
        "1",
        "--timing",
        "fixed:5",
        "--no-realtime",
        timeout=600,
        path=f"{user.venv / 'bin'}:{bin_dir}",
    )
    err = done.stderr
    assert done.returncode == 2, done.stdout[-2000:] + err[-2000:]
    assert "nextjs: not available: npm is missing" in err, err[-2000:]
    assert "Fix: apt-get install npm" in err
    assert "not measured" not in err.replace("not measured: nextjs", "")
    for design in ("blocking", "websocket", "starlette", "node", "naive-stream"):
        assert design in done.stdout, done.stdout


def test_pytest_plugin_in_a_user_project(user: User) -> None:
    project = user.home / "plugin-project"
    project.mkdir()
    (project / "pyproject.toml").write_text(USER_PYPROJECT)
    (project / "test_gate.py").write_text(
        "from harness.suite.test_conformance import test_check  # noqa: F401\n"
    )
    done = subprocess.run(
        [
            str(user.venv / "bin" / "python"),
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
        ],
        cwd=project,
        env=user.env(),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert " passed" in done.stdout


def test_doctor_without_nginx_or_chromium_and_the_gate_still_runs(user: User) -> None:
    # PATH holds the virtualenv only; SSE_HARNESS_NGINX=nginx: look on PATH alone
    path = str(user.venv / "bin")
    env_path = path
    done = subprocess.run(
        [str(user.venv / "bin" / "sse-harness"), "doctor"],
        cwd=user.cwd,
        env={**user.env(env_path), "SSE_HARNESS_NGINX": "nginx"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    out = done.stdout
    assert done.returncode == 0, out + done.stderr
    assert "MISSING   nginx" in out and "it disables the nginx layers" in out, out
    assert "MISSING   chromium" in out and "it disables the browser clients" in out
    assert "MISSING   node" in out
    run = user.run(
        "run", "--layer", "direct", "--select", "HDR-*,FRM-*,END-*", path=env_path
    )
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]


def test_nothing_under_site_packages_changed(user: User) -> None:
    after = _snapshot(user.site)
    before = user.before  # type: ignore[attr-defined]
    changed = sorted(
        set(after) ^ set(before) | {k for k in after if after[k] != before.get(k)}
    )
    assert not changed, changed[:20]
