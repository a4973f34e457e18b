"""The mock upstream as a child process, and its loopback control endpoint.

The mock runs in its own process so its timed writes never wait for the harness's
GIL; both stamp ``perf_counter_ns`` (CLOCK_MONOTONIC), so times compare directly.
"""

from __future__ import annotations

import contextlib
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING

import httpx

from harness.errors import EnvironmentProblem
from harness.processes import ManagedProcess, tcp_ready
from harness.upstream.exchanges import Exchange, parse_exchange

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

CONTROL_TIMEOUT_S = 5.0


@dataclass(frozen=True, slots=True)
class MockUpstream:
    base_url: str
    port: int
    process: ManagedProcess | None

    def exchanges(self, req: str | None = None) -> list[Exchange]:
        """The mock's exchange log (all, or those whose marker carried ``req``)."""
        params = {"req": req} if req else {}
        with httpx.Client(timeout=CONTROL_TIMEOUT_S, trust_env=False) as client:
            response = client.get(f"{self.base_url}/_mock/exchanges", params=params)
        response.raise_for_status()
        return [parse_exchange(raw) for raw in response.json()]

    async def aexchanges(self, req: str | None = None) -> list[Exchange]:
        params = {"req": req} if req else {}
        async with httpx.AsyncClient(
            timeout=CONTROL_TIMEOUT_S, trust_env=False
        ) as client:
            response = await client.get(
                f"{self.base_url}/_mock/exchanges", params=params
            )
        response.raise_for_status()
        return [parse_exchange(raw) for raw in response.json()]

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
    argv = [
        sys.executable,
        "-m",
        "mock_ollama",
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--port-file",
        str(port_file),
        "--any-model",
        *extra_args,
    ]
    process = ManagedProcess(argv, log_path=workdir / "mock.log", name="mock-ollama")
    process.start()
    try:
        process.wait_ready(lambda: _port(port_file) is not None, timeout=timeout)
        bound = _port(port_file) or 0
        if not tcp_ready("127.0.0.1", bound, timeout=1.0):
            raise EnvironmentProblem(
                f"mock-ollama wrote port {bound} but does not accept connections"
            )
        yield MockUpstream(f"http://127.0.0.1:{bound}", bound, process)
    finally:
        process.stop()


def _port(path: Path) -> int | None:
    try:
        text = path.read_text().strip()
    except OSError:
        return None
    return int(text) if text.isdigit() else None
