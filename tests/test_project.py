"""Project-wide rules: the pure core stays pure, arrows point down, modules stay small,
and the code stays ruff- and mypy-clean (docs/architecture.md)."""

from __future__ import annotations

import ast
import json
import re
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
    "harness.sse.build",  # picks the mypyc build or the source (stdlib only)
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
    "harness.checks.layer_howto",
    "harness.client.observation",
    "harness.checks.doc",
    "harness.checks.seen",
    "harness.checks.seen_cases",
    "harness.checks.seen_end",
    "harness.gate.html_notes",
    "harness.gate.badges",
    "harness.gate.junit",
    "harness.gate.diff",
    "harness.gate.diff_md",
    "harness.gate.plan",
    "harness.gate.judge",
    "harness.probe.catalog",
    "harness.client.bounds",
    "harness.probe.requests",
    "harness.probe.dialects",
    "harness.probe.expected",
    "harness.probe.evidence",
    "harness.probe.scenarios",
    "harness.probe.transcript",
    "harness.upstream.exchanges",
    "harness.gate.report",
    "harness.gate.cells",
    "harness.gate.html",
    "harness.gate.timeline",
    "harness.compat",
    "harness.compat.model",
    "harness.compat.verdict",
    "harness.compat.drivers",
    "harness.compat.stream",
    "harness.runtime",
    "harness.runtime.table",
    "harness.testing",
    "harness.testing.wpt",
    "harness.testing.vectors",
    "harness.testing.evidence",
    "harness.testing.dialect",
    "harness.bench.designs.metrics",
    "harness.bench.designs.design",
    "harness.bench.designs.report.samples",
    "harness.bench.designs.profiles",
    "harness.bench.designs.report.md",
    "harness.bench.designs.report.compare",
    # the mock's pure rooms: go, scenario and ollama whole; replay's pure modules
    "mock_ollama",
    "mock_ollama.errors",
    "mock_ollama.port_file",
    "mock_ollama.go",
    "mock_ollama.go.json",
    "mock_ollama.go.scanner",
    "mock_ollama.go.decode",
    "mock_ollama.go.fields",
    "mock_ollama.scenario",
    "mock_ollama.scenario.recording",
    "mock_ollama.scenario.annotation",
    "mock_ollama.scenario.timestamps",
    "mock_ollama.scenario.catalog",
    "mock_ollama.scenario.policies",
    "mock_ollama.scenario.marker",
    "mock_ollama.replay",
    "mock_ollama.replay.schedule",
    "mock_ollama.replay.exchange_log",
    "mock_ollama.replay.asgi",
    "mock_ollama.ollama",
    "mock_ollama.ollama.routes",
    "mock_ollama.ollama.steps",
    "mock_ollama.ollama.native",
    "mock_ollama.ollama.aggregation",
    "mock_ollama.ollama.openai",
    "mock_ollama.ollama.openai_routes",
    "mock_ollama.ollama.models",
    "mock_ollama.ollama.config",
    "mock_ollama.ollama.answers",
    "mock_ollama.ollama.modes",
)
#: sans-IO but not stdlib-only: protocol state machines from well-kept libraries
SANS_IO = {"harness.client.sessions": ("h11", "h2", "hpack", "hyperframe")}
#: standard-library modules that mean I/O: no pure or sans-IO module may load them
IO_STDLIB = ("asyncio", "socket", "ssl", "selectors", "subprocess")

#: the arrows: the project modules each room may import besides its own room and its
#: package's root. Checked statically with ast over the source, so imports inside
#: functions and under TYPE_CHECKING count too: a pure module that names an I/O shell's
#: type in a signature depends on that shell's vocabulary just the same. A harness room
#: imports exactly what its row lists (pure or not), and another package only through
#: that package's pure core.
ENTRY_POINTS = ("harness.cli", "harness.pytest_plugin", "harness.suite")
_MOCK_CORE = (
    "mock_ollama.errors",
    "mock_ollama.go",
    "mock_ollama.scenario",
    "mock_ollama.replay",
)
ROOMS: dict[str, tuple[str, ...]] = {
    "harness": (),
    "harness.errors": (),
    "harness.sse": (),
    # judges read the probe room's records and the observing client's vocabulary
    "harness.checks": (
        "harness.client.bounds",
        "harness.client.observation",
        "harness.probe.catalog",
        "harness.probe.dialects",
        "harness.probe.evidence",
        "harness.sse",
    ),
    "harness.client": ("harness.errors",),
    "harness.probe": (
        "harness.client",
        "harness.errors",
        "harness.sse",
        "harness.upstream",
        "mock_ollama",
    ),
    "harness.upstream": ("harness.errors", "harness.processes", "mock_ollama"),
    "harness.layers": (
        "harness.checks.flush",
        "harness.deathsig",
        "harness.errors",
        "harness.processes",
    ),
    "harness.processes": ("harness.deathsig", "harness.errors", "harness.watchdog"),
    "harness.deathsig": (),  # the pre-exec hook every child gets
    "harness.watchdog": (),  # a standalone survivor: stdlib only
    "harness.target": ("harness.errors", "harness.processes"),
    # the work directory, report files, progress, signals of every command
    "harness.runtime": ("harness.errors", "harness.processes", "harness.watchdog"),
    # public test helpers over the pure core
    "harness.testing": (
        "harness.checks",
        "harness.client.observation",
        "harness.errors",
        "harness.probe",
        "harness.sse",
        "harness.upstream.exchanges",
    ),
    # the benchmarks: never the gate, never an entry point
    "harness.bench": (
        "harness.client",
        "harness.deathsig",
        "harness.errors",
        "harness.install",
        "harness.layers",
        "harness.probe",
        "harness.processes",
        "harness.runtime",
        "harness.sse",
        "harness.target",
        "harness.testing",
        "harness.upstream",
        "mock_ollama",
    ),
    # real client libraries against the mock, the matrix
    "harness.compat": (
        "harness.errors",
        "harness.install",
        "harness.layers",
        "harness.probe",
        "harness.processes",
        "harness.runtime",
        "harness.sse",
        "harness.target",
        "harness.upstream",
        "mock_ollama",
    ),
    # the cache, Node projects installed on first use, the doctor's pieces
    "harness.install": (
        "harness.deathsig",
        "harness.errors",
        "harness.layers",
        "harness.processes",
        "harness.sse",
    ),
    # the gate: plans probes, performs them on each layer, judges, reports
    "harness.gate": (
        "harness.checks",
        "harness.client",
        "harness.errors",
        "harness.install",
        "harness.layers",
        "harness.probe",
        "harness.processes",
        "harness.runtime",
        "harness.target",
        "harness.upstream",
        "harness.watchdog",
        "mock_ollama",
    ),
    "proxies": (),  # reference proxies stand alone: no harness, no mock
    **{entry: ("harness", "mock_ollama") for entry in ENTRY_POINTS},
    # the mock (mock_ollama/__init__.py draws it): pure go, scenario and ollama at
    # the bottom, replay's writer, the server and the tools above, the CLI on top
    "mock_ollama": (),  # the package itself: __version__
    "mock_ollama.errors": (),  # the one exception base
    "mock_ollama.go": (),
    "mock_ollama.scenario": ("mock_ollama.errors",),
    "mock_ollama.replay": ("mock_ollama.errors", "mock_ollama.scenario"),
    "mock_ollama.ollama": (*_MOCK_CORE,),
    "mock_ollama.server": (*_MOCK_CORE, "mock_ollama.ollama"),
    "mock_ollama.port_file": ("mock_ollama.errors",),
    "mock_ollama.launch": ("mock_ollama.errors", "mock_ollama.port_file"),
    "mock_ollama.tools": (*_MOCK_CORE, "mock_ollama.port_file", "mock_ollama.launch"),
    "mock_ollama.bench": ("mock_ollama.tools",),  # the old name of tools.bench
    "mock_ollama.cli": ("mock_ollama",),  # the mock's entry point: all of the mock
    "mock_ollama.__main__": ("mock_ollama.cli",),
}
#: entry points nothing below imports, unless a room names one exactly in its arrows
MOCK_ENTRY_POINTS = ("mock_ollama.cli", "mock_ollama.__main__")
#: packages whose top is a room of its own (its __init__) above named rooms
ROOMED_PACKAGES = ("harness", "mock_ollama")
#: no module is longer, and there is no list of exceptions
LINE_LIMIT = 300
#: at most this many modules directly in a roomed package, besides the subpackages
FLAT_LIMIT = 10
#: the one module that writes the mock's routing marker (everyone else builds a Marker)
MARKER_OWNER = "mock_ollama.scenario.marker"
MARKER_TEXT = "[[mock:"
#: a marker being written: the opening and a first key=value (prose writes "[[mock: …]]")
MARKER_WRITTEN = re.compile(r"\[\[mock:\s*[\w-]+=")


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
    return _imports_in(path.read_text(encoding="utf-8"), package)


def _imports_in(source: str, package: str) -> set[str]:
    """Every import statement of ``source`` anywhere in it: at the top, inside
    functions, under ``if TYPE_CHECKING`` (relative ones resolved from ``package``)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
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
    package = module.split(".")[0]
    if room in ENTRY_POINTS:
        return True  # entry points sit on top and may import anything
    if any(_within(dep, entry) for entry in ENTRY_POINTS):
        return False  # nothing below them imports an entry point
    if dep in MOCK_ENTRY_POINTS and dep not in ROOMS[room]:
        return False
    if dep.split(".")[0] != package and (package != "harness" or dep not in PURE):
        return False  # the mock and the proxies never import the harness
    if module in PURE and not (dep in PURE or dep in _parents(PURE)):
        return False  # pure imports pure only
    if dep == package or (room not in ROOMED_PACKAGES and _within(dep, room)):
        return True  # its own room, and its package's root (the version)
    # a room imports exactly what its row lists
    return any(_within(dep, ok) for ok in ROOMS[room])


def test_every_module_has_a_room():
    homeless = [n for n in _sources() if _room(n) in ROOMED_PACKAGES and n != _room(n)]
    assert not homeless, f"add {homeless} to ROOMS"


def _room_graph(package: str) -> dict[str, set[str]]:
    """Room -> the other rooms of ``package`` its modules import."""
    graph: dict[str, set[str]] = {}
    for name in _sources():
        if name.split(".")[0] == package:
            deps = {_room(d) for d in _imports(name) if d.split(".")[0] == package}
            graph.setdefault(_room(name), set()).update(deps - {_room(name)})
    return graph


def _cycle(graph: dict[str, set[str]]) -> list[str]:
    """One cycle of ``graph`` as a path (first == last), or [] if it has none (DFS)."""
    done: set[str] = set()
    path: list[str] = []

    def visit(node: str) -> list[str]:
        if node in path:
            return [*path[path.index(node) :], node]
        if node in done:
            return []
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if found := visit(nxt):
                return found
        path.pop()
        done.add(node)
        return []

    for start in sorted(graph):
        if found := visit(start):
            return found
    return []


@pytest.mark.parametrize("package", PACKAGES)
def test_rooms_import_each_other_without_cycles(package):
    cycle = _cycle(_room_graph(package))
    assert not cycle, f"rooms import each other: {' -> '.join(cycle)}"


def test_the_mock_modules_import_each_other_without_cycles():
    graph = {
        name: {d for d in _imports(name) if d.startswith("mock_ollama.")} - {name}
        for name in _sources()
        if name.startswith("mock_ollama.")
    }
    cycle = _cycle(graph)
    assert not cycle, f"modules import each other: {' -> '.join(cycle)}"


@pytest.mark.parametrize(
    ("graph", "cycle"),
    [
        ({"a": {"b"}, "b": {"c"}, "c": set()}, []),
        ({"a": {"b", "c"}, "b": {"c"}, "c": set()}, []),
        ({"a": {"b"}, "b": {"a"}}, ["a", "b", "a"]),
        ({"a": {"b"}, "b": {"c"}, "c": {"b"}}, ["b", "c", "b"]),
        ({"a": {"a"}}, ["a", "a"]),
    ],
)
def test_the_cycle_search_finds_a_cycle_and_only_a_cycle(graph, cycle):
    assert _cycle(graph) == cycle


def test_imports_inside_functions_and_type_checking_count():
    source = (
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from mock_ollama.ollama.config import MockConfig\n"
        "def f():\n"
        "    from mock_ollama.server import app\n"
        "    import mock_ollama.tools.bench\n"
        "from . import steps\n"
    )
    assert _imports_in(source, "mock_ollama.ollama") == {
        "mock_ollama.ollama.config",
        "mock_ollama.server.app",
        "mock_ollama.tools.bench",
        "mock_ollama.ollama.steps",
    }


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
        ("mock_ollama.scenario.marker", "mock_ollama.server.app"),
        ("mock_ollama.server.app", "harness.sse"),
        ("mock_ollama.scenario.marker", "mock_ollama.ollama.steps"),
        ("mock_ollama.go.decode", "mock_ollama.scenario.policies"),
        ("mock_ollama.replay.schedule", "mock_ollama.ollama.config"),
        ("mock_ollama.ollama.routes", "mock_ollama.server.offload"),
        ("mock_ollama.ollama.routes", "mock_ollama.replay.writer"),
        ("mock_ollama.server.app", "mock_ollama.tools.record"),
        ("mock_ollama.tools.bench", "mock_ollama.cli"),
        ("mock_ollama.scenario.catalog", "mock_ollama.launch"),
        ("harness.probe.perform", "harness.checks.cancel"),
        ("harness.probe.evidence", "harness.checks.model"),
        ("harness.gate.run", "harness.bench.designs.run"),
        ("harness.bench.designs.run", "harness.gate.run"),
        ("harness.bench.designs.run", "harness.checks.model"),
    ],
)
def test_an_upward_arrow_is_refused(module, dep):
    assert not _allowed(module, dep)


@pytest.mark.parametrize(
    ("module", "dep"),
    [
        ("mock_ollama.server.offload", "mock_ollama.ollama.routes"),
        ("mock_ollama.ollama.steps", "mock_ollama.replay.schedule"),
        ("mock_ollama.tools.bench", "mock_ollama.launch"),
        ("mock_ollama.__main__", "mock_ollama.cli"),
        ("mock_ollama.cli", "mock_ollama.tools.record"),
        ("harness.probe.catalog", "mock_ollama.scenario.marker"),
    ],
)
def test_a_downward_arrow_is_allowed(module, dep):
    assert _allowed(module, dep)


def test_the_architecture_page_names_every_room():
    page = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    rooms = {
        _room(name)
        for name in _sources()
        if name.split(".")[0] in ROOMED_PACKAGES and _room(name) not in PACKAGES
    }
    missing = sorted(r for r in rooms if f"`{r.replace('.', '/')}" not in page)
    assert not missing, f"docs/architecture.md does not describe {missing}"


def test_modules_stay_small():
    over = {
        str(path.relative_to(ROOT)): lines
        for path in _sources().values()
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > LINE_LIMIT
    }
    assert not over, f"over {LINE_LIMIT} lines: {over}"


@pytest.mark.parametrize("package", ROOMED_PACKAGES)
def test_packages_have_few_flat_modules(package):
    flat = sorted(p.name for p in (ROOT / package).glob("*.py"))
    assert len(flat) <= FLAT_LIMIT, flat


def _room_packages() -> list[str]:
    """Every room that is a directory (``__init__.py``) inside a roomed package."""
    return sorted(
        name
        for name, path in _sources().items()
        if path.name == "__init__.py" and name not in PACKAGES and _room(name) == name
    )


@pytest.mark.parametrize("room", _room_packages())
def test_each_room_docstring_names_its_modules(room):
    path = _sources()[room]
    doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
    modules = sorted(
        p.stem if p.suffix else p.name
        for p in path.parent.iterdir()
        if (p.suffix == ".py" and p.stem != "__init__")
        or (p.is_dir() and (p / "__init__.py").exists())
    )
    unnamed = [m for m in modules if not re.search(rf"\b{re.escape(m)}\b", doc)]
    assert not unnamed, f"{path.relative_to(ROOT)}'s docstring does not name {unnamed}"


def _literal_texts(tree: ast.AST) -> list[tuple[int, str]]:
    """The string literals of a module that are not docstrings, with their lines."""
    docs = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(
            node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)
        )
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docs
    ]


def test_only_the_marker_module_writes_the_marker():
    """The marker grammar has one owner: the others build a ``Marker`` (docs may quote
    the text; code may not write it)."""
    writers = [
        f"{path.relative_to(ROOT)}:{line}"
        for name, path in _sources().items()
        if name != MARKER_OWNER
        for line, text in _literal_texts(ast.parse(path.read_text(encoding="utf-8")))
        if MARKER_WRITTEN.search(text)
    ]
    assert not writers, f"{MARKER_TEXT} written outside {MARKER_OWNER}: {writers}"


def test_the_marker_search_sees_f_strings_but_not_docstrings_or_prose():
    source = '''"""Doc: [[mock: req=x]]."""
def f(req):
    """[[mock: scenario=NAME]]"""
    HELP = "the prompt's `[[mock: …]]` marker"
    return f"[[mock: req={req}]]", "[[mock:timing=zero]]"
'''
    texts = _literal_texts(ast.parse(source))
    assert [line for line, t in texts if MARKER_WRITTEN.search(t)] == [5, 5]


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
