"""A gate configuration in a file (harness.gate.config_file, docs/ci.md#configuration):
keys from the one option table, the command line wins, bad keys and values are usage
errors naming the file and the key; and a project configured only in its
pyproject.toml gates its proxy with a bare ``sse-harness run``."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from harness.cli import main
from harness.errors import UsageError
from harness.gate.config_file import BY_KEY, given_on_command_line, merged, values_of
from harness.gate.options import OPTIONS

ROOT = Path(__file__).resolve().parents[3]
PROXY = f"{sys.executable} -m proxies.starlette_proxy --port {{port}} --upstream {{upstream}}"
URL = "http://127.0.0.1:{port}/api/v1/complete"


def test_every_run_option_but_config_has_a_key_spelled_as_its_long_option() -> None:
    assert set(BY_KEY) == {o.name for o in OPTIONS} - {"config"}
    assert all(o.cli == f"--{key}" for key, o in BY_KEY.items())


def test_values_are_typed_checked_and_paths_are_relative_to_the_file(
    tmp_path: Path,
) -> None:
    (tmp_path / "src").mkdir()
    table = {
        "proxy-cmd": "./serve {port}",
        "layer": ["direct", "nginx"],
        "idle-seconds": 5,
        "strict": True,
        "cwd": "src",
    }
    found = values_of(table, "pyproject.toml [tool.sse-harness]", tmp_path)
    assert found == {
        "proxy_cmd": "./serve {port}",
        "layer": ["direct", "nginx"],
        "idle_seconds": 5.0,
        "strict": True,
        "cwd": str(tmp_path / "src"),
    }


@pytest.mark.parametrize(
    ("table", "needle"),
    [
        ({"proxy_cmd": "x"}, "unknown key 'proxy_cmd'"),
        ({"config": "other.toml"}, "unknown key 'config'"),
        ({"layer": "nginx"}, "layer = 'nginx': expected a list of strings"),
        ({"idle-seconds": "20"}, "idle-seconds = '20': expected float"),
        ({"mock-port": True}, "mock-port = True: expected int"),
        ({"strict": 1}, "strict = 1: expected flag"),
        ({"idle-seconds": 900}, "idle-seconds = 900: at most 300 s"),
        ({"select": ["NOPE-*"]}, "select = ['NOPE-*']: matches no check"),
        ({"cwd": "missing"}, "cwd = 'missing': no such directory"),
    ],
)
def test_a_bad_key_or_value_names_the_file_and_the_key(
    tmp_path: Path, table: dict[str, object], needle: str
) -> None:
    with pytest.raises(UsageError) as caught:
        values_of(table, "conf.toml", tmp_path)
    assert str(caught.value).startswith("conf.toml: ") and needle in str(caught.value)


def test_the_command_line_wins_key_by_key(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.sse-harness]\ndialect = "openai"\nlayer = ["nginx"]\nstrict = true\n'
    )
    argv = ["--layer", "direct", "--dialect", "token-json"]
    assert given_on_command_line(argv) == {"layer", "dialect"}
    cli = {
        "dialect": "token-json",
        "layer": ["direct"],
        "strict": False,
        "config": None,
    }
    assert merged(cli, argv, tmp_path) == {**cli, "strict": True}
    assert merged(cli, [], tmp_path) == {
        **cli,
        "layer": ["nginx"],
        "dialect": "openai",
        "strict": True,
    }


def test_without_a_table_or_a_pyproject_nothing_changes(tmp_path: Path) -> None:
    cli = {"dialect": "token-json", "config": None}
    assert merged(cli, [], tmp_path) == cli
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n')
    assert merged(cli, [], tmp_path) == cli


def test_config_file_errors_are_one_line_and_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "gate.toml").write_text('layer = ["squid"]\nbogus = 1\n')
    monkeypatch.chdir(tmp_path)
    assert main(["run", "--config", "gate.toml"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--config gate.toml: unknown key 'bogus'" in err
    (tmp_path / "pyproject.toml").write_text('[tool.sse-harness]\nlayer = ["squid"]\n')
    assert main(["run"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert (
        "pyproject.toml [tool.sse-harness]: layer: --layer: unknown layer 'squid'"
        in err
    )


def test_a_pyproject_only_project_is_gated_by_a_bare_run(tmp_path: Path) -> None:
    reports = tmp_path / "gate-reports"
    (tmp_path / "pyproject.toml").write_text(
        f"""[project]
name = "my-proxy"

[tool.sse-harness]
proxy-cmd = "{PROXY}"
proxy-url = "{URL}"
cwd = "{ROOT}"
select = ["HDR-STATUS-200", "HDR-CONTENT-TYPE"]
report-dir = "gate-reports"
junit = "gate-reports/junit.xml"
quiet = true
"""
    )
    done = subprocess.run(
        [sys.executable, "-m", "harness.cli", "run"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stderr == ""  # quiet = true: no progress
    doc = json.loads((reports / "report.json").read_text())
    assert doc["target"]["cmd"] == PROXY and doc["exit_status"] == 0
    assert {r["check"] for r in doc["results"]} >= {
        "HDR-STATUS-200",
        "HDR-CONTENT-TYPE",
    }
    assert 'tests="' in (reports / "junit.xml").read_text()
