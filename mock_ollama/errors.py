"""The mock's exceptions.

MockOllamaError          base of everything the mock raises on purpose
├── ScenarioError        a scenario file is invalid (names file, line, problem)
└── PolicyError          a timing / fragment / fault policy string is invalid
    └── MarkerError      a [[mock: ...]] marker in a request is invalid
"""

from __future__ import annotations


class MockOllamaError(Exception):
    """Base class of the mock's own errors."""


class ScenarioError(MockOllamaError):
    """A scenario file cannot be used; the message is one line: file:line: problem."""

    def __init__(self, path: str, line: int | None, problem: str) -> None:
        self.path = path
        self.line = line
        self.problem = problem
        where = f"{path}:{line}" if line is not None else path
        super().__init__(f"{where}: {problem}")


class PolicyError(MockOllamaError):
    """A policy string (e.g. ``--fragment bytes:x``) is invalid."""


class MarkerError(PolicyError):
    """A ``[[mock: ...]]`` marker is invalid (answered 400 ``mock marker: ...``)."""
