"""The Node drivers: one script per library in ``node/``, one managed process each.

Each script prints one result line (``@@sse-harness-result {json}``) and exits; the
process is a ManagedProcess (own process group, output to a file, stopped on exit and
on Ctrl-C), bounded by the job's timeout plus a grace period, then killed.
"""

from __future__ import annotations

import json
import shutil
import time
from dataclasses import asdict
from pathlib import Path

from harness.compat.drivers import Job, Seen
from harness.errors import EnvironmentProblem
from harness.processes import ManagedProcess

__all__ = ["NODE_DIR", "SCRIPTS", "parse_result", "run_node"]

NODE_DIR = Path(__file__).resolve().parent / "node"
PREFIX = "@@sse-harness-result "
GRACE_S = 5.0
SCRIPTS = {
    "react-native-sse": "react_native_sse.mjs",
    "eventsource": "eventsource.mjs",
    "eventsource-parser": "eventsource_parser.mjs",
    "ollama-js": "ollama_js.mjs",
}


def node_ready() -> None:
    """EnvironmentProblem (exit 2) unless node and the pinned packages are there."""
    if shutil.which("node") is None:
        raise EnvironmentProblem("node is not installed (bash .ci/setup installs it)")
    if not (NODE_DIR / "node_modules" / "react-native-sse").is_dir():
        raise EnvironmentProblem(
            f"the Node client packages are missing: run npm ci in {NODE_DIR}"
        )


def parse_result(output: str, *, sdk: bool, timed_out: bool, timeout_s: float) -> Seen:
    """The driver's result line, or an error cell's worth of explanation."""
    # split on LF only: the JSON may hold a raw U+2028, which splitlines() breaks on
    lines = [ln for ln in output.split("\n") if ln.startswith(PREFIX)]
    if not lines:
        if timed_out:
            return Seen(error=f"timeout: no result within {timeout_s:g} s (killed)")
        tail = " | ".join(ln.strip() for ln in output.splitlines()[-3:] if ln.strip())
        return Seen(error=f"driver crashed: {tail or '(no output)'}")
    try:
        raw = json.loads(lines[-1][len(PREFIX) :])
    except ValueError as exc:
        return Seen(error=f"driver printed an unreadable result: {exc}")
    events = tuple((str(t), str(d), float(ms)) for t, d, ms in raw["events"])
    return Seen(
        events=events,
        error=raw.get("error"),
        reconnected=bool(raw.get("reconnected")),
        note=str(raw.get("note") or ""),
        sdk=sdk,
    )


def run_node(job: Job, workdir: Path) -> Seen:
    """Run the script of ``job.client`` once; always stop its process group."""
    script = NODE_DIR / SCRIPTS[job.client]
    process = ManagedProcess(
        ["node", str(script), json.dumps(asdict(job))],
        cwd=str(NODE_DIR),
        log_path=workdir / f"node-{job.client}.log",
        name=job.client,
    )
    process.start()
    deadline = time.monotonic() + job.timeout_s + GRACE_S
    try:
        while process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
        timed_out = process.poll() is None
    finally:
        process.stop(grace=1.0)
    return parse_result(
        process.output(),
        sdk=job.client == "ollama-js",
        timed_out=timed_out,
        timeout_s=job.timeout_s,
    )
