"""Project-wide rules: the pure core stays pure, arrows point down, modules stay small,
and the code stays ruff- and mypy-clean (docs/architecture.md)."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("harness", "mock_ollama", "proxies")

#: the pure core: importing one of these in a fresh interpreter loads only the
#: standard library and other modules of this list (and their parent packages)
PURE = (
    "harness",
    "harness.checks.needs",
    "harness.checks.need",
    "harness.checks.reasons",
    "harness.checks.facts",
    "harness.errors",
    "harness.sse",
    "harness.sse.events",
    "harness.sse.interpreter",
    "harness.sse.fastpath",
    "harness.sse.lines",
    "harness.sse.parser",
    "harness.sse.implementation",  # picks the mypyc build or the source (stdlib only)
    # that build's shared library, when .ci/build_sse.py made one
    *(["harness.sse.native__mypyc"] * any(ROOT.glob("harness/sse/native__mypyc.*"))),
    "harness.checks",
    "harness.checks.model",
    "harness.checks.common",
    "harness.checks.hdr",
    "harness.checks.flush",
    "harness.checks.frm",
    "harness.checks.lat",
    "harness.checks.end",
    "harness.checks.cancel",
    "harness.checks.req",
    "harness.checks.mime",
    "harness.checks.failures",
    "harness.checks.idle",
    "harness.checks.fixes",
    "harness.checks.howto",
    "harness.client.observation",
    "harness.checks.doc",
    "harness.gate.plan",
    "harness.gate.judge",
    "harness.probe.catalog",
    "harness.probe.bounds",
    "harness.probe.requests",
    "harness.probe.dialects",
    "harness.probe.expected",
    "harness.probe.scenarios",
    "harness.probe.transcript",
    "harness.upstream.exchanges",
    "harness.gate.report",
    "harness.gate.cells",
    "harness.gate.html",
    "harness.gate.timeline",
    "harness.clients",
    "harness.clients.model",
    "harness.clients.verdict",
    "harness.clients.drivers",
    "harness.clients.stream",
    "mock_ollama",
    "mock_ollama.errors",
    "mock_ollama.config",
    "mock_ollama.recording",
    "mock_ollama.timestamps",
    "mock_ollama.annotation",
    "mock_ollama.schedule",
    "mock_ollama.policies",
    "mock_ollama.marker",
    "mock_ollama.catalog",
    "mock_ollama.gojson",
    "mock_ollama.godecode",
    "mock_ollama.goscanner",
    "mock_ollama.exchange_log",
    "mock_ollama.port_file",
    "mock_ollama.responses",
    "mock_ollama.error_answers",
    "mock_ollama.request_fields",
    "mock_ollama.models",
    "mock_ollama.aggregation",
    "mock_ollama.endpoints",
    "mock_ollama.native_endpoints",
    "mock_ollama.openai",
    "mock_ollama.openai_endpoints",
    "mock_ollama.upstream_modes",
)
#: sans-IO but not stdlib-only: protocol state machines from well-kept libraries
SANS_IO = {"harness.client.sessions": ("h11", "h2", "hpack", "hyperframe")}
#: standard-library modules that mean I/O: no pure or sans-IO module may load them
IO_STDLIB = ("asyncio", "socket", "ssl", "selectors", "subprocess")

#: the arrows: the project modules each room may import besides its own room and
#: PURE. Checked statically with ast over the source, so imports inside functions
#: and under TYPE_CHECKING count too: a pure module that names an I/O shell's type
#: in a signature depends on that shell's vocabulary just the same.
ENTRY_POINTS = ("harness.cli", "harness.pytest_plugin", "harness.suite")
ROOMS: dict[str, tuple[str, ...]] = {
    "harness": (),
    "harness.errors": (),
    "harness.sse": (),
    "harness.checks": (),
    "harness.client": (),
    "harness.probe": ("harness.client", "harness.upstream"),
    "harness.upstream": ("harness.processes",),
    "harness.layers": ("harness.processes", "harness.deathsig"),
    "harness.processes": ("harness.deathsig", "harness.watchdog"),
    "harness.deathsig": (),  # the pre-exec hook every child gets
    "harness.watchdog": (),  # a standalone survivor: stdlib only
    "harness.target": ("harness.processes",),
    "harness.bench": ("harness",),  # the designs benchmark orchestrates like the gate
    "harness.clients": (
        "harness.processes",
        "harness.upstream",
    ),  # real client libraries
    "harness.gate": ("harness",),  # every room below the entry points
    "mock_ollama": (),
    "proxies": (),  # reference proxies stand alone: no harness, no mock
    **{entry: ("harness", "mock_ollama") for entry in ENTRY_POINTS},
}
#: modules over LINE_LIMIT lines while others split them; remove an entry once it fits
LINE_LIMIT = 300
TOO_LONG = {
    "harness/layers/nginx.py",
}
#: at most this many modules directly in harness/, besides the subpackages
FLAT_LIMIT = 10


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@cache
def _sources() -> dict[str, Path]:
    return {
        _module_name(path): path
        for package in PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
        if "node_modules" not in path.parts
    }


def _imports(name: str) -> set[str]:
    """The project modules ``name`` imports, as written in its source."""
    path = _sources()[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                found.add(sub if sub in _sources() else base)
    return {m for m in found if m.split(".")[0] in PACKAGES}


def _room(name: str) -> str:
    return max((room for room in ROOMS if _within(name, room)), key=len)


def _within(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


@cache
def _loaded() -> dict[str, list[str]]:
    """Per pure module: the modules importing it loads in a fresh interpreter.

    All interpreters start at once (each import takes a fraction of a second, most of
    it interpreter start-up), then each prints the new ``sys.modules`` keys as JSON.
    Pure modules get an interpreter without site-packages (``-S``): a third-party
    import fails outright instead of being found.
    """
    code = (
        "import importlib, json, sys; before = set(sys.modules); "
        "importlib.import_module(sys.argv[1]); "
        "print(json.dumps(sorted(set(sys.modules) - before)))"
    )
    running = {
        module: subprocess.Popen(
            # -S: no site-packages at all for the pure core (faster, and stricter)
            [
                sys.executable,
                *(() if module in SANS_IO else ("-S",)),
                "-c",
                code,
                module,
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        for module in [*PURE, *SANS_IO]
    }
    found = {}
    for module, process in running.items():
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, f"import {module} failed:\n{err[-2000:]}"
        found[module] = json.loads(out)
    return found


def _parents(names: tuple[str, ...]) -> set[str]:
    return {
        ".".join(n.split(".")[:i]) for n in names for i in range(1, n.count(".") + 1)
    }


@pytest.mark.parametrize("module", [*PURE, *SANS_IO])
def test_pure_core_loads_only_the_standard_library(module):
    third_party = SANS_IO.get(module, ())
    allowed = set(PURE) | _parents(PURE) | {module} | _parents((module,))
    bad = [
        name
        for name in _loaded()[module]
        if not (
            name in allowed
            or (
                name.split(".")[0] in sys.stdlib_module_names
                and name.split(".")[0] not in IO_STDLIB
            )
            or name.split(".")[0] in third_party
        )
    ]
    assert not bad, f"importing {module} loads {bad}"


def _allowed(module: str, dep: str) -> bool:
    """Whether ``module`` may import project module ``dep`` (the arrows)."""
    room = _room(module)
    if room in ENTRY_POINTS:
        return True  # entry points sit on top and may import anything
    if any(_within(dep, entry) for entry in ENTRY_POINTS):
        return False  # nothing below them imports an entry point
    if module.split(".")[0] != "harness" and dep.split(".")[0] != module.split(".")[0]:
        return False  # the mock and the proxies never import the harness
    if module in PURE:
        return dep in PURE or dep in _parents(PURE)  # pure imports pure only
    return (
        dep in PURE  # everything may use the pure core
        or (room != "harness" and _within(dep, room))
        or any(_within(dep, ok) for ok in ROOMS[room])
    )


def test_every_module_has_a_room():
    homeless = [n for n in _sources() if _room(n) == "harness" and n != "harness"]
    assert not homeless, f"add {homeless} to ROOMS"


@pytest.mark.parametrize("module", sorted(_sources()))
def test_arrows_point_down(module):
    wrong = sorted(dep for dep in _imports(module) if not _allowed(module, dep))
    assert not wrong, f"{module} (room {_room(module)}) imports {wrong}"


@pytest.mark.parametrize(
    ("module", "dep"),
    [
        ("harness.checks.hdr", "harness.client.loop"),
        ("harness.sse.parser", "harness.probe.perform"),
        ("harness.probe.transcript", "harness.upstream.mock"),
        ("harness.client.loop", "harness.gate.run"),
        ("harness.upstream.mock", "harness.layers"),
        ("harness.gate.run", "harness.cli.main"),
        ("harness.gate.run", "harness.pytest_plugin"),
        ("mock_ollama.marker", "mock_ollama.app"),
        ("mock_ollama.app", "harness.sse"),
    ],
)
def test_an_upward_arrow_is_refused(module, dep):
    assert not _allowed(module, dep)


def test_the_architecture_page_names_every_room():
    page = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    rooms = {
        _room(name)
        for name in _sources()
        if name.startswith("harness.") and _room(name)
    }
    missing = sorted(r for r in rooms if f"`{r.replace('.', '/')}" not in page)
    assert not missing, f"docs/architecture.md does not describe {missing}"


def test_modules_stay_small():
    over = {
        str(path.relative_to(ROOT)): lines
        for path in _sources().values()
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > LINE_LIMIT
    }
    assert set(over) <= TOO_LONG, f"over {LINE_LIMIT} lines: {over}"
    fitting = TOO_LONG - set(over)
    assert not fitting, f"{sorted(fitting)} fit now: drop them from TOO_LONG"


def test_harness_has_few_flat_modules():
    flat = sorted(p.name for p in (ROOT / "harness").glob("*.py"))
    assert len(flat) <= FLAT_LIMIT, flat


def _tool(name: str) -> list[str]:
    exe = Path(sys.executable).parent / name
    return [str(exe)] if exe.exists() else [sys.executable, "-m", name]


def test_ruff_clean():
    out = subprocess.run(
        [*_tool("ruff"), "check", "."], capture_output=True, text=True, cwd=ROOT
    )
    assert out.returncode == 0, out.stdout[-4000:] + out.stderr[-2000:]


def test_ruff_format_clean():
    out = subprocess.run(
        [*_tool("ruff"), "format", "--check", "."],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert out.returncode == 0, out.stdout[-4000:] + out.stderr[-2000:]


@pytest.mark.slow
def test_mypy_strict_clean():
    out = subprocess.run([*_tool("mypy")], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0, out.stdout[-6000:] + out.stderr[-2000:]
