"""Every option with bad values: one line naming it, exit 2 (pytest: 4), no traceback,
no process started, and the report files of an earlier run left as they were.

Every path, port, certificate and output location is checked before anything starts.
The table is keyed by the option table's names, and a test checks it
covers every option, so a new option cannot escape it.
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from harness.cli import main
from harness.gate.options import OPTIONS, PLUGIN_OPTIONS, Kind, Option
from tests.targets import PYTHON_PROXY, URL

if TYPE_CHECKING:
    from _pytest.mark.structures import ParameterSet

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parents[3]
STALE = {"report.json": '{"an": "earlier run"}\n', "summary.md": "earlier run\n"}
#: a flag takes no value: ``--strict=yes`` is the only way to get one wrong
FLAG_VALUE = "yes"

#: option name -> bad values ({tmp} is the test's directory: {tmp}/file is a file)
BAD: dict[str, tuple[str, ...]] = {
    "proxy-cmd": ("{prot}", "'unclosed", "  ", "no-such-program-7e1", "./nope"),
    "proxy-url": ("ftp://x/", "http://127.0.0.1:99999/", "http://:{nope}/"),
    "dialect": ("xml", "nosuch:fn"),
    "token-key": (),  # any text is a JSON key
    "done-key": (),
    "model": (),  # any text is a model name
    "header": ("novalue", ":v"),
    "env": ("NOEQUALS", "=v"),
    "layer": ("squid", "buffer:x"),
    "select": ("NOPE-*", "HDR-*, "),
    "startup-timeout": ("abc", "0", "9999", "nan"),
    "mock-port": ("70000", "-1", "abc"),
    "idle-seconds": ("0", "9999", "inf"),
    "heartbeat-budget": ("0", "999"),
    "bound-head-bytes": ("abc", "10", "999999999"),
    "bound-head-seconds": ("0", "nan", "9999"),
    "bound-probe-bytes": ("1.5", "100"),
    "bound-events": ("0", "-5"),
    "bound-event-bytes": ("1", "99999999999"),
    "bound-probe-seconds": ("0.1", "inf"),
    "bound-quiet-seconds": ("0", "999"),
    "bound-after-done-seconds": ("0.1", "61"),
    "http2": (FLAG_VALUE,),
    "ca": ("{tmp}/missing.pem", "{tmp}", "{tmp}/file"),
    "cwd": ("{tmp}/missing", "{tmp}/file"),
    "strict": (FLAG_VALUE,),
    "quiet": (FLAG_VALUE,),
    "report-dir": ("{tmp}/file", "{tmp}/file/sub", "/proc/sse-harness-no"),
    "config": ("{tmp}/missing.toml", "{tmp}", "{tmp}/file"),
    "known-failures": ("{tmp}/missing.toml", "{tmp}", "{tmp}/file"),
    "strict-known": (FLAG_VALUE,),
    "baseline": ("{tmp}/missing.json", "{tmp}", "{tmp}/file"),
    "junit": ("{tmp}", "{tmp}/file/junit.xml", "/proc/sse-harness-no/junit.xml"),
}


def cases(options: tuple[Option, ...], *, flags: bool) -> list[ParameterSet]:
    return [
        pytest.param(o, v, id=f"{o.name}={v}")
        for o in options
        for v in BAD.get(o.name, ())
        if flags or o.kind is not Kind.FLAG
    ]


def test_the_table_covers_every_option():
    assert set(BAD) == {o.name for o in OPTIONS}


@pytest.fixture
def spy(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Every process start is recorded, and fails."""
    started: list[object] = []

    def popen(args: object, *rest: object, **kw: object) -> None:
        started.append(args)
        raise RuntimeError(f"a process was started: {args!r}")

    monkeypatch.setattr(subprocess, "Popen", popen)
    return started


@pytest.fixture
def stale(tmp_path: Path) -> Path:
    """``{tmp}/reports`` with an earlier run's files; ``{tmp}/file`` is a file."""
    (tmp_path / "file").write_text("not a directory")
    reports = tmp_path / "reports"
    reports.mkdir()
    for name, text in STALE.items():
        (reports / name).write_text(text)
    return reports


def filled(value: str, reports: Path) -> str:
    return value.replace("{tmp}", str(reports.parent))


def untouched(reports: Path) -> bool:
    return {p.name: p.read_text() for p in reports.iterdir()} == STALE


def one_line(text: str) -> str:
    lines = [line for line in text.splitlines() if line.strip()]
    assert len(lines) == 1, lines
    assert "Traceback" not in lines[0]
    return lines[0]


@pytest.mark.parametrize(("option", "value"), cases(OPTIONS, flags=True))
def test_cli_option_with_a_bad_value(option, value, spy, stale, capsys):
    bad = f"{option.cli}={filled(value, stale)}"
    argv = ["run", "--quiet", "--proxy-cmd", PYTHON_PROXY, "--proxy-url", URL]
    argv += ["--cwd", str(ROOT), "--report-dir", str(stale), bad]
    status: int | str | None
    try:
        status = main(argv)
    except SystemExit as exc:  # argparse's own errors (a number that is not one)
        status = exc.code
    assert status == 2
    captured = capsys.readouterr()
    assert option.cli in one_line(captured.err) and captured.out == ""
    assert spy == [] and untouched(stale)


@pytest.mark.parametrize(("option", "value"), cases(PLUGIN_OPTIONS, flags=False))
def test_plugin_option_with_a_bad_value(option, value, spy, stale, pytester):
    pytester.makepyfile(
        test_suite="from harness.suite.test_conformance import test_check\n"
    )
    bad = f"{option.flag}={filled(value, stale)}"
    result = pytester.runpytest_inprocess(
        "-p", "no:cacheprovider", "--sse-proxy-cmd", PYTHON_PROXY, "--sse-proxy-url", URL,
        "--sse-cwd", str(ROOT), "--sse-report-dir", str(stale), bad,
    )  # fmt: skip
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    line = one_line(result.stderr.str())
    assert line.startswith("ERROR: ") and option.flag in line
    assert "collected" not in result.stdout.str()
    assert spy == [] and untouched(stale)


DIALECTS = {
    "raises_on_import": 'raise RuntimeError("broken on import")\n',
    "not_a_function": "classify = 3\n",
    "raises_on_read": (
        "def classify(event):\n    raise ValueError('cannot read ' + event.data[:12])\n"
    ),
}


@pytest.fixture
def dialects(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name, text in DIALECTS.items():
        (tmp_path / f"{name}.py").write_text(text)
    monkeypatch.syspath_prepend(str(tmp_path))
    return tmp_path


@pytest.mark.parametrize(
    ("module", "needle"),
    [
        ("raises_on_import", "cannot load it (RuntimeError: broken on import)"),
        ("not_a_function", "classify is not a function"),
    ],
)
def test_a_dialect_that_cannot_be_used_is_a_usage_error(
    module, needle, dialects, spy, capsys
):
    assert main(["run", "--quiet", "--dialect", f"{module}:classify"]) == 2
    line = one_line(capsys.readouterr().err)
    assert f"--dialect '{module}:classify'" in line and needle in line
    assert spy == []


def test_a_dialect_that_raises_shows_its_exception_in_the_detail(dialects, capsys):
    reports = dialects / "reports"
    argv = ["run", "--quiet", "--dialect", "raises_on_read:classify"]
    argv += ["--select", "FRM-TOKEN-MAPPING", "--report-dir", str(reports)]
    assert main(argv) == 1
    doc = json.loads((reports / "report.json").read_text())
    (result,) = [r for r in doc["results"] if r["check"] == "FRM-TOKEN-MAPPING"]
    assert "dialect raised ValueError: cannot read {" in result["detail"]


#: the other commands' own options: (argv, what the one line names)
OTHER_COMMANDS = [
    (["clients", "--report-dir", "{tmp}/file"], "--report-dir"),
    (["clients", "--timeout", "0"], "--timeout"),
    (["clients", "--client", "nosuch"], "--client"),
    (["repro", "issue-4788", "--report-dir", "{tmp}/file/sub"], "--report-dir"),
    (["repro", "issue-4788", "--timeout", "0"], "--timeout"),
    (["repro", "issue-4788", "--client", "nosuch"], "--client"),
    (["repro", "nope"], "invalid choice"),
    (["checks", "NOPE"], "matches no check"),
    (["parse", "--chunk", "0"], "--chunk"),
    (["bench", "--profile", "smoke", "--scenario", "{tmp}"], "--scenario"),
    (["bench", "--profile", "smoke", "--report-dir", "{tmp}/file"], "--report-dir"),
    (["--bogus"], "unrecognized arguments: --bogus"),
]


@pytest.mark.parametrize(("argv", "needle"), OTHER_COMMANDS)
def test_other_commands_with_a_bad_value(argv, needle, spy, stale, capsys):
    status: int | str | None
    try:
        status = main([filled(word, stale) for word in argv])
    except SystemExit as exc:
        status = exc.code
    assert status == 2
    assert needle in one_line(capsys.readouterr().err)
    assert spy == [] and untouched(stale)


#: the least each command needs besides --report-dir to start (its other checks pass)
STARTS = {
    "run": [
        "--quiet",
        "--proxy-cmd",
        PYTHON_PROXY,
        "--proxy-url",
        URL,
        "--cwd",
        str(ROOT),
    ],
    "bench": ["--design", "naive-stream", "--quiet"],
    "clients": ["--client", "httpx-sse"],
    "repro": ["issue-4788", "--client", "httpx-sse"],
}
BAD_REPORT_DIRS = ("{tmp}/file", "{tmp}/file/sub", "/proc/sse-harness-no")


def _writes_reports(name: str) -> bool:
    from importlib import import_module

    from harness.cli.main import COMMANDS

    parser = import_module(COMMANDS[name][0]).build_parser()
    return any("--report-dir" in a.option_strings for a in parser._actions)


def test_every_command_that_writes_reports_is_in_the_table():
    from harness.cli.main import COMMANDS

    assert {name for name in COMMANDS if _writes_reports(name)} == set(STARTS)


@pytest.mark.parametrize("value", BAD_REPORT_DIRS)
@pytest.mark.parametrize("command", sorted(STARTS))
def test_every_command_refuses_a_bad_report_dir_before_starting_anything(
    command, value, spy, stale, capsys, tmp_path
):
    before = set(Path(tempfile.gettempdir()).glob(f"sse-harness-{os.getpid()}-*"))
    status = main([command, *STARTS[command], "--report-dir", filled(value, stale)])
    assert status == 2
    assert one_line(capsys.readouterr().err).startswith(
        f"sse-harness {command}: error: --report-dir "
    )
    assert spy == [] and untouched(stale)
    after = set(Path(tempfile.gettempdir()).glob(f"sse-harness-{os.getpid()}-*"))
    assert after == before, "a work directory was made"
