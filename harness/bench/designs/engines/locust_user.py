"""The benchmark's observing client inside a Locust ``User`` (a locustfile).

Each user runs one stream with the harness's sans-IO HTTP/1.1 session (or, for a
WebSocket design, the native engine's :class:`~.readers.WsSession`) on a
gevent-cooperative socket (:mod:`.sync_client`), stamping every read, then
stops. Workers ship each stream's per-read timeline to the master with Locust's own
messaging (``report_to_master`` -> ``worker_report``); the master writes them all to
``SSE_BENCH_OUT`` and quits once ``SSE_BENCH_STREAMS`` have arrived. TTFT also goes
into Locust's statistics (request type ``SSE``, name ``ttft``).

``sse-harness bench --engine locust --workers N`` starts all of this on loopback. By
hand, across machines (every process needs the same ``SSE_BENCH_*`` environment)::

    F=$(python -c 'import harness.bench.designs.engines.locust_user as m; print(m.__file__)')
    SSE_BENCH_URL=http://proxy:8000/api/v1/complete SSE_BENCH_STREAMS=100 \\
    SSE_BENCH_OUT=streams.json locust -f "$F" --headless --master --expect-workers 4 \\
        -u 100 -r 1000
    SSE_BENCH_URL=http://proxy:8000/api/v1/complete locust -f "$F" --worker \\
        --master-host MASTER

Each worker measures TTFT and gaps on its own clock; lag against the mock's write times
means something only where the mock shares the worker's host (one CLOCK_MONOTONIC).

Environment: ``SSE_BENCH_URL`` (``ws://…`` for a WebSocket design); ``SSE_BENCH_KIND``
(``sse``, ``ndjson`` or ``ws``); ``SSE_BENCH_DIALECT`` (``token-json``); ``SSE_BENCH_BODY``
(JSON, ``@@REQ@@`` replaced by a fresh request id); ``SSE_BENCH_TAG``;
``SSE_BENCH_STREAMS``; ``SSE_BENCH_OUT``; ``SSE_BENCH_TOTAL_S``; ``SSE_BENCH_REALTIME``
(``1``: a worker runs under ``SCHED_RR`` when permitted, :mod:`harness.bench.designs.realtime`).
"""

from __future__ import annotations

import json
import os
import secrets
import time
from typing import Any

import gevent
import locust.runners
from locust import User, events, task
from locust.exception import StopUser
from locust.runners import MasterRunner, WorkerRunner

from harness.bench.designs.engines.locust_engine import REQ_PLACEHOLDER
from harness.bench.designs.engines.readers import (
    http_request,
    ndjson_record,
    sse_record,
)
from harness.bench.designs.engines.sync_client import observe_sync, ws_stream_sync
from harness.bench.designs.metrics import StreamRecord
from harness.bench.designs.realtime import CLIENT_PRIORITY, set_realtime
from harness.client.loop import Limits
from harness.probe.catalog import PROMPT
from harness.probe.dialects import DEFAULT, make_dialect
from mock_ollama.scenario.marker import Marker

#: report to the master often: a stream's timeline should not wait 3 s
locust.runners.WORKER_REPORT_INTERVAL = 0.25
DEFAULT_BODY = json.dumps({"prompt": PROMPT + str(Marker(req=REQ_PLACEHOLDER))})

_finished: list[dict[str, Any]] = []  # on a worker: records not yet reported
_collected: list[dict[str, Any]] = []  # on the master


def _env(name: str, default: str = "") -> str:
    return os.environ.get(f"SSE_BENCH_{name}", default)


class StreamUser(User):
    """Runs one observed stream, reports it, and stops."""

    def wait_time(self) -> float:
        return 0.0

    @task
    def stream(self) -> None:
        tag = _env("TAG", "locust")
        req = f"{tag[:40]}-{secrets.token_hex(4)}"
        try:
            rec = _one_stream(req)
        except Exception as exc:  # a bug here must not make the user spin
            now = time.perf_counter_ns()
            rec = StreamRecord(req, now, None, (), False, f"locust user: {exc}", 0)
        _finished.append(
            {
                "req": rec.req,
                "sent_ns": rec.sent_ns,
                "head_ns": rec.head_ns,
                "tokens": [list(t) for t in rec.tokens],
                "done": rec.done,
                "error": rec.error,
                "wire_bytes": rec.wire_bytes,
            }
        )
        ttft = (rec.tokens[0][0] - rec.sent_ns) / 1e6 if rec.tokens else 0.0
        events.request.fire(  # type: ignore[no-untyped-call]
            request_type="SSE",
            name="ttft",
            response_time=ttft,
            response_length=rec.wire_bytes,
            exception=Exception(rec.error) if rec.error else None,
            context={},
        )
        raise StopUser()


def _one_stream(req: str) -> StreamRecord:
    body = json.loads(_env("BODY", DEFAULT_BODY).replace(REQ_PLACEHOLDER, req))
    kind, url = _env("KIND", "sse"), _env("URL")
    limits = Limits(idle_s=30.0, total_s=float(_env("TOTAL_S", "120")))
    if kind == "ndjson":
        obs = observe_sync(http_request(url, body, "application/x-ndjson"), limits)
        return ndjson_record(req, obs)
    dialect = make_dialect(_env("DIALECT", DEFAULT))
    if kind == "ws":
        return ws_stream_sync(req, url, body, dialect, limits)
    obs = observe_sync(http_request(url, body, "text/event-stream"), limits)
    return sse_record(req, obs, dialect)


@events.report_to_master.add_listener  # type: ignore[untyped-decorator]
def _ship(client_id: str, data: dict[str, Any], **_: Any) -> None:
    if _finished:
        data["sse_bench"] = list(_finished)
        _finished.clear()


@events.worker_report.add_listener  # type: ignore[untyped-decorator]
def _collect(client_id: str, data: dict[str, Any], **_: Any) -> None:
    _collected.extend(data.get("sse_bench", ()))
    wanted = int(_env("STREAMS", "0") or 0)
    runner = _master()
    if wanted and len(_collected) >= wanted and runner is not None:
        gevent.spawn_later(0.1, runner.quit)


@events.quitting.add_listener  # type: ignore[untyped-decorator]
def _write(environment: Any, **_: Any) -> None:
    out = _env("OUT")
    if out and isinstance(environment.runner, MasterRunner):
        with open(out, "w") as file:
            json.dump(_collected, file)


_MASTER: list[MasterRunner] = []


@events.init.add_listener  # type: ignore[untyped-decorator]
def _remember(environment: Any, **_: Any) -> None:
    if isinstance(environment.runner, MasterRunner):
        _MASTER.append(environment.runner)
    if isinstance(environment.runner, WorkerRunner) and _env("REALTIME") == "1":
        set_realtime(0, CLIENT_PRIORITY)  # else as before: normal priority


def _master() -> MasterRunner | None:
    return _MASTER[0] if _MASTER else None
