"""The GitHub Action's steps (.github/action/run.sh, what action.yml runs), run in a
temporary project with GITHUB_STEP_SUMMARY and GITHUB_OUTPUT pointing at files: the
step summary is written and the script exits with the gate's status."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[3]
SCRIPT = ROOT / ".github" / "action" / "run.sh"
PORTS = "--port {port} --upstream {upstream}"
BROKEN = f"{sys.executable} -m proxies.starlette_proxy {PORTS} --defect no-415"
KNOWN = '[[known]]\ncheck = "REQ-415-WRONG-TYPE"\nreason = "gateway"\nlink = "#7"\n'


def action(
    project: Path, **inputs: str
) -> tuple[subprocess.CompletedProcess[str], Path]:
    github = project / "github"
    github.mkdir(exist_ok=True)
    env = {
        **os.environ,
        "SSE_HARNESS_PYTHON": sys.executable,
        "INPUT_INSTALL": "false",  # the package is installed here already
        "INPUT_PROXY_CMD": BROKEN,
        "INPUT_PROXY_URL": "http://127.0.0.1:{port}/api/v1/complete",
        "GITHUB_STEP_SUMMARY": str(github / "summary"),
        "GITHUB_OUTPUT": str(github / "output"),
        **{f"INPUT_{k.upper()}": v for k, v in inputs.items()},
    }
    done = subprocess.run(
        ["bash", str(SCRIPT)], cwd=project, env=env, capture_output=True, text=True,
        timeout=180,
    )  # fmt: skip
    return done, github


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project whose pyproject.toml says where the proxy runs and what to check."""
    (tmp_path / "pyproject.toml").write_text(
        f'[tool.sse-harness]\ncwd = "{ROOT}"\nselect = ["REQ-415-WRONG-TYPE"]\nquiet = true\n'
    )
    (tmp_path / "known.toml").write_text(KNOWN)
    return tmp_path


def test_the_action_fails_with_the_gate_and_writes_the_step_summary(
    project: Path,
) -> None:
    done, github = action(project, layers="direct")
    assert done.returncode == 1, done.stdout + done.stderr
    summary = (github / "summary").read_text()
    assert summary.startswith("# sse-harness") and "**❌ FAILED**" in summary
    assert "REQ-415-WRONG-TYPE" in summary
    outputs = (github / "output").read_text().splitlines()
    assert outputs == ["exit-status=1", "report-dir=sse-harness-report"]
    reports = project / "sse-harness-report"
    assert {"report.json", "summary.md", "junit.xml", "badge.json"} <= {
        p.name for p in reports.iterdir()
    }


def test_the_action_passes_what_the_known_failures_file_excuses(project: Path) -> None:
    done, github = action(project, known_failures="known.toml", report_dir="out")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "(known: gateway, #7)" in (github / "summary").read_text()
    assert "exit-status=0" in (github / "output").read_text()


def test_a_usage_error_is_status_2_and_names_the_input(project: Path) -> None:
    done, github = action(project, layers="direct,squid")
    assert done.returncode == 2
    assert "unknown layer 'squid'" in done.stderr
    assert "exit-status=2" in (github / "output").read_text()


def test_action_yml_maps_every_input_to_the_script() -> None:
    spec = yaml.safe_load((ROOT / "action.yml").read_text())
    assert spec["runs"]["using"] == "composite"
    gate = next(s for s in spec["runs"]["steps"] if s.get("id") == "gate")
    assert gate["run"] == 'bash "$GITHUB_ACTION_PATH/.github/action/run.sh"'
    mapped = {k.removeprefix("INPUT_").lower().replace("_", "-") for k in gate["env"]}
    assert set(spec["inputs"]) - {"python-version"} <= mapped
    script = SCRIPT.read_text()
    assert all(k in script for k in gate["env"] if k.startswith("INPUT_"))
    upload = spec["runs"]["steps"][-1]
    assert upload["if"] == "always()" and upload["uses"].startswith(
        "actions/upload-artifact@"
    )
