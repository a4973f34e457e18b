"""``mock-ollama record``: a pass-through that saves scenarios atomically and never drops one."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import httpx

from mock_ollama.scenario.catalog import load_bundled
from mock_ollama.scenario.recording import load_scenario
from mock_ollama.server.serve import serve_in_thread
from mock_ollama.tools.record import create_recorder, write_atomically
from tests.tools import wait_until

if TYPE_CHECKING:
    from pathlib import Path

    from starlette.applications import Starlette

BUNDLED = load_bundled()


def test_record_through_to_the_mock(
    served: tuple[str, Starlette], tmp_path: Path
) -> None:
    upstream, _ = served
    out = tmp_path / "captured.ndjson"
    prompt = "[[mock: scenario=qwen-chat timing=fixed:20 header-delay=50]]"
    body = {"model": "qwen2.5:7b", "messages": [{"role": "user", "content": prompt}]}
    with serve_in_thread(create_recorder(upstream, out)) as url:
        relayed = httpx.post(f"{url}/api/chat", json=body, timeout=20)
        second = httpx.post(
            f"{url}/api/generate",
            timeout=20,
            json={"model": "qwen2.5:7b", "prompt": "[[mock: timing=zero]]"},
        )
        assert httpx.get(f"{url}/api/version", timeout=5).json() == {
            "version": "0.12.6"
        }
    original = BUNDLED["qwen-chat"]
    assert relayed.content == original.body
    assert relayed.headers["content-type"] == "application/x-ndjson"
    rec = load_scenario(out)
    assert rec.lines == original.lines
    assert (rec.endpoint, rec.status) == ("/api/chat", 200)
    assert rec.headers == (("Content-Type", "application/x-ndjson"),)
    assert rec.header_delay_ns >= 50_000_000
    offsets = rec.offsets_ns
    assert offsets == tuple(sorted(offsets))
    # lines written 20 ms apart cannot arrive closer together on average
    assert offsets[-1] >= 0.9 * 20_000_000 * (len(offsets) - 1)
    assert "[[mock:" in rec.request["body"]
    again = load_scenario(tmp_path / "captured-2.ndjson")
    assert again.lines == BUNDLED["qwen-generate"].lines
    assert second.status_code == 200
    assert again.endpoint == "/api/generate"


def test_a_failed_save_is_kept_logged_and_retried(
    served: tuple[str, Starlette], tmp_path: Path
) -> None:
    upstream, _ = served
    logged: list[str] = []
    handler = logging.Handler()
    handler.emit = lambda record: logged.append(record.getMessage())  # type: ignore[method-assign]
    logger = logging.getLogger("mock_ollama.tools.record")
    logger.addHandler(handler)
    blocker = tmp_path / "cap.ndjson"
    blocker.mkdir()  # the first capture cannot be renamed onto a directory
    app = create_recorder(upstream, tmp_path / "cap.ndjson")
    body = {"model": "qwen2.5:7b", "prompt": "[[mock: timing=zero]]"}
    with serve_in_thread(app) as url:
        assert httpx.post(f"{url}/api/generate", json=body, timeout=20).is_success
        recorder = app.state.recorder
        assert wait_until(lambda: bool(logged), 10.0)  # saved after the last byte
        logger.removeHandler(handler)
        assert len(recorder.unsaved) == 1
        assert len(logged) == 1
        assert "could not save" in logged[0]
        assert "(kept, will retry)" in logged[0]
        blocker.rmdir()
        httpx.post(f"{url}/api/generate", json=body, timeout=20)
        assert wait_until(lambda: not recorder.unsaved, 10.0)
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["cap-2.ndjson", "cap-2.toml", "cap.ndjson", "cap.toml"]


def test_write_atomically_leaves_no_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "x.ndjson"
    write_atomically(target, b"a\n")
    write_atomically(target, b"b\n")
    assert target.read_bytes() == b"b\n"
    assert [p.name for p in tmp_path.iterdir()] == ["x.ndjson"]
