from __future__ import annotations

from typing import TYPE_CHECKING

import httpx

from mock_ollama.catalog import load_bundled
from mock_ollama.recorder import create_recorder
from mock_ollama.recording import load_scenario
from mock_ollama.server import serve_in_thread

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
