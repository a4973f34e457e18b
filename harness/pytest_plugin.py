"""The pytest plugin (pytest11 entry point ``sse_harness``).

- ``pytest --pyargs harness.suite --sse-proxy-cmd … --sse-proxy-url …`` runs the
  conformance suite as ordinary items, one per check and layer
  (``test_check[HDR-STATUS-200-direct]``). Collection only builds items; the gate runs
  lazily, once, from the session fixture ``sse_gate``, for exactly the items that
  survived ``-k``, ``-m``, ``--deselect`` and ``--lf`` (``--collect-only`` starts nothing).
- Options come from the table of harness.gate.options: ``--sse-NAME``, ini ``sse_NAME``.
  A bad one is a usage error (exit 4, no item runs): checked at configure time when an
  ``--sse-`` option is on the command line, else when the suite's items are collected;
  plain runs of other tests never read them.
- Fixtures for users' own tests: ``mock_ollama`` (the mock upstream, a child process),
  ``proxy_under_test`` (the proxy started against it), ``probe_evidence`` (send one probe
  to the proxy and get its Evidence: observation, transcript, upstream exchanges).
"""

from __future__ import annotations

import asyncio
import re
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from harness.errors import HarnessError
from harness.gate.options import PLUGIN_OPTIONS, add_to_pytest, plugin_values
from mock_ollama.errors import MockOllamaError

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from harness.checks.model import Result
    from harness.gate.config import RunConfig
    from harness.gate.run import RunReport
    from harness.probe.catalog import Probe
    from harness.probe.evidence import Evidence
    from harness.target import RunningTarget
    from harness.upstream.mock import MockUpstream

#: the (check, layer) pairs of the items that survived deselection
WANTS_KEY: pytest.StashKey[tuple[tuple[str, str], ...]] = pytest.StashKey()
GATE_KEY: pytest.StashKey[Gate] = pytest.StashKey()
CONFIG_KEY: pytest.StashKey[RunConfig] = pytest.StashKey()
#: the usage error found while parametrizing the suite (raised once collection ends)
USAGE_KEY: pytest.StashKey[str] = pytest.StashKey()


@dataclass(frozen=True, slots=True)
class SSECase:
    """One item of the suite: a check on a layer."""

    check: str
    layer: str


@dataclass(frozen=True, slots=True)
class Gate:
    """The session's gate run: its report, or why it could not run."""

    report: RunReport | None
    error: str = ""
    strict: bool = False
    #: the (check, layer) pairs that are items of this session
    items: frozenset[tuple[str, str]] = frozenset()

    def result(self, case: SSECase) -> Result | None:
        results = self.report.results if self.report else ()
        return next(
            (r for r in results if (r.check, r.layer) == (case.check, case.layer)),
            None,
        )

    def verdict(self, case: SSECase) -> None:
        """Pass, fail or skip the item of ``case``."""
        __tracebackhide__ = True
        from harness.checks.model import Outcome

        if self.error:
            pytest.fail(f"the gate could not run: {self.error}", pytrace=False)
        found = self.result(case)
        if found is None:
            pytest.skip(f"{case.check} was not judged on {case.layer}")
        if found.outcome is Outcome.FAILED or (
            found.outcome is Outcome.NON_STRICT and self.strict
        ):
            pytest.fail(
                f"{found.outcome.value} {found.check} [{found.layer}]: {found.detail}",
                pytrace=False,
            )
        if found.outcome is Outcome.UNIMPLEMENTED:
            pytest.skip(f"UNIMPLEMENTED: {found.detail}")
        if found.outcome is Outcome.BLOCKED:
            root = self.result(SSECase(found.blocked_by, case.layer))
            if (found.blocked_by, case.layer) in self.items or root is None:
                pytest.skip(f"BLOCKED: {found.detail}")  # the root fails as its item
            # the root was judged only as this item's precondition: it surfaces here
            why = (
                f"BLOCKED by {root.check}, not selected in this session, which is "
                f"{root.outcome.value} [{root.layer}]: {root.detail}"
            )
            if root.outcome is Outcome.FAILED or self.strict:
                pytest.fail(why, pytrace=False)
            pytest.skip(why)


def pytest_addoption(parser: pytest.Parser) -> None:
    add_to_pytest(parser)


def plugin_spelling(message: str) -> str:
    """A usage error as the plugin spells its options (``--layer`` -> ``--sse-layer``)."""
    return re.sub(r"(?<![\w-])--(?!sse-)(?=[a-z])", "--sse-", message)


def run_config(config: pytest.Config) -> RunConfig:
    """The RunConfig the command line and ini file describe (the CLI's rules), built once."""
    from harness.errors import UsageError
    from harness.gate.config import config_from

    found = config.stash.get(CONFIG_KEY, None)
    if found is None:
        try:
            found = config_from(plugin_values(config))
        except UsageError as exc:
            raise UsageError(plugin_spelling(str(exc))) from None
        config.stash[CONFIG_KEY] = found
    return found


def pytest_configure(config: pytest.Config) -> None:
    """An ``--sse-`` option on the command line: check them all now (pytest.UsageError,
    exit 4, nothing collected, nothing started)."""
    given = any(config.getoption(f"sse_{o.dest}") for o in PLUGIN_OPTIONS)
    if given:
        from harness.errors import UsageError

        try:
            run_config(config)
        except UsageError as exc:
            raise pytest.UsageError(str(exc)) from None


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """One item per check and layer; a bad option (from the ini file) is one usage
    error once collection ends, not N failed items."""
    if "sse_case" not in metafunc.fixturenames:
        return
    from harness.checks import select
    from harness.errors import UsageError

    try:
        c = run_config(metafunc.config)
    except UsageError as exc:
        metafunc.config.stash[USAGE_KEY] = str(exc)
        return
    cases = [
        SSECase(check.id, layer) for layer in c.layers for check in select(c.select)
    ]
    metafunc.parametrize(
        "sse_case", cases, ids=[f"{case.check}-{case.layer}" for case in cases]
    )


def pytest_collection_finish(session: pytest.Session) -> None:
    """Record what the gate must judge: the suite's items after every deselection.

    This runs after all of ``pytest_collection_modifyitems`` (``-k``, ``-m``,
    ``--deselect``, and ``--lf``, whose wrapper filters after every plain hook).
    A usage error found while parametrizing ends the session here (exit 4).
    """
    problem = session.config.stash.get(USAGE_KEY, "")
    if problem:
        raise pytest.UsageError(problem)
    cases = (_case_of(item) for item in session.items)
    session.config.stash[WANTS_KEY] = tuple(
        (case.check, case.layer) for case in cases if case is not None
    )


def _case_of(item: pytest.Item) -> SSECase | None:
    callspec = getattr(item, "callspec", None)
    case = callspec.params.get("sse_case") if callspec is not None else None
    return case if isinstance(case, SSECase) else None


def _run_gate(config: pytest.Config) -> Gate:
    """Run the gate; with --sse-report-dir, clear the report files first, then write
    them (stamped with pytest's command line), or report.json with the error."""
    from harness.gate import output, plan as plans
    from harness.gate.run import run
    from harness.runtime.files import remove_stale

    values = plugin_values(config)
    strict = bool(values["strict"])
    reports = Path(values["report_dir"]) if values["report_dir"] else None
    argv = ["pytest", *config.invocation_params.args]
    started = time.time()
    if reports is not None:
        remove_stale(reports)
    try:
        c = run_config(config)
        wants: tuple[tuple[str, str], ...] = config.stash.get(WANTS_KEY, ())
        plan = plans.only(wants, c.layers)
        # the report names the layers this run judged, not every configured one
        judged = replace(c, layers=tuple(layer for layer, _ in plan.layers))
        found = run(judged, plan=plan)
    except (HarnessError, MockOllamaError) as exc:
        error = str(exc) or type(exc).__name__
        if reports is not None:
            stamp = output.stamp(started, argv)
            keys = {"cmd": "proxy_cmd", "url": "proxy_url", "dialect": "dialect"}
            target = {key: values[dest] for key, dest in keys.items()}
            output.write_error_report(reports, target, error, 2, stamp)
        return Gate(None, error, strict)
    if reports is not None:
        stamp = output.stamp(started, argv)
        output.write_reports(reports, found, found.exit_status(strict), stamp)
    return Gate(found, strict=strict, items=frozenset(wants))


@pytest.fixture(scope="session")
def sse_gate(pytestconfig: pytest.Config) -> Gate:
    """The gate, run on first use for the surviving check-by-layer items only."""
    gate = pytestconfig.stash.get(GATE_KEY, None)
    if gate is None:
        gate = pytestconfig.stash[GATE_KEY] = _run_gate(pytestconfig)
    return gate


def pytest_terminal_summary(
    terminalreporter: Any, exitstatus: int, config: pytest.Config
) -> None:
    gate = config.stash.get(GATE_KEY, None)
    if gate is None:
        return
    if gate.error:
        terminalreporter.section("sse-harness")
        terminalreporter.write_line(f"the gate could not run: {gate.error}")
    found = gate.report
    if found is None:
        return
    from harness.gate import report

    terminalreporter.section("sse-harness conformance")
    terminalreporter.write_line(report.to_terminal(found.results))
    for note in found.notes:
        terminalreporter.write_line(f"note: {note}")
    counts = ", ".join(f"{k}: {v}" for k, v in found.summary().items())
    terminalreporter.write_line(f"{counts} in {found.duration_s:.1f} s")


@pytest.fixture(scope="session")
def mock_ollama() -> Iterator[MockUpstream]:
    """The mock upstream, running as a child process on a free loopback port."""
    from harness.runtime.workdir import run_workdir
    from harness.upstream.mock import start_mock

    with run_workdir() as tmp, start_mock(tmp) as mock:
        yield mock


@pytest.fixture(scope="session")
def proxy_under_test(
    pytestconfig: pytest.Config, mock_ollama: MockUpstream
) -> Iterator[RunningTarget]:
    """The proxy of --sse-proxy-cmd/--sse-proxy-url, started against ``mock_ollama``."""
    from harness.runtime.workdir import run_workdir
    from harness.target import start_target

    spec = run_config(pytestconfig).target_spec()
    with (
        run_workdir() as tmp,
        start_target(spec, mock_ollama.base_url, workdir=tmp) as proxy,
    ):
        yield proxy


@pytest.fixture
def probe_evidence(
    pytestconfig: pytest.Config,
    proxy_under_test: RunningTarget,
    mock_ollama: MockUpstream,
) -> Callable[[str | Probe], Evidence]:
    """``probe_evidence("valid")`` (a name of the catalogue, or a Probe) -> Evidence."""
    from harness.gate.run import prober
    from harness.probe.catalog import PROBES

    send = prober(run_config(pytestconfig), proxy_under_test, mock_ollama, name="user")

    def run_probe(probe: str | Probe) -> Evidence:
        chosen = PROBES[probe] if isinstance(probe, str) else probe
        return asyncio.run(send.perform(chosen))

    return run_probe
