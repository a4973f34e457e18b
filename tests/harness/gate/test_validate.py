"""harness.gate.validate: every bad path, port, certificate or bound is one line."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import pytest
import trustme

from harness.errors import UsageError
from harness.gate import validate as v
from mock_ollama.scenario.catalog import BUNDLED_DIR

if TYPE_CHECKING:
    from pathlib import Path


@pytest.fixture
def files(tmp_path: Path) -> Path:
    (tmp_path / "dir").mkdir()
    (tmp_path / "file.txt").write_text("hello\n")
    (tmp_path / "fake.pem").write_text(
        "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n"
    )
    trustme.CA().cert_pem.write_to_path(str(tmp_path / "ca.pem"))
    (tmp_path / "bad.ndjson").write_text("not json\n")
    return tmp_path


BAD = [
    (v.existing_dir, "--cwd", "missing", "--cwd {}: no such directory"),
    (v.existing_dir, "--cwd", "file.txt", "--cwd {}: not a directory"),
    (v.pem_certificate, "--ca", "missing", "--ca {}: no such file"),
    (
        v.pem_certificate,
        "--ca",
        "dir",
        "--ca {}: is a directory, not a PEM certificate",
    ),
    (v.pem_certificate, "--ca", "file.txt", "--ca {}: not a PEM certificate (no BEGIN"),
    (v.pem_certificate, "--ca", "fake.pem", "--ca {}: not a valid PEM certificate ("),
    (v.scenario_path, "--scenario", "missing.ndjson", "--scenario {}: no such file"),
    (
        v.scenario_path,
        "--scenario",
        "dir",
        "--scenario {}: is a directory, not a scenario",
    ),
    (v.scenario_path, "--scenario", "file.txt", "--scenario {}: not a scenario file"),
    (
        v.scenario_path,
        "--scenario",
        "bad.ndjson",
        "--scenario {}: not a valid scenario",
    ),
]


@pytest.mark.parametrize(("check", "option", "name", "needle"), BAD)
def test_bad_paths_are_one_line_naming_the_option(
    files: Path, check: object, option: str, name: str, needle: str
) -> None:
    path = files / name
    assert callable(check)
    with pytest.raises(UsageError) as caught:
        check(option, path)
    assert str(caught.value).startswith(needle.format(path))
    assert "\n" not in str(caught.value)


def test_good_paths_pass(files: Path) -> None:
    assert v.existing_dir("--cwd", files / "dir") == files / "dir"
    assert v.pem_certificate("--ca", files / "ca.pem") == files / "ca.pem"
    scenario = next(BUNDLED_DIR.glob("*.ndjson"))
    assert v.scenario_path("--scenario", scenario) == scenario


@pytest.mark.parametrize(
    ("value", "allow_zero", "problem"),
    [
        (0, False, "not a TCP port (1-65535)"),
        (65536, True, "not a TCP port (0-65535)"),
        (-1, True, "not a TCP port (0-65535)"),
        ("http", False, "not a TCP port number"),
    ],
)
def test_bad_ports(value: object, allow_zero: bool, problem: str) -> None:
    with pytest.raises(UsageError) as caught:
        v.port("--mock-port", value, allow_zero=allow_zero)  # type: ignore[arg-type]
    assert str(caught.value) == f"--mock-port {value}: {problem}"


@pytest.mark.parametrize(
    ("value", "allow_zero"), [(1, False), (65535, False), (0, True)]
)
def test_good_ports(value: int, allow_zero: bool) -> None:
    assert v.port("--mock-port", str(value), allow_zero=allow_zero) == value


@pytest.mark.parametrize(
    ("option", "value", "problem"),
    [
        ("--idle-seconds", 301.0, "at most 300 s: IDLE-HEARTBEAT needs"),
        ("--idle-seconds", 0.5, "at least 1 s"),
        ("--heartbeat-budget", 121.0, "at most 120 s: no common layer"),
        ("--startup-timeout", 601.0, "at most 600 s: a proxy that does not listen"),
        ("--startup-timeout", math.inf, "not a finite number of seconds"),
        ("--startup-timeout", math.nan, "not a finite number of seconds"),
    ],
)
def test_seconds_have_bounds_with_reasons(
    option: str, value: float, problem: str
) -> None:
    bound = v.BOUNDS[option]
    with pytest.raises(UsageError) as caught:
        v.bounded_seconds(option, value, bound.low, bound.high, bound.reason)
    assert str(caught.value).startswith(f"{option} {value}: {problem}")


def test_seconds_within_bounds_pass() -> None:
    for option, bound in v.BOUNDS.items():
        for value in (bound.low, bound.high):
            assert v.bounded_seconds(option, value, bound.low, bound.high, "") == value


@pytest.mark.parametrize(
    ("items", "message"),
    [
        ([""], "--select '': empty pattern"),
        (["LAT-*,"], "--select 'LAT-*,': empty pattern"),
        (
            ["NOPE"],
            "--select 'NOPE': matches no check; `sse-harness checks` lists them",
        ),
        (["LAT-*", "nope*"], "--select 'nope*': matches no check"),
    ],
)
def test_bad_select_patterns(items: list[str], message: str) -> None:
    with pytest.raises(UsageError) as caught:
        v.select_patterns("--select", items)
    assert str(caught.value).startswith(message)


def test_good_select_patterns_are_split_and_stripped() -> None:
    assert v.select_patterns("--select", ["lat-*, END-*", "REQ-415*"]) == (
        "lat-*",
        "END-*",
        "REQ-415*",
    )
