"""Client drivers are bounded: a target that never answers gives red cells within the
timeout, and no browser or Node process outlives the run (also on Ctrl-C)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from harness.compat.drivers import Stream
from harness.compat.run import ClientRun, maybe_browser, read_stream
from harness.processes import free_port
from tests.tools import wait_until

if TYPE_CHECKING:
    from collections.abc import Iterator

pytestmark = [pytest.mark.slow, pytest.mark.needs_node]
ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def silent() -> Iterator[int]:
    """A port that accepts connections and never answers."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(64)
        yield server.getsockname()[1]


def processes_mentioning(text: str) -> list[str]:
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == os.getpid():
            continue
        try:
            cmd = Path("/proc", entry, "cmdline").read_bytes().replace(b"\0", b" ")
            state = (
                Path("/proc", entry, "stat").read_text().rsplit(")", 1)[1].split()[0]
            )
        except OSError:
            continue
        if text.encode() in cmd and state not in "ZX":
            found.append(cmd.decode(errors="replace")[:120])
    return found


def test_a_target_that_never_answers_gives_red_cells_in_time(
    client_tools: None, silent: int, tmp_path: Path
) -> None:
    url = f"http://127.0.0.1:{silent}/api/v1/complete"
    stream = Stream("silent", url, "sse", "token-json", get_url=url)
    run = ClientRun(
        clients=(
            "chromium-eventsource",
            "chromium-nextjs-hook",
            "react-native-sse",
            "eventsource",
            "httpx-sse",
        ),
        timeout_s=2.0,
    )
    started = time.monotonic()
    with maybe_browser(run, tmp_path) as browser:
        cells = read_stream(stream, run, tmp_path, browser=browser)
    elapsed = time.monotonic() - started
    assert {c.client for c in cells} == set(run.clients)
    for cell in cells:
        assert cell.red and cell.events == 0, cell
        assert (
            "timeout" in (cell.error or "").lower()
            or "timed out" in (cell.error or "").lower()
        ), cell
    # the bound is the driver timeout plus process start-up and grace, not a hang
    assert elapsed < 2.0 + 20.0
    assert processes_mentioning(str(tmp_path)) == []
    assert processes_mentioning(f"127.0.0.1:{silent}") == []


def test_ctrl_c_stops_every_browser_and_node_process(
    client_tools: None, silent: int, tmp_path: Path
) -> None:
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    argv = [
        sys.executable,
        "-m",
        "harness.cli",
        "clients",
        "--timeout",
        "60",
        "--proxy-url",
        f"http://127.0.0.1:{silent}/api/v1/complete",
        "--mock-port",
        str(free_port()),
        "--get",
    ]
    child = subprocess.Popen(
        argv, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        wait_until(
            lambda: (
                processes_mentioning(f"127.0.0.1:{silent}")
                and processes_mentioning("chromium")
            ),
            30,
            0.2,
        )
        assert processes_mentioning(f"127.0.0.1:{silent}"), "no driver started"
        time.sleep(1.0)
        child.send_signal(signal.SIGINT)
        status = child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
        child.communicate()
    assert status == 130
    time.sleep(0.5)
    assert processes_mentioning(str(tmp_path)) == []
    assert processes_mentioning(f"127.0.0.1:{silent}") == []
