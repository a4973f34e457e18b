"""Scenario names in a marker resolve only among the bundled and command-line ones."""

from __future__ import annotations

import json
import shutil
from typing import TYPE_CHECKING

import httpx

from mock_ollama.cli import _config as config_from_args, build_parser
from mock_ollama.scenario.catalog import BUNDLED_DIR, load_dir
from mock_ollama.server.app import create_app
from mock_ollama.server.serve import serve_in_thread

if TYPE_CHECKING:
    from pathlib import Path

CHAT = {"model": "qwen2.5:7b", "stream": False}


def _ask(url: str, marker: str) -> httpx.Response:
    body = {**CHAT, "messages": [{"role": "user", "content": f"[[mock: {marker}]]"}]}
    return httpx.post(f"{url}/api/chat", json=body, timeout=10)


def test_marker_cannot_reach_files_in_the_working_directory(
    tmp_path: Path, monkeypatch: object
) -> None:
    shutil.copy(BUNDLED_DIR / "qwen-chat.ndjson", tmp_path / "planted.ndjson")
    import os

    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        args = build_parser().parse_args(["serve", "--timing", "zero"])
        with serve_in_thread(create_app(config_from_args(args))) as url:
            for name in ("planted.ndjson", "planted"):
                r = _ask(url, f"scenario={name}")
                assert r.status_code == 400
                assert "unknown scenario" in r.json()["error"]
    finally:
        os.chdir(cwd)


def test_scenario_dir_names_are_served(tmp_path: Path) -> None:
    shutil.copy(BUNDLED_DIR / "qwen-chat.ndjson", tmp_path / "mine.ndjson")
    assert list(load_dir(tmp_path)) == ["mine"]
    args = build_parser().parse_args(
        ["serve", "--timing", "zero", "--scenario-dir", str(tmp_path)]
    )
    with serve_in_thread(create_app(config_from_args(args))) as url:
        r = _ask(url, "scenario=mine")
        assert r.status_code == 200
        assert json.loads(r.content)["done"] is True


def test_a_server_fault_that_does_not_fit_is_named_as_such() -> None:
    args = build_parser().parse_args(["serve", "--fault", "error-at:9"])
    with serve_in_thread(create_app(config_from_args(args))) as url:
        r = _ask(url, "scenario=long-line timing=zero")  # 8 lines only
    assert r.status_code == 400
    assert r.json()["error"].startswith("mock-ollama --fault: fault error-at:9: ")
