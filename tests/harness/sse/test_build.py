"""harness.sse compiled with mypyc (.ci/build_sse.py) and loaded from its source give
the same events, findings and state; which one runs is reported, and a build that no
longer matches its source is not used."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from hypothesis import given, settings, strategies as st

from harness.sse import build
from harness.testing.vectors import ALL
from tests.harness.sse.test_parser import plain, run
from tests.harness.sse.test_properties import bulk_streams, chunked, streams

PURE = build.pure_modules()["parser"]
COMPILED = "compiled (mypyc)"


def test_setup_compiled_the_parser_in_ci() -> None:
    """A fresh clone + .ci/setup runs the compiled parser (locally: whichever)."""
    assert build.name() in (COMPILED, "pure Python")
    if os.environ.get("CI") == "true":
        assert build.name() == COMPILED, "see .ci/build_sse.py's output"


def test_the_source_loads_beside_the_build() -> None:
    assert PURE.SSEParser is not build.pure_modules()["parser"].SSEParser
    assert str(PURE.__file__).endswith("parser.py")
    assert sys.modules["harness.sse.parser"].SSEParser is not PURE.SSEParser


@pytest.mark.parametrize(("name", "data", "expected"), ALL, ids=[v[0] for v in ALL])
def test_vectors_alike(name: str, data: bytes, expected: object) -> None:
    for chunks in ([data], [data[i : i + 1] for i in range(len(data))]):
        assert plain(run(chunks)) == plain(run(chunks, sse=PURE)), name


@settings(max_examples=300, deadline=None)
@given(chunked(st.one_of(streams(), bulk_streams())), st.sampled_from([None, 7, 40]))
def test_generated_streams_alike(
    case: tuple[bytes, list[bytes]], max_event_size: int | None
) -> None:
    _, chunks = case
    compiled = plain(run(chunks, max_event_size))
    assert compiled == plain(run(chunks, max_event_size, sse=PURE))


def _name_in_child(**env: str) -> str:
    code = "import harness.sse, harness.sse.build as i; print(i.name())"
    child = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **env},
        check=True,
    )
    return child.stdout.strip()


def test_env_asks_for_the_source() -> None:
    assert _name_in_child(SSE_HARNESS_PURE="1") == "pure Python"


def test_a_stale_build_is_not_used(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(build.ENV, raising=False)
    monkeypatch.setattr(build, "built", lambda: True)
    monkeypatch.setattr(build, "digest", lambda: "sources edited since")
    assert build.pure_wanted()
    monkeypatch.setattr(build, "built", lambda: False)
    assert not build.pure_wanted()  # the source is all there is
