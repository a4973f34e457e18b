"""The scenarios the probes name, read from the mock's catalogue (pure, cached).

The harness computes what a probe should produce from the same recording the mock
replays, so expected text and replayed bytes can never drift apart.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from mock_ollama.scenario.catalog import load_bundled, resolve

if TYPE_CHECKING:
    from mock_ollama.scenario.recording import Recording


@functools.cache
def _bundled() -> dict[str, Recording]:
    return load_bundled()


def scenario_lines(name: str) -> tuple[bytes, ...]:
    """The recorded NDJSON lines of scenario ``name`` (each with its ``\\n``)."""
    return resolve(name, _bundled()).lines
