"""The pytest plugin (pytest11 entry point ``sse_harness``).

- ``pytest --pyargs harness.suite --proxy-cmd … --proxy-url …`` runs the conformance
  suite as ordinary items, one per check and layer (``test_check[HDR-STATUS-200-direct]``);
  the gate runs once per session and each item reports its verdict. Every option is
  also an ini key (``sse_proxy_cmd``, ``sse_proxy_url``, ``sse_dialect``, …).
- Fixtures for users' own tests: ``mock_ollama`` (the mock upstream, a child process),
  ``proxy_under_test`` (the proxy started against it), ``observe`` (send one request to
  the proxy and get the Observation and Transcript back).
"""

from __future__ import annotations

import asyncio
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from harness.errors import HarnessError

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from harness.checks.model import Result
    from harness.gate.run import RunConfig, RunReport
    from harness.target import RunningTarget
    from harness.upstream.mock import MockUpstream

#: (option, ini key, help, kind)  — kind: "str", "float", "int", "list", "bool"
OPTIONS: tuple[tuple[str, str, str, str], ...] = (
    (
        "--proxy-cmd",
        "sse_proxy_cmd",
        "command template starting the proxy ({port}, {upstream})",
        "str",
    ),
    (
        "--proxy-url",
        "sse_proxy_url",
        "URL template of the proxy's streaming endpoint",
        "str",
    ),
    ("--dialect", "sse_dialect", "seed | openai | ollama | module:function", "str"),
    ("--token-key", "sse_token_key", "seed dialect token key", "str"),
    ("--done-key", "sse_done_key", "seed dialect completion key", "str"),
    ("--model", "sse_model", "model name the dialect sends", "str"),
    (
        "--sse-header",
        "sse_headers",
        "extra request header 'Name: value' (repeatable)",
        "list",
    ),
    ("--sse-env", "sse_env", "extra proxy environment NAME=VALUE (repeatable)", "list"),
    (
        "--layer",
        "sse_layers",
        "direct | nginx | nginx-gzip | h2 | buffer:BYTES:MS (repeatable)",
        "list",
    ),
    (
        "--sse-select",
        "sse_select",
        "only checks matching these patterns (repeatable)",
        "list",
    ),
    (
        "--startup-timeout",
        "sse_startup_timeout",
        "seconds to wait for the proxy",
        "float",
    ),
    ("--mock-port", "sse_mock_port", "mock port when the proxy already runs", "int"),
    ("--idle-seconds", "sse_idle_seconds", "IDLE-HEARTBEAT silence", "float"),
    (
        "--heartbeat-budget",
        "sse_heartbeat_budget",
        "longest gap between heartbeats",
        "float",
    ),
    ("--sse-strict", "sse_strict", "NON-STRICT outcomes fail their items", "bool"),
    (
        "--sse-report-dir",
        "sse_report_dir",
        "write report.json and summary.md here",
        "str",
    ),
)

REPORT_KEY: pytest.StashKey[RunReport | None] = pytest.StashKey()
ERROR_KEY: pytest.StashKey[str] = pytest.StashKey()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("sse-harness", "SSE proxy conformance (sse-harness)")
    for option, ini, help_text, kind in OPTIONS:
        if kind == "bool":
            group.addoption(option, action="store_true", default=None, help=help_text)
            parser.addini(ini, help_text, type="bool", default=False)
        elif kind == "list":
            group.addoption(option, action="append", default=None, help=help_text)
            parser.addini(ini, help_text, type="linelist", default=[])
        else:
            group.addoption(option, default=None, help=help_text)
            parser.addini(ini, help_text, default=None)


def _get(config: pytest.Config, option: str, ini: str, kind: str) -> Any:
    value = config.getoption(option.lstrip("-").replace("-", "_"))
    if value is None:
        value = config.getini(ini)
    if value in (None, "", []):
        return None
    if kind == "float":
        return float(value)
    if kind == "int":
        return int(value)
    return value


def options(config: pytest.Config) -> dict[str, Any]:
    return {opt: _get(config, opt, ini, kind) for opt, ini, _, kind in OPTIONS}


def run_config(config: pytest.Config) -> RunConfig:
    """The RunConfig the command line and ini file describe (same rules as the CLI)."""
    from harness.cli.main import build_parser
    from harness.gate.config import config_from

    argv = ["run"]
    for opt, value in options(config).items():
        if value is None or opt in ("--sse-strict", "--sse-report-dir"):
            continue
        name = {
            "--sse-header": "--header",
            "--sse-env": "--env",
            "--sse-select": "--select",
        }.get(opt, opt)
        for item in value if isinstance(value, list) else [value]:
            argv += [name, str(item)]
    return config_from(build_parser().parse_args(argv))


@dataclass(frozen=True)
class SSECase:
    """One item of the suite: a check on a layer."""

    check: str
    layer: str
    config: pytest.Config

    def result(self) -> Result | None:
        report = self.config.stash.get(REPORT_KEY, None)
        if report is None:
            return None
        return next(
            (
                r
                for r in report.results
                if r.check == self.check and r.layer == self.layer
            ),
            None,
        )

    def verdict(self) -> None:
        __tracebackhide__ = True
        from harness.checks.model import Outcome

        error = self.config.stash.get(ERROR_KEY, "")
        if error:
            pytest.fail(f"the gate could not run: {error}", pytrace=False)
        found = self.result()
        if found is None:
            pytest.skip(f"{self.check} was not judged on {self.layer}")
        strict = bool(_get(self.config, "--sse-strict", "sse_strict", "bool"))
        if found.outcome is Outcome.FAILED or (
            found.outcome is Outcome.NON_STRICT and strict
        ):
            pytest.fail(
                f"{found.outcome.value} {found.check} [{found.layer}]: {found.detail}",
                pytrace=False,
            )
        if found.outcome is Outcome.UNIMPLEMENTED:
            pytest.skip(f"UNIMPLEMENTED: {found.detail}")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "sse_case" not in metafunc.fixturenames:
        return
    from harness.checks import select

    config = metafunc.config
    opts = options(config)
    layers = opts["--layer"] or ["direct"]
    patterns = [
        p.strip()
        for item in opts["--sse-select"] or []
        for p in item.split(",")
        if p.strip()
    ]
    cases = [(check.id, layer) for layer in layers for check in select(patterns)]
    metafunc.parametrize(
        "sse_case",
        [SSECase(check, layer, config) for check, layer in cases],
        ids=[f"{check}-{layer}" for check, layer in cases],
    )


def pytest_collection_modifyitems(
    session: pytest.Session, config: pytest.Config, items: list[pytest.Item]
) -> None:
    """Run the gate once, for exactly the checks that were collected."""
    cases = [
        item.callspec.params["sse_case"]
        for item in items
        if hasattr(item, "callspec") and "sse_case" in item.callspec.params
    ]
    if not cases:
        return
    from dataclasses import replace

    from harness.gate.run import run

    try:
        base = run_config(config)
        wanted = tuple(sorted({case.check for case in cases}))
        layers = tuple(dict.fromkeys(case.layer for case in cases))
        config.stash[REPORT_KEY] = run(replace(base, select=wanted, layers=layers))
    except HarnessError as exc:
        config.stash[ERROR_KEY] = str(exc)
        config.stash[REPORT_KEY] = None
        return
    _write_reports(config)


def _write_reports(config: pytest.Config) -> None:
    from harness.gate.run import write_reports

    found = config.stash.get(REPORT_KEY, None)
    directory = _get(config, "--sse-report-dir", "sse_report_dir", "str")
    if found is not None and directory:
        write_reports(found, Path(directory))


def pytest_terminal_summary(
    terminalreporter: Any, exitstatus: int, config: pytest.Config
) -> None:
    found = config.stash.get(REPORT_KEY, None)
    error = config.stash.get(ERROR_KEY, "")
    if error:
        terminalreporter.section("sse-harness")
        terminalreporter.write_line(f"the gate could not run: {error}")
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
    from harness.upstream.mock import start_mock

    with (
        tempfile.TemporaryDirectory(prefix="sse-mock-") as tmp,
        start_mock(Path(tmp)) as mock,
    ):
        yield mock


@pytest.fixture(scope="session")
def proxy_under_test(
    pytestconfig: pytest.Config, mock_ollama: MockUpstream
) -> Iterator[RunningTarget]:
    """The proxy of --proxy-cmd/--proxy-url, started against ``mock_ollama``."""
    from harness.target import TargetSpec, start_target

    c = run_config(pytestconfig)
    spec = TargetSpec(
        cmd=c.proxy_cmd,
        url=c.proxy_url,
        env=dict(c.env),
        startup_timeout=c.startup_timeout,
        cwd=c.cwd,
    )
    with (
        tempfile.TemporaryDirectory(prefix="sse-proxy-") as tmp,
        start_target(spec, mock_ollama.base_url, workdir=Path(tmp)) as proxy,
    ):
        yield proxy


@pytest.fixture
def observe(
    pytestconfig: pytest.Config,
    proxy_under_test: RunningTarget,
    mock_ollama: MockUpstream,
) -> Callable[..., Any]:
    """``observe(probe_name_or_Probe)`` -> Evidence from the proxy under test."""
    from harness.gate.run import expected_for
    from harness.probe.catalog import PROBES, Probe
    from harness.probe.dialects import make_dialect
    from harness.probe.perform import Target, perform

    c = run_config(pytestconfig)
    dialect = make_dialect(c.dialect, token_key=c.token_key, done_key=c.done_key)
    target = Target(
        proxy_under_test.url,
        dialect,
        c.model,
        c.headers,
        c.http2,
        c.ca_path,
        proxy_under_test.alive,
    )

    def run_probe(probe: str | Probe) -> Any:
        chosen = PROBES[probe] if isinstance(probe, str) else probe
        return asyncio.run(
            perform(
                chosen,
                target,
                mock_ollama,
                expected_for(chosen),
                layer="user",
                idle_s=c.idle_s,
            )
        )

    return run_probe
