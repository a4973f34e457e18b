"""harness.target: templates, environment, readiness, crashes, and no process left."""

from __future__ import annotations

import json
import shlex
import socket
import sys
import time
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from harness.errors import EnvironmentProblem, UsageError
from harness.target import TargetSpec, start_target, substitute
from tests.targets import URL
from tests.tools import wait_until

UPSTREAM = "http://127.0.0.1:11434"

# A stand-in proxy: records argv + environment, says hello, listens on --port
# (unless told to hang or crash), and answers nothing.
FAKE_PROXY = """
import json, os, socket, sys, time
args = dict(zip(sys.argv[1::2], sys.argv[2::2]))
with open(args["--record"], "w") as f:
    json.dump({"argv": sys.argv[1:], "env": dict(os.environ), "pid": os.getpid()}, f)
print("fake proxy starting", flush=True)
mode = args.get("--mode", "serve")
if mode == "crash":
    print("fatal: cannot open model", file=sys.stderr, flush=True)
    sys.exit(1)
if mode == "hang":
    time.sleep(1000)
server = socket.create_server(("127.0.0.1", int(args["--port"])))
print("listening", flush=True)
if mode == "die-soon":
    time.sleep(0.5)
    sys.exit(4)
while True:
    conn, _ = server.accept()
    conn.close()
"""


@pytest.fixture
def fake(tmp_path: Path) -> tuple[str, Path]:
    script = tmp_path / "fake_proxy.py"
    script.write_text(FAKE_PROXY)
    record = tmp_path / "record.json"
    cmd = shlex.join([sys.executable, str(script), "--record", str(record)])
    return cmd, record


def gone(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return True
    return stat[stat.rfind(")") + 2] in "ZX"


def test_placeholders_env_and_url_are_filled(
    fake: tuple[str, Path], tmp_path: Path
) -> None:
    cmd, record = fake
    spec = TargetSpec(
        cmd=cmd + " --port {port} --upstream {upstream} --literal {{port}}",
        url=URL,
        env={"HEARTBEAT_SECONDS": "2"},
    )
    with start_target(spec, UPSTREAM, workdir=tmp_path) as target:
        assert target.process is not None
        pid = target.process.pid
        assert pid is not None
        assert target.url == f"http://127.0.0.1:{target.port}/api/v1/complete"
        assert target.alive()
        seen = json.loads(record.read_text())
        assert "fake proxy starting" in target.output()
    assert seen["argv"][seen["argv"].index("--port") + 1] == str(target.port)
    assert seen["argv"][seen["argv"].index("--upstream") + 1] == UPSTREAM
    assert seen["argv"][-1] == "{port}"
    env = seen["env"]
    assert env["PORT"] == str(target.port)
    assert env["OLLAMA_URL"] == env["OLLAMA_HOST"] == UPSTREAM
    assert env["HEARTBEAT_SECONDS"] == "2"
    assert gone(pid)
    assert not target.alive()
    assert (tmp_path / "proxy.log").is_file()


def test_a_fixed_port_is_used_as_given(fake: tuple[str, Path], tmp_path: Path) -> None:
    cmd, _ = fake
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    spec = TargetSpec(cmd=cmd + " --port {port}", url=URL, port=port)
    with start_target(spec, UPSTREAM, workdir=tmp_path) as target:
        assert target.port == port


def test_never_ready_is_a_bounded_environment_problem_and_leaves_nothing(
    fake: tuple[str, Path], tmp_path: Path
) -> None:
    cmd, record = fake
    spec = TargetSpec(
        cmd=cmd + " --mode hang --port {port}", url=URL, startup_timeout=1
    )
    started = time.monotonic()
    with (
        pytest.raises(EnvironmentProblem) as caught,
        start_target(spec, UPSTREAM, workdir=tmp_path),
    ):
        pass
    assert time.monotonic() - started < 15
    assert (
        str(caught.value) == "proxy never became ready within 1 s: fake proxy starting"
    )
    assert gone(json.loads(record.read_text())["pid"])


def test_a_crash_before_ready_is_reported(
    fake: tuple[str, Path], tmp_path: Path
) -> None:
    cmd, _ = fake
    spec = TargetSpec(cmd=cmd + " --mode crash --port {port}", url=URL)
    with (
        pytest.raises(EnvironmentProblem) as caught,
        start_target(spec, UPSTREAM, workdir=tmp_path, name="proxy"),
    ):
        pass
    assert str(caught.value) == (
        "proxy exited with status 1 before it was ready: "
        "fake proxy starting | fatal: cannot open model"
    )


def test_a_crash_after_ready_shows_in_alive(
    fake: tuple[str, Path], tmp_path: Path
) -> None:
    cmd, _ = fake
    spec = TargetSpec(cmd=cmd + " --mode die-soon --port {port}", url=URL)
    with start_target(spec, UPSTREAM, workdir=tmp_path) as target:
        assert target.process is not None
        assert wait_until(lambda: not target.alive(), 10, 0.02)
        assert target.process.poll() == 4


@pytest.mark.parametrize(
    ("cmd", "url", "message"),
    [
        ("proxy --port {prot}", URL, "--proxy-cmd: unknown placeholder {prot}"),
        ("proxy --port {0}", URL, "--proxy-cmd: unknown placeholder {0}"),
        ("proxy --port {port", URL, "--proxy-cmd: bad placeholder"),
        ("proxy 'unbalanced", URL, "--proxy-cmd: cannot split"),
        ("   ", URL, "--proxy-cmd is empty"),
        ("proxy", "http://127.0.0.1:{upstream}/x", "--proxy-url: unknown placeholder"),
        ("proxy", "ftp://127.0.0.1:{port}/x", "--proxy-url: expected http://"),
        ("proxy", "127.0.0.1:{port}/x", "--proxy-url: expected http://"),
        ("proxy", "http://127.0.0.1:99999/x", "--proxy-url: bad URL"),
        (None, URL, "--proxy-url contains {port} but there is no --proxy-cmd"),
    ],
)
def test_bad_templates_are_one_line_usage_errors(
    cmd: str | None, url: str, message: str, tmp_path: Path
) -> None:
    spec = TargetSpec(cmd=cmd, url=url)
    with (
        pytest.raises(UsageError) as caught,
        start_target(spec, UPSTREAM, workdir=tmp_path),
    ):
        pass
    assert str(caught.value).startswith(message)
    assert "\n" not in str(caught.value)
    assert list(tmp_path.iterdir()) == []


def test_an_external_proxy_is_checked_not_started(tmp_path: Path) -> None:
    with socket.create_server(("127.0.0.1", 0)) as listener:
        port = listener.getsockname()[1]
        spec = TargetSpec(cmd=None, url=f"http://127.0.0.1:{port}/api/v1/complete")
        with start_target(spec, UPSTREAM, workdir=tmp_path) as target:
            assert (target.port, target.process, target.output()) == (port, None, "")
            assert target.url == spec.url
            assert target.alive()


def test_an_unreachable_external_proxy_is_an_environment_problem(
    tmp_path: Path,
) -> None:
    with socket.create_server(("127.0.0.1", 0)) as listener:
        port = listener.getsockname()[1]
    spec = TargetSpec(cmd=None, url=f"http://127.0.0.1:{port}/api/v1/complete")
    with (
        pytest.raises(EnvironmentProblem, match=r"not reachable at 127\.0\.0\.1:"),
        start_target(spec, UPSTREAM, workdir=tmp_path),
    ):
        pass


@settings(deadline=None)  # pure code: no timing threshold on noisy CI
@given(st.text(alphabet=st.characters(exclude_characters="{}"), max_size=40))
def test_templates_without_braces_are_kept_verbatim(text: str) -> None:
    assert substitute(text, {"port": "1"}, "--proxy-cmd") == text


@settings(deadline=None)  # pure code: no timing threshold on noisy CI
@given(
    st.lists(st.sampled_from(["{port}", "{upstream}", "{{", "}}", "x", " ", "é"])),
    st.integers(1, 65535),
    st.text(max_size=20),
)
def test_placeholders_are_replaced_by_the_values_verbatim(
    parts: list[str], port: int, upstream: str
) -> None:
    values = {"port": str(port), "upstream": upstream}
    expected = "".join(
        {"{port}": str(port), "{upstream}": upstream, "{{": "{", "}}": "}"}.get(p, p)
        for p in parts
    )
    assert substitute("".join(parts), values, "--proxy-cmd") == expected


def test_the_wait_for_the_port_reports_the_seconds_left(
    fake: tuple[str, Path], tmp_path: Path
) -> None:
    cmd, _ = fake
    spec = TargetSpec(
        cmd=cmd + " --mode hang --port {port}", url=URL, startup_timeout=1
    )
    left: list[float] = []
    with (
        pytest.raises(EnvironmentProblem),
        start_target(spec, UPSTREAM, workdir=tmp_path, on_wait=left.append),
    ):
        pass
    assert len(left) > 2
    assert left == sorted(left, reverse=True)
    assert left[0] <= 1 and left[-1] >= 0


@pytest.mark.parametrize(
    ("layout", "problem"),
    [("missing", "no such directory"), ("file", "not a directory")],
)
def test_a_bad_cwd_is_named_not_a_missing_binary(
    fake: tuple[str, Path], tmp_path: Path, layout: str, problem: str
) -> None:
    cmd, record = fake
    (tmp_path / "file").write_text("x")
    spec = TargetSpec(cmd=cmd + " --port {port}", url=URL, cwd=str(tmp_path / layout))
    with (
        pytest.raises(UsageError) as caught,
        start_target(spec, UPSTREAM, workdir=tmp_path),
    ):
        pass
    assert str(caught.value) == f"--cwd {tmp_path / layout}: {problem}"
    assert not record.exists()
