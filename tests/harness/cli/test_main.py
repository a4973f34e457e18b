"""`sse-harness`: exit statuses 0/1/2, one-line usage errors; a run that began always
writes its report, one that never began (a usage error) leaves the report dir alone."""

from __future__ import annotations

import json
import sys

import pytest

from harness.cli import main
from tests.targets import PYTHON_PROXY, URL
from tests.tools import wait_until


def one_line_error(capsys: pytest.CaptureFixture[str], needle: str) -> None:
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    assert needle in err[0] and "Traceback" not in err[0]


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["run", "--proxy-cmd", PYTHON_PROXY], "--proxy-url is required"),
        (["run", "--proxy-url", URL], "--mock-port"),
        (
            [
                "run",
                "--proxy-cmd",
                PYTHON_PROXY,
                "--proxy-url",
                URL,
                "--layer",
                "squid",
            ],
            "unknown layer",
        ),
        (
            [
                "run",
                "--proxy-cmd",
                PYTHON_PROXY,
                "--proxy-url",
                URL,
                "--select",
                "NOPE-*",
            ],
            "matches no check",
        ),
        (
            [
                "run",
                "--proxy-cmd",
                PYTHON_PROXY,
                "--proxy-url",
                URL,
                "--dialect",
                "nosuch:fn",
            ],
            "--dialect",
        ),
        (
            [
                "run",
                "--proxy-cmd",
                PYTHON_PROXY,
                "--proxy-url",
                URL,
                "--header",
                "novalue",
            ],
            "--header",
        ),
        (
            [
                "run",
                "--proxy-cmd",
                PYTHON_PROXY,
                "--proxy-url",
                URL,
                "--idle-seconds",
                "0",
            ],
            "--idle-seconds",
        ),
        (["run", "--proxy-cmd", "{prot}", "--proxy-url", URL], "--proxy-cmd"),
        (["run", "--proxy-url", URL, "--mock-port", "70000"], "--mock-port 70000"),
        (["run", "--idle-seconds", "9999"], "--idle-seconds 9999.0: at most 300 s"),
        (["run", "--ca", "/nonexistent/ca.pem"], "--ca /nonexistent/ca.pem"),
        (["run", "--cwd", "/nonexistent"], "--cwd /nonexistent: no such directory"),
    ],
)
def test_usage_errors_are_one_line_and_exit_2(argv, needle, capsys, tmp_path):
    (tmp_path / "report.json").write_text("{}")  # an earlier run's
    assert main([*argv, "--report-dir", str(tmp_path)]) == 2
    one_line_error(capsys, needle)
    assert (tmp_path / "report.json").read_text() == "{}"


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["run", "--startup-timeout", "abc"], "invalid float"),
        (["nosuchcommand"], "invalid choice"),
        (["--bogus"], "unrecognized arguments: --bogus"),
        ([], "a command is required"),
    ],
)
def test_argument_errors_are_one_line_and_exit_2(argv, needle, capsys):
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 2
    one_line_error(capsys, needle)


def test_error_still_writes_a_report(tmp_path, capsys):
    status = main(
        [
            "run",
            "--proxy-cmd",
            f"{sys.executable} -c pass",
            "--proxy-url",
            URL,
            "--startup-timeout",
            "5",
            "--report-dir",
            str(tmp_path),
            "--quiet",
        ]
    )
    assert status == 2
    doc = json.loads((tmp_path / "report.json").read_text())
    assert doc["exit_status"] == 2 and "exited" in doc["error"]
    assert doc["run"]["argv"][-1] == "--quiet" and doc["run"]["harness_version"]
    one_line_error(capsys, "proxy exited with status 0 before it was ready")


def test_checks_lists_the_catalogue(capsys):
    assert main(["checks", "REQ-*"]) == 0
    out = capsys.readouterr().out
    assert "REQ-415-WRONG-TYPE" in out and "HDR-STATUS-200" not in out


def test_checks_with_a_pattern_matching_nothing_is_a_usage_error(capsys):
    assert main(["checks", "REQ-*", "NOPE"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1 and "'NOPE': matches no check" in captured.err


@pytest.mark.slow
def test_verdicts_exit_0_and_1_and_strict(tmp_path, capsys):
    base = [
        "run",
        "--proxy-cmd",
        f"{PYTHON_PROXY} --defect no-accel",
        "--proxy-url",
        URL,
    ]
    assert main([*base, "--select", "HDR-ACCEL", "--report-dir", str(tmp_path)]) == 0
    doc = json.loads((tmp_path / "report.json").read_text())
    # HDR-ACCEL comes with HDR-STATUS-200, the check it may be blocked by
    assert doc["summary"] == {"OK": 1, "NON-STRICT": 1}
    assert [r["check"] for r in doc["results"]] == ["HDR-STATUS-200", "HDR-ACCEL"]
    assert doc["target"]["dialect"] == "token-json" and doc["harness"]["version"]
    summary = (tmp_path / "summary.md").read_text()
    assert "HDR-ACCEL" in summary and "`sse-harness run --proxy-cmd" in summary
    assert doc["run"]["argv"][:2] == ["sse-harness", "run"]
    html = (tmp_path / "report.html").resolve()
    assert "HDR-ACCEL" in html.read_text()
    assert f"the HTML report: {html.as_uri()}" in capsys.readouterr().out
    assert main([*base, "--select", "HDR-ACCEL", "--strict"]) == 1
    assert (
        main(
            [
                "run",
                "--proxy-cmd",
                f"{PYTHON_PROXY} --defect no-415",
                "--proxy-url",
                URL,
                "--select",
                "REQ-415-WRONG-TYPE",
            ]
        )
        == 1
    )


def test_run_options_and_plugin_options_come_from_one_table():
    from harness.cli.main import build_parser
    from harness.gate.config import config_from
    from harness.gate.options import OPTIONS

    run_parser = next(
        a.choices["run"]
        for a in build_parser()._actions
        if isinstance(a.choices, dict) and "run" in a.choices
    )
    flags = {s for a in run_parser._actions for s in a.option_strings}
    assert {o.cli for o in OPTIONS} <= flags
    assert all(
        o.flag == f"--sse-{o.name}" and o.ini.startswith("sse_") for o in OPTIONS
    )
    args = build_parser().parse_args(
        ["run", "--proxy-cmd", PYTHON_PROXY, "--proxy-url", URL, "--layer", "nginx"]
    )
    config = config_from(vars(args))
    assert config.layers == ("nginx",) and config.dialect == "token-json"


def test_checks_markdown_is_docs_checks_md(capsys):
    from pathlib import Path

    from harness.checks.doc import render_markdown

    assert main(["checks", "--markdown"]) == 0
    out = capsys.readouterr().out
    assert out == render_markdown()
    assert "## HDR-STATUS-200" in out and "- **Source:**" in out
    docs = Path(__file__).resolve().parents[3] / "docs" / "checks.md"
    assert docs.read_text() == out, (
        "docs/checks.md is stale: sse-harness checks --markdown > docs/checks.md"
    )


def test_without_proxy_options_the_bundled_proxy_is_gated():
    from harness.gate.config import config_from
    from harness.gate.options import OPTIONS

    config = config_from({o.dest: o.default for o in OPTIONS})
    assert "proxies.starlette_proxy" in (config.proxy_cmd or "")
    assert config.cwd is not None and config.proxy_url.endswith("/api/v1/complete")


def test_progress_is_plain_lines_on_stderr_when_not_a_terminal(capsys):
    assert main(["run", "--select", "HDR-STATUS-200"]) == 0
    err = capsys.readouterr().err.splitlines()
    assert err[:2] == [
        "sse-harness: starting the gate",
        "sse-harness: starting the mock upstream",
    ], err
    assert "sse-harness: probing layer direct: 1/1 probes" in err
    assert len(err) == len(set(err)) < 10  # a line per phase, never per second


def test_progress_is_one_live_line_on_a_terminal_erased_at_the_end():
    import os
    import pty
    import re
    import select
    import subprocess

    master, slave = pty.openpty()
    argv = [sys.executable, "-m", "harness.cli", "run", "--select", "HDR-STATUS-200"]
    with subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=slave) as proc:
        os.close(slave)
        shown = bytearray()

        def finished() -> bool:
            """Read what the terminal shows; True once the child is done with it."""
            if select.select([master], [], [], 0.1)[0]:
                try:
                    shown.extend(os.read(master, 65536))
                except OSError:  # the child closed the terminal
                    return True
                return False
            return proc.poll() is not None

        wait_until(finished, 120)
        os.close(master)
        out = proc.communicate(timeout=30)[0].decode()
    assert proc.returncode == 0 and "OK" in out
    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", shown.decode(errors="replace"))
    frames = {frame.strip() for frame in re.split(r"[\r\n]", text)}
    assert "sse-harness: starting the mock upstream" in frames
    assert "sse-harness: probing layer direct: 1/1 probes" in frames
    # rewritten in place (carriage returns, at most the final newline), then erased
    assert shown.count(b"\n") <= 1 and shown.endswith(b"\x1b[2K"), shown[-80:]


def test_a_reader_that_leaves_early_ends_the_listing_quietly():
    import subprocess
    import sys

    code = "import sys; from harness.cli import main; sys.exit(main(['checks']))"
    proc = subprocess.Popen(
        [sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert proc.stdout is not None
    proc.stdout.close()  # the reader left before the first line (`| true`)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 0 and b"Traceback" not in err
