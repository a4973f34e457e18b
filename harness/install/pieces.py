"""The optional pieces of an installation: how each is found, what its absence
disables, and how to get it.

``sse-harness doctor`` prints the table; a command that needs a piece calls
:func:`require` before it starts anything, so a missing piece reads the same in both
places. A piece is one row of ``PIECES`` (other modules may add rows of their own to
the doctor's list: see ``harness.cli.doctor``).
"""

from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
from dataclasses import dataclass
from typing import TYPE_CHECKING

from harness.deathsig import lifetime_hook
from harness.errors import EnvironmentProblem
from harness.layers.base import KINDS
from harness.layers.programs import PROGRAMS, Program, find_program

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = [
    "LAYER_NEEDS",
    "PIECES",
    "Found",
    "Piece",
    "missing_line",
    "require",
    "require_layers",
]

#: nginx fixed the HTTP/2 head waiting for the first body bytes in 1.23.0
#: (docs/checks.md#hdr-early-flush, trac ticket #1743)
NGINX_EARLY_FLUSH_FIX = (1, 23, 0)


@dataclass(frozen=True, slots=True)
class Found:
    ok: bool
    detail: str  # version or path when found; why not when missing


@dataclass(frozen=True, slots=True)
class Piece:
    name: str
    detect: Callable[[], Found]
    disables: str
    fix: str
    #: the gate (``run --layer direct``) cannot run without it
    gate: bool = False


def _modules(*names: str) -> Callable[[], Found]:
    def detect() -> Found:
        absent = [n for n in names if importlib.util.find_spec(n) is None]
        if absent:
            return Found(False, f"not importable: {', '.join(absent)}")
        return Found(True, ", ".join(names))

    return detect


def _version(argv: list[str]) -> str:
    try:
        done = subprocess.run(
            argv,
            capture_output=True,
            text=True,
            timeout=20,
            check=False,
            preexec_fn=lifetime_hook(),
        )
    except (OSError, subprocess.TimeoutExpired):
        return ""
    found = re.search(r"\d+(?:\.\d+)+", done.stdout + done.stderr)
    return found.group(0) if found else ""


def _program(name: str) -> Callable[[], Found]:
    def detect() -> Found:
        path = shutil.which(name)
        if path is None:
            return Found(False, f"{name} not on PATH")
        return Found(True, f"{_version([path, '--version']) or '?'} ({path})")

    return detect


def _nginx() -> Found:
    from harness.layers.nginx import find_nginx, nginx_version

    try:
        path = find_nginx()
    except EnvironmentProblem as exc:
        return Found(False, str(exc))
    version = nginx_version(path)
    text = ".".join(map(str, version)) or "?"
    fixed = version >= NGINX_EARLY_FLUSH_FIX
    note = "has" if fixed else "lacks (upgrade to >= 1.23.0)"
    return Found(True, f"{text} ({path}); {note} the HTTP/2 early-flush fix")


def _chromium() -> Found:
    from harness.install.browser import find_chromium

    path, why = find_chromium()
    return Found(True, path) if path else Found(False, why)


def _parser() -> Found:
    import harness.sse  # noqa: F401  (loads the build or the source)
    from harness.sse import build

    name = build.name()
    return Found(name.startswith("compiled"), name)


PIECES: tuple[Piece, ...] = (
    Piece(
        "gate (core)",
        _modules("starlette", "uvicorn", "httpx", "h2", "anyio"),
        "everything: run, checks, parse, the pytest plugin",
        "pip install sse-harness",
        gate=True,
    ),
    Piece(
        "extra [clients]",
        _modules("httpx_sse", "openai", "ollama", "playwright"),
        "the Python and browser client drivers (sse-harness clients, repro)",
        "pip install 'sse-harness[clients]'",
    ),
    Piece(
        "extra [bench]",
        _modules("locust"),
        "sse-harness bench --engine locust (the native engine still runs)",
        "pip install 'sse-harness[bench]'",
    ),
    Piece(
        "nginx",
        _nginx,
        "the nginx layers (--layer nginx, nginx-gzip, nginx-http11, h2)",
        "apt-get install nginx-light (Debian/Ubuntu), or put nginx on PATH "
        "(or set SSE_HARNESS_NGINX)",
    ),
    Piece(
        "chromium",
        _chromium,
        "the browser clients (chromium-*) of sse-harness clients and repro",
        "apt-get install chromium (Debian/Ubuntu), or give --chromium PATH "
        "(or set SSE_HARNESS_CHROMIUM)",
    ),
    Piece(
        "node",
        _program("node"),
        "the Node client drivers, and the node and nextjs bench designs",
        "apt-get install nodejs npm (Node 20 or later)",
    ),
    Piece(
        "npm",
        _program("npm"),
        "installing the Node client drivers and building the nextjs design "
        "(on first use)",
        "apt-get install npm",
    ),
    Piece(
        "fast parser",
        _parser,
        "only the speed-up: the pure-Python parser gives the same events at about "
        "half the speed",
        "install the platform wheel (built by .ci/build_wheel.py) for this platform",
    ),
)


def _layer_program(program: Program) -> Callable[[], Found]:
    def detect() -> Found:
        where = find_program(program)
        return (
            Found(True, where) if where else Found(False, f"{program.binary} not found")
        )

    return detect


def _layer_pieces() -> tuple[Piece, ...]:
    """One piece per program a layer runs (haproxy, varnishd, apache2, caddy)."""
    return tuple(
        Piece(
            name,
            _layer_program(program),
            "the layers "
            + ", ".join(k for k, kind in KINDS.items() if kind.program == name),
            f"install {program.package}",
        )
        for name, program in PROGRAMS.items()
    )


PIECES += _layer_pieces()
BY_NAME = {piece.name: piece for piece in PIECES}


def missing_line(piece: Piece, found: Found) -> str:
    """The one line a missing piece gets, in the doctor and in every command."""
    return (
        f"{piece.name} is missing ({found.detail}): it disables {piece.disables}. "
        f"Fix: {piece.fix}"
    )


def require(name: str) -> None:
    """EnvironmentProblem (exit status 2) with :func:`missing_line` unless present."""
    piece = BY_NAME[name]
    found = piece.detect()
    if not found.ok:
        raise EnvironmentProblem(missing_line(piece, found))


#: the pieces a ``--layer`` kind needs (kinds not named here need none)
LAYER_NEEDS: dict[str, tuple[str, ...]] = {
    name: ("nginx",) if kind.nginx else (kind.program,)
    for name, kind in KINDS.items()
    if kind.nginx or kind.program
}


def require_layers(layers: tuple[str, ...]) -> None:
    """:func:`require` every piece the ``--layer`` values need."""
    for layer in layers:
        for name in LAYER_NEEDS.get(layer.partition(":")[0], ()):
            require(name)
