"""The Locust engine: a real Locust master and N workers on loopback, headless.

Each cell is one Locust run (``locust_user.py`` beside it as the locustfile):
``-u C`` users spawned at once, each running one observed stream (SSE, NDJSON or
WebSocket). The per-read
timelines come back over Locust's master/worker messaging; the master writes them to a
file this engine reads. Locust is imported only in those processes (it monkey-patches
the standard library with gevent), never here.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

from harness.bench.designs.engines.native import FLOOR
from harness.bench.designs.metrics import StreamRecord
from harness.errors import EnvironmentProblem
from harness.processes import ManagedProcess, free_port

#: stands for each stream's request id in the body the Locust user sends
REQ_PLACEHOLDER = "@@REQ@@"

if TYPE_CHECKING:
    from harness.bench.designs.engines.native import Job

LOCUSTFILE = Path(__file__).with_name("locust_user.py")
#: Locust's own start-up (imports, workers connecting) before the first stream
STARTUP_S = 60.0


class LocustEngine:
    name = "locust"

    def __init__(self, workers: int = 2, rt: bool = True) -> None:
        self.workers = max(1, workers)
        self.rt, self.floor = rt, FLOOR
        self._dir = Path(tempfile.mkdtemp(prefix="sse-bench-locust-"))
        self._runs = 0

    def processes_for(self, streams: int) -> int:
        return self.workers

    def realtime_for(self, streams: int) -> bool:
        """Workers run real-time (if permitted) while each carries <= ``floor``."""
        return self.rt and -(-streams // self.workers) <= self.floor

    def run(self, jobs: list[Job]) -> list[StreamRecord]:
        if not jobs:
            return []
        job = jobs[0]
        self._runs += 1
        out = self._dir / f"streams-{self._runs}.json"
        body = json.dumps(job.body).replace(job.req, REQ_PLACEHOLDER)
        env = dict(os.environ)
        env.update(
            SSE_BENCH_URL=job.url,
            SSE_BENCH_KIND=job.kind,
            SSE_BENCH_DIALECT=job.dialect,
            SSE_BENCH_BODY=body,
            SSE_BENCH_TAG=job.req.rsplit("-", 1)[0],
            SSE_BENCH_STREAMS=str(len(jobs)),
            SSE_BENCH_OUT=str(out),
            SSE_BENCH_TOTAL_S=str(job.limits.total_s),
            SSE_BENCH_REALTIME="1" if self.realtime_for(len(jobs)) else "0",
        )
        self._locust(env, len(jobs), job.limits.total_s)
        try:
            raw = json.loads(out.read_text())
        except (OSError, ValueError) as exc:
            raise EnvironmentProblem(
                f"the Locust master wrote no results ({exc}); see {self._dir}"
            ) from None
        return [
            StreamRecord(
                r["req"], r["sent_ns"], r["head_ns"],
                tuple((int(t), str(text)) for t, text in r["tokens"]),
                bool(r["done"]), str(r["error"]), int(r["wire_bytes"]),
            )
            for r in raw
        ]  # fmt: skip

    def _locust(self, env: dict[str, str], users: int, total_s: float) -> None:
        port = free_port()
        base = [sys.executable, "-m", "locust", "-f", str(LOCUSTFILE)]
        run_time = int(total_s + STARTUP_S)
        master = ManagedProcess(
            [
                *base, "--headless", "--master", "--master-bind-host", "127.0.0.1",
                "--master-bind-port", str(port), "--expect-workers", str(self.workers),
                "--expect-workers-max-wait", str(int(STARTUP_S)),
                "-u", str(users), "-r", str(max(users * 10, 100)),
                "--run-time", f"{run_time}s", "--only-summary",
                "--loglevel", "WARNING", "--exit-code-on-error", "0",
            ],
            env=env, log_path=self._dir / f"master-{self._runs}.log", name="locust master",
        )  # fmt: skip
        workers = [
            ManagedProcess(
                [
                    *base,
                    "--worker",
                    "--master-host",
                    "127.0.0.1",
                    "--master-port",
                    str(port),
                    "--loglevel",
                    "WARNING",
                ],
                env=env,
                log_path=self._dir / f"worker-{self._runs}-{i}.log",
                name=f"locust worker {i}",
            )
            for i in range(self.workers)
        ]  # fmt: skip
        master.start()
        try:
            for worker in workers:
                worker.start()
            deadline = time.monotonic() + run_time + 30
            while master.poll() is None and time.monotonic() < deadline:
                time.sleep(0.05)
            if master.poll() is None:
                raise EnvironmentProblem(
                    f"the Locust master did not finish: {master.last_lines()}"
                )
        finally:
            for process in [*workers, master]:
                process.stop(grace=5.0)

    def close(self) -> None:
        pass
