from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path

import httpx
import pytest

from mock_ollama.cli import main
from mock_ollama.launch import running_mock

ROOT = Path(__file__).resolve().parents[2]


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT)}


def test_serve_subprocess_with_port_file(tmp_path: Path) -> None:
    extra = ("--any-model", "--timing", "zero", "--fragment", "bytes:64")
    with running_mock(
        tmp_path / "port", *extra, env=_env(), stderr=subprocess.PIPE
    ) as (proc, base):
        assert httpx.get(base, timeout=5).text == "Ollama is running"
        r = httpx.post(
            f"{base}/api/chat",
            timeout=10,
            json={
                "model": "anything:1b",
                "messages": [{"role": "user", "content": "x"}],
            },
        )
        assert r.status_code == 200
        assert r.content.endswith(b'"eval_duration":45257702287}\n')
        os.killpg(proc.pid, signal.SIGTERM)
        _, err = proc.communicate(timeout=10)
    assert b"Traceback" not in err
    assert f"listening on {base}".encode() in err


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (
            ["serve", "--fragment", "bytes:x"],
            "fragment 'bytes:x': N must be an integer",
        ),
        (["serve", "--fault", "boom:1"], "unknown policy 'boom'"),
        (["serve", "--timing", "scale:0"], "K must be > 0"),
        (["serve", "--scenario", "nope"], "nope: unknown scenario"),
        (["serve", "--header-delay", "x"], "not a number"),
        (["bogus"], "invalid choice"),
        (["record"], "required"),
        ([], "required"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], argv: list[str], fragment: str
) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith("mock-ollama: error: ")
    assert fragment in err


def test_bad_scenario_file_names_file_and_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    bad = tmp_path / "bad.ndjson"
    bad.write_text('{"response":"a"}\n{oops\n')
    assert main(["serve", "--scenario", str(bad)]) == 2
    assert capsys.readouterr().err == (
        f"mock-ollama: error: {bad}:2: not JSON: Expecting property name enclosed in "
        "double quotes\n"
    )


def test_port_in_use_is_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = sock.getsockname()[1]
        assert main(["serve", "--port", str(port)]) == 2
    assert "could not listen" in capsys.readouterr().err


def test_scenarios_lists_the_bundled_ones(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scenarios"]) == 0
    out = capsys.readouterr().out
    for name in (
        "seed-deepseek",
        "qwen-chat",
        "generate-long-context",
        "multilingual",
        "tool-call",
        "thinking",
        "injection",
        "error-mid-stream",
    ):
        assert name in out
