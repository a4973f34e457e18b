"""The gate through HAProxy, Varnish, Apache, Caddy and the cutting relays.

Both reference proxies pass every MUST behind every ``-tuned`` layer and an idle
timeout above their heartbeat; what the stock configurations do to a correct proxy is
the layer's finding (INFO or UNIMPLEMENTED with the reason), never FAILED on the
proxy; a proxy without heartbeats loses its stream behind a real 30 s idle cut, and
heartbeats every 15 s keep it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from harness.checks.model import Level, Outcome
from harness.layers import requirements
from tests.harness.gate.gating import failures, gate
from tests.targets import PYTHON_PROXY, URL, node_proxy
from tests.tools import in_ci

if TYPE_CHECKING:
    from harness.checks.model import Result
    from harness.gate.run import RunReport

ROOT = Path(__file__).resolve().parents[3]
TUNED = ("haproxy-tuned", "varnish-tuned", "apache-tuned", "apache-h2-tuned",
         "caddy-tuned", "caddy-encode-tuned")  # fmt: skip
STOCK = tuple(name.removesuffix("-tuned") for name in TUNED)
#: above the 1 s heartbeat of the fast runs (tests/harness/gate/gating.py FAST)
IDLE_ABOVE_HEARTBEAT = "idle-timeout:5"


def require_programs() -> None:
    missing = [r.message for r in requirements() if r.found is None]
    if missing:
        message = "; ".join(missing)
        if in_ci():
            pytest.fail(f"CI=true and {message}", pytrace=False)
        pytest.skip(message)


def of(report: RunReport, check: str, layer: str) -> Result:
    return next(r for r in report.results if (r.check, r.layer) == (check, layer))


#: every new layer at once (the python proxy's run), and its wall time
EVERY = (*TUNED, IDLE_ABOVE_HEARTBEAT, *STOCK, "total-timeout:2")


@pytest.fixture(scope="module")
def through_every_layer() -> tuple[RunReport, float]:
    """The python proxy through every new layer side by side, and how long it took."""
    require_programs()
    started = time.monotonic()
    report = gate(PYTHON_PROXY, layers=EVERY)
    return report, time.monotonic() - started


def assert_passes_every_must(report: RunReport, layers: tuple[str, ...]) -> None:
    judged = {r.layer for r in report.results if r.level is Level.MUST}
    assert set(layers) <= judged
    missed = [
        f"{r.check} [{r.layer}] {r.outcome.value}: {r.detail}"
        for r in report.results
        if r.layer in layers and r.outcome in (Outcome.FAILED, Outcome.NON_STRICT)
    ]
    assert not missed, "\n".join(missed)


@pytest.mark.slow
def test_the_python_proxy_passes_every_must_behind_every_tuned_layer(
    through_every_layer: tuple[RunReport, float],
) -> None:
    report, took = through_every_layer
    assert took < 180, f"every new layer side by side took {took:.0f} s"
    assert_passes_every_must(report, (*TUNED, IDLE_ABOVE_HEARTBEAT))


@pytest.mark.slow
def test_the_node_proxy_passes_every_must_behind_every_tuned_layer() -> None:
    require_programs()
    layers = (*TUNED, IDLE_ABOVE_HEARTBEAT)
    assert_passes_every_must(gate(node_proxy(), layers=layers), layers)


@pytest.mark.slow
def test_what_stock_layers_do_to_a_correct_proxy_is_the_layers_finding(
    through_every_layer: tuple[RunReport, float],
) -> None:
    report, _ = through_every_layer
    assert not failures(report), "\n".join(failures(report))
    cancel = of(report, "CANCEL-BEFORE-FIRST-TOKEN", "haproxy")
    assert cancel.outcome in (Outcome.OK, Outcome.INFO)
    if cancel.outcome is Outcome.INFO:
        assert "option abortonclose" in cancel.detail
    for layer in ("varnish", "apache", "apache-h2"):
        blind = of(report, "CANCEL-BEFORE-FIRST-TOKEN", layer)
        assert blind.outcome is Outcome.UNIMPLEMENTED, blind.detail
        assert (
            "notices a client that went away only when it next writes" in blind.detail
        )
    for check in ("IDLE-HEARTBEAT", "IDLE-HEARTBEAT-MID"):
        cut = of(report, check, "total-timeout:2")
        assert cut.outcome is Outcome.INFO, cut.detail
        assert "ended the response after 2 s" in cut.detail


def run_cli(
    *args: str, env: dict[str, str], report_dir: Path
) -> subprocess.Popen[bytes]:
    argv = [sys.executable, "-m", "harness.cli", "run", "--proxy-url", URL,
            "--cwd", str(ROOT), "--report-dir", str(report_dir), *args]  # fmt: skip
    return subprocess.Popen(
        argv, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )


@pytest.mark.slow
def test_no_heartbeat_loses_the_stream_behind_a_30_s_idle_cut(tmp_path: Path) -> None:
    """The cut is real (30 s); the two proxies run side by side to halve the wait."""
    cut = ("--layer", "idle-timeout:30", "--select", "IDLE-HEARTBEAT",
           "--select", "IDLE-HEARTBEAT-MID", "--heartbeat-budget", "15")  # fmt: skip
    runs = {
        "none": run_cli(
            "--proxy-cmd",
            f"{PYTHON_PROXY} --defect no-heartbeat",
            *cut,
            env=dict(os.environ),
            report_dir=tmp_path / "none",
        ),
        "15s": run_cli(
            "--proxy-cmd",
            PYTHON_PROXY,
            *cut,
            env={**os.environ, "HEARTBEAT_SECONDS": "15"},
            report_dir=tmp_path / "15s",
        ),
    }
    for name, proc in runs.items():
        out, _ = proc.communicate(timeout=150)
        assert b"Traceback" not in out, out.decode()[-2000:]
        report = json.loads((tmp_path / name / "report.json").read_text())
        found = {r["check"]: r for r in report["results"]}
        for check in ("IDLE-HEARTBEAT", "IDLE-HEARTBEAT-MID"):
            result = found[check]
            assert result["layer"] == "idle-timeout:30"
            if name == "15s":
                assert result["outcome"] == "OK", result["detail"]
            else:
                assert result["outcome"] == "NON-STRICT", result["detail"]
                assert "after 30 s without bytes" in result["detail"]
                assert (
                    "a heartbeat at least every 30 s keeps it open" in result["detail"]
                )


@pytest.mark.slow
@pytest.mark.parametrize(
    ("defect", "outcome", "fragment"),
    [
        ("", Outcome.OK, "no Content-Encoding"),
        ("gzip", Outcome.NON_STRICT, "the proxy itself answers"),
    ],
)
def test_content_encoding_behind_caddy_encode_is_blamed_on_who_compressed(
    defect: str, outcome: Outcome, fragment: str
) -> None:
    require_programs()
    cmd = f"{PYTHON_PROXY} --defect {defect}" if defect else PYTHON_PROXY
    report = gate(cmd, layers=("caddy-encode",), select=("HDR-NO-COMPRESSION",))
    result = of(report, "HDR-NO-COMPRESSION", "caddy-encode")
    assert result.outcome is outcome, result.detail
    assert fragment in result.detail
