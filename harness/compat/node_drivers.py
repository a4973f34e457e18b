"""The Node drivers: one script per library in ``node/``, one managed process each.

Each script prints one result line (``@@sse-harness-result {json}``) and exits; the
process is a ManagedProcess (own process group, output to a file, stopped on exit and
on Ctrl-C), bounded by the job's timeout plus a grace period, then killed.
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict
from pathlib import Path

from harness.compat.drivers import Job, Seen
from harness.install.node import NodeProject, prepared
from harness.processes import ManagedProcess

__all__ = ["DRIVERS", "NODE_DIR", "SCRIPTS", "drivers_dir", "parse_result", "run_node"]

#: the scripts and the lock file as shipped (in the wheel: read-only)
NODE_DIR = Path(__file__).resolve().parent / "node"
#: installed on first use into the per-version cache (harness.install.node)
DRIVERS = NodeProject(
    name="client-drivers",
    what="the Node client drivers",
    source=NODE_DIR,
    files=("package.json", "package-lock.json", "*.mjs"),
    ready=(
        "node_modules/react-native-sse/package.json",
        "node_modules/@microsoft/fetch-event-source/lib/esm/index.js",
    ),
)
PREFIX = "@@sse-harness-result "
GRACE_S = 5.0
SCRIPTS = {
    "react-native-sse": "react_native_sse.mjs",
    "eventsource": "eventsource.mjs",
    "eventsource-parser": "eventsource_parser.mjs",
    "ollama-js": "ollama_js.mjs",
}


def drivers_dir() -> Path:
    """Where the scripts run from, with the pinned packages installed (on first use:
    ``npm ci`` into the cache); EnvironmentProblem naming what is missing else."""
    return prepared(DRIVERS)


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
    return Seen.from_driver(raw, sdk=sdk)


def run_node(job: Job, workdir: Path, node_dir: Path) -> Seen:
    """Run the script of ``job.client`` in ``node_dir`` (:func:`drivers_dir`) once;
    always stop its process group."""
    script = node_dir / SCRIPTS[job.client]
    process = ManagedProcess(
        ["node", str(script), json.dumps(asdict(job))],
        cwd=str(node_dir),
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
