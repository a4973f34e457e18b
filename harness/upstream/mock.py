"""The mock upstream as a child process, and its loopback control endpoint.

The mock runs in its own process so its timed writes never wait for the harness's
GIL; both stamp ``perf_counter_ns`` (CLOCK_MONOTONIC), so times compare directly.
It is started with ``mock_ollama.port_file`` (the one "start it, wait for its port file")
with ``--parent-pid`` of this process, so it exits on its own if the harness dies hard.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import httpx

from harness.errors import EnvironmentProblem
from harness.processes import ManagedProcess, tcp_ready
from harness.upstream.exchanges import Exchange, parse_exchange
from mock_ollama.port_file import LaunchError, serve_argv, wait_for_port

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

#: the control channel is plain HTTP on loopback: its clients say verify=False, so
#: they load no CA bundle (certifi's costs ~20-50 ms of CPU per client, which the
#: probes' polling paid every 50 ms on the event loop that timestamps their tokens)
CONTROL_TIMEOUT_S = 5.0
EXCHANGES_PATH = "/_mock/exchanges"


def _params(req: str | None, full: bool) -> dict[str, str]:
    """One request id's exchanges in full; all of them compact (ids, ends) unless
    ``full`` (with every write: what a benchmark reads after a wave of streams)."""
    if req:
        return {"req": req}
    return {} if full else {"view": "compact"}


def _parse(response: httpx.Response) -> list[Exchange]:
    response.raise_for_status()
    raw: list[dict[str, Any]] = response.json()
    return [parse_exchange(x) for x in raw]


@dataclass(frozen=True, slots=True)
class MockUpstream:
    base_url: str
    port: int
    process: ManagedProcess | None

    def exchanges(
        self, req: str | None = None, *, full: bool = False
    ) -> list[Exchange]:
        """The mock's exchange log: those whose marker carried ``req`` (with writes
        and lines), or every exchange, compact (no writes or lines) unless ``full``."""
        with httpx.Client(
            timeout=CONTROL_TIMEOUT_S, trust_env=False, verify=False
        ) as client:
            url = self.base_url + EXCHANGES_PATH
            return _parse(client.get(url, params=_params(req, full)))

    async def aexchanges(self, req: str | None = None) -> list[Exchange]:
        """``exchanges``, awaited."""
        async with httpx.AsyncClient(
            timeout=CONTROL_TIMEOUT_S, trust_env=False, verify=False
        ) as client:
            url = self.base_url + EXCHANGES_PATH
            return _parse(await client.get(url, params=_params(req, False)))

    def output(self) -> str:
        return self.process.output() if self.process else ""


@contextlib.contextmanager
def start_mock(
    workdir: Path,
    *,
    port: int = 0,
    extra_args: tuple[str, ...] = (),
    timeout: float = 30.0,
) -> Iterator[MockUpstream]:
    """Start ``mock-ollama serve`` on 127.0.0.1 (port 0: any free port); always stop it."""
    port_file = workdir / "mock.port"
    parent = ("--parent-pid", str(os.getpid()))
    argv = serve_argv(port_file, "--any-model", *parent, *extra_args, port=port)
    process = ManagedProcess(argv, log_path=workdir / "mock.log", name="mock-ollama")
    process.start()
    try:
        try:
            bound = wait_for_port(port_file, lambda: process.poll() is None, timeout)
        except LaunchError as exc:
            raise EnvironmentProblem(f"{exc}: {process.last_lines()}") from None
        if not tcp_ready("127.0.0.1", bound, timeout=1.0):
            raise EnvironmentProblem(
                f"mock-ollama wrote port {bound} but does not accept connections"
            )
        yield MockUpstream(f"http://127.0.0.1:{bound}", bound, process)
    finally:
        process.stop()
