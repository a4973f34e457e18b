"""The gate through real intermediaries: nginx (as shipped, keep-alive, gzip), TLS +
HTTP/2, and the CDN-like store-and-forward relay."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from harness.checks.model import Level, Outcome
from tests.harness.gate.gating import SIX_LAYERS as LAYERS, failures, gate, outcome
from tests.targets import PYTHON_PROXY, URL, node_proxy
from tests.tools import require_tool, wait_until

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.slow
@pytest.mark.needs_nginx
@pytest.mark.parametrize("proxy", ["python", "node"])
def test_correct_proxies_pass_every_must_through_every_layer(proxy):
    require_tool("nginx")
    cmd = PYTHON_PROXY if proxy == "python" else node_proxy()
    report = gate(cmd, layers=LAYERS)
    assert not failures(report), "\n".join(failures(report))
    judged = {r.layer for r in report.results if r.level is Level.MUST}
    assert judged == set(LAYERS)
    h2 = [r for r in report.results if r.check == "HDR-H2-NO-CONN-HEADERS"]
    assert [r.layer for r in h2] == ["h2"] and h2[0].outcome is Outcome.OK


@pytest.mark.slow
@pytest.mark.needs_nginx
def test_missing_accel_header_passes_direct_and_fails_behind_nginx():
    require_tool("nginx")
    report = gate(
        f"{PYTHON_PROXY} --defect no-accel",
        layers=("direct", "nginx"),
        select=("LAT-FIRST-TOKEN", "LAT-NO-BATCHING"),
    )
    assert outcome(report, "LAT-NO-BATCHING", "direct") is Outcome.OK
    first = next(
        r for r in report.results if (r.check, r.layer) == ("LAT-FIRST-TOKEN", "nginx")
    )
    assert first.outcome is Outcome.FAILED
    assert "no `X-Accel-Buffering: no`" in first.detail
    # held until the end, the tokens have no timing of their own: a knock-on
    batching = next(
        r for r in report.results if (r.check, r.layer) == ("LAT-NO-BATCHING", "nginx")
    )
    assert (batching.outcome, batching.blocked_by) == (
        Outcome.BLOCKED,
        "LAT-FIRST-TOKEN",
    )


@pytest.mark.slow
@pytest.mark.needs_nginx
def test_no_heartbeat_is_cut_off_by_nginx_read_timeout():
    require_tool("nginx")
    report = gate(
        f"{PYTHON_PROXY} --defect no-heartbeat",
        layers=("nginx",),
        select=("IDLE-*",),
        idle_s=4.0,
        heartbeat_s=1.5,
    )
    assert outcome(report, "IDLE-HEARTBEAT", "nginx") is Outcome.NON_STRICT
    assert "did not survive" in next(
        r.detail for r in report.results if r.check == "IDLE-HEARTBEAT"
    )


def _nginx_pids() -> set[int]:
    out = subprocess.run(["pgrep", "-x", "nginx"], capture_output=True, text=True)
    return {int(p) for p in out.stdout.split()}


@pytest.mark.slow
@pytest.mark.needs_nginx
def test_interrupted_run_leaves_no_nginx_and_no_temp_files():
    require_tool("nginx")
    before = _nginx_pids()
    tmp = Path(tempfile.mkdtemp(prefix="sse-int-"))
    env = dict(os.environ, TMPDIR=str(tmp))
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "harness.cli",
            "run",
            "--proxy-cmd",
            PYTHON_PROXY,
            "--proxy-url",
            URL,
            "--cwd",
            str(ROOT),
            "--layer",
            "nginx",
            "--idle-seconds",
            "30",
            "--report-dir",
            str(tmp / "reports"),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    assert wait_until(lambda: _nginx_pids() - before, 60, 0.2), "nginx never started"
    time.sleep(1.0)
    proc.send_signal(signal.SIGINT)
    out, _ = proc.communicate(timeout=30)
    assert proc.returncode != 0
    assert b"Traceback" not in out, out.decode()[-2000:]
    time.sleep(0.5)
    assert not (_nginx_pids() - before)
    report = json.loads((tmp / "reports" / "report.json").read_text())
    assert report["error"] == "interrupted" and report["exit_status"] == 130
    shutil.rmtree(tmp / "reports")
    assert list(tmp.iterdir()) == [], list(tmp.iterdir())
    tmp.rmdir()
