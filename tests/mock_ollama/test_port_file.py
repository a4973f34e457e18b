"""The port file: its contents, the bounded wait for it, the serve command line."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from mock_ollama.port_file import LaunchError, read_port, serve_argv, wait_for_port

if TYPE_CHECKING:
    from pathlib import Path


def test_port_file_must_hold_a_port(tmp_path: Path) -> None:
    path = tmp_path / "port"
    assert read_port(path) is None
    for text, port in (("", None), ("12", 12), ("99999", None), ("x", None)):
        path.write_text(text)
        assert read_port(path) == port


def test_waiting_ends_when_the_child_is_gone_or_too_slow(tmp_path: Path) -> None:
    with pytest.raises(LaunchError, match="exited before"):
        wait_for_port(tmp_path / "port", alive=lambda: False)
    with pytest.raises(LaunchError, match="no port file within"):
        wait_for_port(tmp_path / "port", alive=lambda: True, timeout=0.05)
    (tmp_path / "port").write_text("4242\n")
    assert wait_for_port(tmp_path / "port", alive=lambda: False) == 4242


def test_serve_argv_binds_loopback(tmp_path: Path) -> None:
    argv = serve_argv(tmp_path / "p", "--any-model", port=7)
    assert argv[1:] == [
        "-m",
        "mock_ollama",
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        "7",
        "--port-file",
        str(tmp_path / "p"),
        "--any-model",
    ]
