"""The bundled scenarios (scenarios/ at the top of the repository) and lookup by name.

Pure: standard library only (reads files, no sockets or clocks). A scenario is named
after its file stem: ``scenarios/qwen-chat.ndjson`` (+ ``qwen-chat.toml``) is
``qwen-chat``. A name containing ``/`` or ending in ``.ndjson``/``.toml`` is a path.
"""

from __future__ import annotations

from pathlib import Path

from mock_ollama.errors import ScenarioError
from mock_ollama.scenario.recording import Recording, load_scenario


def _bundled_dir() -> Path:
    """``scenarios/`` of a source checkout, else the copy installed as package data
    (pyproject maps ``mock_ollama.bundled`` onto ``scenarios/`` when building a wheel)."""
    package = Path(__file__).resolve().parent.parent
    checkout = package.parent / "scenarios"
    if checkout.is_dir():
        return checkout
    return package / "bundled"


BUNDLED_DIR = _bundled_dir()

#: the scenario answering a request without a marker, per endpoint family
DEFAULTS = {"/api/chat": "seed-deepseek", "/api/generate": "qwen-generate"}


def bundled_names(directory: Path = BUNDLED_DIR) -> list[str]:
    """Names of the scenarios in ``directory``, sorted."""
    stems = {p.stem for p in directory.glob("*.ndjson")}
    stems |= {p.stem for p in directory.glob("*.toml")}
    return sorted(stems)


def is_path(name: str) -> bool:
    """True when ``name`` names a file rather than a bundled scenario."""
    return "/" in name or name.endswith((".ndjson", ".toml"))


def load_bundled(directory: Path = BUNDLED_DIR) -> dict[str, Recording]:
    """Every bundled scenario, validated, by name."""
    return {
        name: load_scenario(_file(directory, name)) for name in bundled_names(directory)
    }


def _file(directory: Path, name: str) -> Path:
    ndjson = directory / f"{name}.ndjson"
    return ndjson if ndjson.is_file() else directory / f"{name}.toml"


def resolve(name: str, known: dict[str, Recording]) -> Recording:
    """A scenario by bundled/loaded name or by path (ScenarioError if none)."""
    if is_path(name):
        return load_scenario(name)
    if name not in known:
        raise ScenarioError(
            name, None, f"unknown scenario (known: {', '.join(sorted(known))})"
        )
    return known[name]


def lookup(name: str, known: dict[str, Recording]) -> Recording:
    """A scenario by name among ``known`` only (the marker's ``scenario=NAME``).

    Never a path: a marker reaches only the bundled scenarios and those the command
    line loaded (``--scenario``, ``--scenario-dir``), not files in the working directory.
    """
    if name not in known:
        raise ScenarioError(
            name, None, f"unknown scenario (known: {', '.join(sorted(known))})"
        )
    return known[name]


def load_dir(directory: str | Path) -> dict[str, Recording]:
    """Every scenario in ``directory`` (``serve --scenario-dir``), validated, by name."""
    path = Path(directory)
    if not path.is_dir():
        raise ScenarioError(str(path), None, "not a directory")
    return load_bundled(path)
