"""``mock-ollama`` as a command: port file, exit 2 on bad input, parent death, closed pipes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from mock_ollama.cli import main
from mock_ollama.launch import running_mock
from mock_ollama.port_file import serve_argv, wait_for_port

ROOT = Path(__file__).resolve().parents[2]


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT)}


def test_serve_writes_its_port_file_and_answers_with_the_given_policies(
    tmp_path: Path,
) -> None:
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
        (["serve", "--port", "99999"], "'99999' is not a whole number from 0 to 65535"),
        (["serve", "--port", "-1"], "--port"),
        (
            ["record", "--port", "99999", "--upstream", "http://x", "--out", "o"],
            "--port",
        ),
        (
            ["serve", "--fault", "error-at:99999"],
            "error-at:99999: the default scenario",
        ),
        (["serve", "--max-body", "0"], "--max-body"),
        (["serve", "--exchange-log", "x"], "--exchange-log"),
        (["serve", "--parent-pid", "0"], "--parent-pid"),
        (["serve", "--scenario-dir", "/nonexistent-dir"], "not a directory"),
        (["record", "--upstream", "ftp://h", "--out", "o"], "http:// or https://"),
        (["record", "--upstream", "http://", "--out", "o"], "with a host"),
        (["record", "--upstream", "http://h:x", "--out", "o"], "--upstream"),
        (["record", "--upstream", "http://h", "--out", "/nonexistent/o"], "not exist"),
        (["record", "--upstream", "http://h", "--out", "/tmp"], "is a directory"),
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


def test_scenarios_into_a_closed_pipe_is_quiet(tmp_path: Path) -> None:
    """``mock-ollama scenarios | head -1``: no broken-pipe traceback or message."""
    code = "import sys; from mock_ollama.cli import main; sys.exit(main(['scenarios']))"
    proc = subprocess.Popen(
        [sys.executable, "-c", code],
        env=_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # the reader is gone before the first line is written
    err = proc.stderr.read()
    proc.stderr.close()
    assert proc.wait(timeout=20) == 0
    assert err == b""


def test_parent_pid_gone_ends_the_mock(tmp_path: Path) -> None:
    """A middle process starts the mock with --parent-pid itself, then dies."""
    port_file = tmp_path / "port"
    middle = subprocess.Popen(
        [sys.executable, "-c", "import time; time.sleep(60)"], env=_env()
    )
    argv = serve_argv(port_file, "--parent-pid", str(middle.pid))
    mock = subprocess.Popen(
        argv, env=_env(), stderr=subprocess.PIPE, start_new_session=True
    )
    try:
        wait_for_port(port_file, lambda: mock.poll() is None)
        assert mock.poll() is None
        middle.kill()
        middle.wait(timeout=5)
        _, err = mock.communicate(timeout=10)
        assert b"parent process" in err
        assert b"Traceback" not in err
    finally:
        if mock.poll() is None:
            os.killpg(mock.pid, signal.SIGKILL)
            mock.wait(timeout=5)
