"""Run the client drivers: the mock with the clients' stream, targets, one cell each.

All clients that fit a target read it at the same time (Python drivers in threads,
Node drivers as processes, the Chromium drivers as pages of one browser); every one is
bounded by ``timeout_s``. Everything started here is a managed process group.
"""

from __future__ import annotations

import functools
import json
import threading
import time
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from harness.compat.drivers import (
    CLIENT_ALIASES,
    CLIENTS,
    Job,
    Seen,
    Stream,
    judge,
    method_for,
)
from harness.compat.stream import (
    CHAT_NAME,
    GENERATE_NAME,
    chat_lines,
    expected_text,
    generate_lines,
)
from harness.errors import EnvironmentProblem, UsageError
from harness.probe.catalog import DEFAULT_MODEL
from harness.probe.dialects import make_dialect
from harness.upstream.mock import MockUpstream, start_mock

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Sequence
    from pathlib import Path

    from harness.compat.chromium import ChromiumDrivers
    from harness.compat.model import MatrixCell

__all__ = ["ClientRun", "mock_for_clients", "read_stream", "select_clients"]

#: the clients' prompt (their stream is the multilingual scenario)
PROMPT = "Say hello in several languages."
#: fixed spacing of the clients' stream: 43 lines in ~0.65 s
TIMING = "fixed:15"
#: beyond the clients' timeout: process start-up, the browser's page load, kill grace
JOIN_GRACE_S = 25.0


@dataclass(frozen=True, slots=True)
class ClientRun:
    """Options of one matrix run (the target options live in the caller)."""

    clients: tuple[str, ...] = ()
    timeout_s: float = 15.0
    model: str | None = None
    headers: tuple[tuple[str, str], ...] = ()
    token_key: str = "token"
    done_key: str = "finished"
    #: where the Node drivers run from (harness.compat.ready fills it in)
    node_dir: Path | None = None
    #: the browser the chromium-* clients use (harness.compat.ready fills it in)
    chromium: str | None = None


def select_clients(names: Sequence[str]) -> tuple[str, ...]:
    """``--client`` names, validated, old names mapped to new ones (empty: every
    client)."""
    found = []
    for name in names:
        name = CLIENT_ALIASES.get(name, name)
        if name not in CLIENTS:
            raise UsageError(
                f"--client {name!r}: unknown (known: {', '.join(CLIENTS)})"
            )
        found.append(name)
    return tuple(found) or tuple(CLIENTS)


@contextmanager
def mock_for_clients(
    workdir: Path, *, port: int = 0, upstream_mode: str | None = None
) -> Iterator[MockUpstream]:
    """The mock whose /api/chat and /api/generate default to the clients' stream."""
    scen = workdir / "scenarios"
    scen.mkdir(parents=True, exist_ok=True)
    chat = scen / f"{CHAT_NAME}.ndjson"
    gen = scen / f"{GENERATE_NAME}.ndjson"
    chat.write_bytes(b"".join(chat_lines()))
    gen.write_bytes(b"".join(generate_lines()))
    extra = ["--scenario", str(chat), "--scenario", str(gen), "--timing", TIMING]
    if upstream_mode:
        extra += ["--upstream-mode", upstream_mode]
    with start_mock(workdir, port=port, extra_args=tuple(extra)) as mock:
        yield mock


def _body(stream: Stream, run: ClientRun) -> str:
    model = run.model or DEFAULT_MODEL
    if stream.kind == "ndjson" and stream.endpoint == "generate":
        return json.dumps({"model": model, "prompt": PROMPT, "stream": True})
    dialect = make_dialect(
        stream.dialect, token_key=run.token_key, done_key=run.done_key
    )
    return json.dumps(dialect.body(PROMPT, run.model), ensure_ascii=False)


def job_for(client: str, stream: Stream, run: ClientRun) -> Job | None:
    method = method_for(CLIENTS[client], stream)
    if method is None:
        return None
    headers = [("Accept", "text/event-stream")]
    if method == "GET":
        url = f"{stream.get_url}{'&' if '?' in str(stream.get_url) else '?'}"
        url += urlencode({"prompt": PROMPT})
        body = None
    else:
        url, body = stream.url, _body(stream, run)
        headers.append(("Content-Type", "application/json"))
    return Job(
        client=client,
        url=url,
        method=method,
        headers=tuple(headers) + run.headers,
        body=body,
        timeout_s=run.timeout_s,
        prompt=PROMPT,
        model=run.model or DEFAULT_MODEL,
        endpoint=stream.endpoint,
    )


def _collect(
    jobs: list[Job], work: Callable[[], list[Seen]], into: dict[str, Seen]
) -> None:
    try:
        results = work()
    except Exception as exc:  # a driver bug must not eat the matrix
        results = [Seen(error=f"driver failed: {type(exc).__name__}: {exc}")] * len(
            jobs
        )
    for job, result in zip(jobs, results, strict=True):
        into[job.client] = result


def _one(job: Job, workdir: Path, node_dir: Path | None) -> list[Seen]:
    return [_seen(job, workdir, node_dir)]


def _seen(job: Job, workdir: Path, node_dir: Path | None) -> Seen:
    spec = CLIENTS[job.client]
    if spec.family == "python":
        from harness.compat.python_drivers import PYTHON_DRIVERS

        return PYTHON_DRIVERS[job.client](job)
    from harness.compat.node_drivers import drivers_dir, run_node

    return run_node(job, workdir, node_dir or drivers_dir())


def read_stream(
    stream: Stream,
    run: ClientRun,
    workdir: Path,
    *,
    browser: ChromiumDrivers | None,
    layer: str = "direct",
) -> list[MatrixCell]:
    """Every selected client that fits ``stream`` reads it once, concurrently."""
    jobs = [j for c in run.clients if (j := job_for(c, stream, run)) is not None]
    in_browser = [j for j in jobs if CLIENTS[j.client].family == "chromium"]
    others = [j for j in jobs if CLIENTS[j.client].family != "chromium"]
    seen: dict[str, Seen] = {}
    tasks: list[tuple[list[Job], Callable[[], list[Seen]]]] = [
        ([j], functools.partial(_one, j, workdir, run.node_dir)) for j in others
    ]
    if browser is not None and in_browser:
        tasks.append((in_browser, functools.partial(browser.run, in_browser)))
    threads = []
    for task_jobs, work in tasks:
        thread = threading.Thread(
            target=_collect, args=(task_jobs, work, seen), daemon=True
        )
        thread.start()
        threads.append(thread)
    # daemon threads: a driver blocked in a read never holds up exit or Ctrl-C
    deadline = time.monotonic() + run.timeout_s + JOIN_GRACE_S
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
    dialect = make_dialect(
        stream.dialect, token_key=run.token_key, done_key=run.done_key
    )
    expected = expected_text()
    cells = []
    for job in jobs:
        found = seen.get(job.client) or Seen(
            error=f"timeout: the driver gave no result within {run.timeout_s:g} s"
        )
        cell = judge(
            found, dialect, expected, client=job.client, target=stream.name, layer=layer
        )
        cells.append(cell)
    return cells


def needs_browser(clients: Sequence[str]) -> bool:
    return any(CLIENTS[c].family == "chromium" for c in clients)


@contextmanager
def maybe_browser(run: ClientRun, workdir: Path) -> Iterator[ChromiumDrivers | None]:
    """The browser when a chromium-* client is selected (``run`` as
    harness.compat.ready made it: the browser and the Node drivers found)."""
    if not needs_browser(run.clients):
        yield None
        return
    from harness.compat.chromium import open_chromium
    from harness.compat.node_drivers import drivers_dir
    from harness.install.browser import find_chromium

    binary = run.chromium or find_chromium()[0]
    if binary is None:
        raise EnvironmentProblem("no Chromium found: see sse-harness doctor")
    with ExitStack() as stack:
        node_dir = run.node_dir or drivers_dir()
        yield stack.enter_context(open_chromium(workdir, binary, node_dir))
