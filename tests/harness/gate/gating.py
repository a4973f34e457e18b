"""Helpers for the gate's end-to-end tests: a fast run of a bundled proxy, its verdicts.

Short silences keep the suite fast; the reference proxies heartbeat every second here.
"""

from __future__ import annotations

from harness.checks.model import Outcome
from harness.gate.run import RunConfig, RunReport, run
from tests.targets import URL

#: every kind of layer once: nginx as shipped, gzip, TLS + HTTP/2, keep-alive, a relay
SIX_LAYERS = ("direct", "nginx", "nginx-gzip", "h2", "nginx-http11", "buffer:4096:300")
FAST = dict(idle_s=3.0, heartbeat_s=2.0, env=(("HEARTBEAT_SECONDS", "1"),))


def gate(cmd: str, *, select: tuple[str, ...] = (), **kw: object) -> RunReport:
    """Gate the proxy ``cmd`` serves at ``URL`` with FAST silences (``kw`` override)."""
    options: dict[str, object] = dict(FAST)
    options.update(kw)
    return run(RunConfig(proxy_url=URL, proxy_cmd=cmd, select=select, **options))  # type: ignore[arg-type]


def failures(report: RunReport) -> list[str]:
    """One line per FAILED result, to show in an assertion message."""
    return [
        f"{r.check} [{r.layer}] {r.outcome.value}: {r.detail}"
        for r in report.results
        if r.outcome is Outcome.FAILED
    ]


def outcome(report: RunReport, check: str, layer: str = "direct") -> Outcome:
    """The outcome of ``check`` on ``layer``; fails the test when it was not judged."""
    __tracebackhide__ = True
    found = [r for r in report.results if r.check == check and r.layer == layer]
    assert found, f"{check} was not judged on {layer}"
    return found[0].outcome
