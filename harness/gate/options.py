"""The one table of gate options, from which ``sse-harness run`` and the pytest plugin
are both generated.

Each option has one record: its name, type, default and help. The CLI spells it
``--NAME``; the pytest plugin ``--sse-NAME`` with the ini key ``sse_DEST`` (tavern's
convention: every option both ways, the command line wins). Both entry points turn the
values into one RunConfig through ``harness.gate.config.config_from``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from harness.client.bounds import DEFAULT as DEFAULT_BOUNDS, OPTIONS as BOUND_OPTIONS
from harness.gate import validate
from harness.gate.adoption_options import ADOPTION
from harness.gate.option_record import PARSE, Kind, Option
from harness.probe.dialects import DEFAULT, DIALECTS

__all__ = [
    "BY_DEST",
    "OPTIONS",
    "PARSE",
    "PLUGIN_OPTIONS",
    "Kind",
    "Option",
    "add_to_argparse",
    "add_to_pytest",
    "plugin_values",
]

if TYPE_CHECKING:
    import argparse
    from collections.abc import Collection

    import pytest


def _seconds(option: str, value: float) -> float:
    """Seconds within the option's bounds (harness.gate.validate.BOUNDS)."""
    bound = validate.BOUNDS[option]
    return validate.bounded_seconds(option, value, bound.low, bound.high, bound.reason)


def _port_or_zero(option: str, value: int) -> int:
    return validate.port(option, value, allow_zero=True)


def _report_dir(option: str, value: str) -> None:
    """Nothing of the gate runs when its report cannot be written."""
    from pathlib import Path

    from harness.runtime.files import preflight

    preflight(Path(value))


_DIALECT_HELP = " | ".join((*DIALECTS, "module:function"))
_LAYER_HELP = (
    "direct | nginx | nginx-http11 | nginx-gzip | h2 | buffer:BYTES:MS | haproxy | "
    "varnish | apache | apache-h2 | caddy | caddy-encode (each also -tuned) | "
    "idle-timeout:SECONDS | total-timeout:SECONDS (docs/layers.md)"
)

OPTIONS: tuple[Option, ...] = (
    Option(
        "proxy-cmd",
        Kind.STR,
        None,
        "command template starting the proxy; {port} and {upstream} are filled in",
    ),
    Option(
        "proxy-url",
        Kind.STR,
        None,
        "URL template of the streaming endpoint, e.g. http://127.0.0.1:{port}/api/v1/complete",
    ),
    Option(
        "dialect",
        Kind.STR,
        DEFAULT,
        f"{_DIALECT_HELP} (default {DEFAULT}; seed is an alias of token-json)",
    ),
    Option(
        "token-key",
        Kind.STR,
        "token",
        "token-json dialect: key of the token (default token)",
    ),
    Option(
        "done-key",
        Kind.STR,
        "finished",
        "token-json dialect: key of the completion flag (default finished)",
    ),
    Option("model", Kind.STR, None, "model name the dialect sends"),
    Option(
        "header",
        Kind.LIST,
        (),
        "extra request header (repeatable)",
        "'NAME: VALUE'",
        "sse_headers",
    ),
    Option(
        "env",
        Kind.LIST,
        (),
        "extra environment for the proxy command (repeatable)",
        "NAME=VALUE",
    ),
    Option(
        "layer",
        Kind.LIST,
        (),
        f"{_LAYER_HELP} (repeatable; default direct)",
        ini_key="sse_layers",
    ),
    Option(
        "select",
        Kind.LIST,
        (),
        "only checks whose id matches (fnmatch, repeatable, comma-separated)",
        "PATTERN",
        check_value=validate.select_patterns,
    ),
    Option(
        "startup-timeout",
        Kind.FLOAT,
        60.0,
        "seconds to wait for the proxy to listen (default 60)",
        check_value=validate.seconds,
    ),
    Option(
        "mock-port",
        Kind.INT,
        0,
        "port of the mock upstream (needed when the proxy is already running)",
        check_value=_port_or_zero,
    ),
    Option(
        "idle-seconds",
        Kind.FLOAT,
        20.0,
        "upstream silence of IDLE-HEARTBEAT (default 20)",
        check_value=validate.seconds,
    ),
    Option(
        "heartbeat-budget",
        Kind.FLOAT,
        15.0,
        "longest gap allowed between heartbeats (default 15)",
        check_value=validate.seconds,
    ),
    *(
        Option(
            f"bound-{name}",
            Kind.FLOAT if field.endswith("_s") else Kind.INT,
            getattr(DEFAULT_BOUNDS, field),
            f"{text} (default {getattr(DEFAULT_BOUNDS, field):g}; to tighten in tests)",
            check_value=validate.seconds
            if field.endswith("_s")
            else validate.bounded_count,
        )
        for name, field, text in BOUND_OPTIONS
    ),
    Option(
        "http2",
        Kind.FLAG,
        False,
        "talk HTTP/2 to the proxy itself (h2c, or TLS with an https URL)",
    ),
    Option(
        "ca",
        Kind.STR,
        None,
        "CA bundle for an https proxy URL",
        check_value=validate.pem_certificate,
        path=True,
    ),
    Option(
        "cwd",
        Kind.STR,
        None,
        "working directory of the proxy command",
        check_value=validate.existing_dir,
        path=True,
    ),
    Option("strict", Kind.FLAG, False, "NON-STRICT outcomes fail too"),
    Option(
        "quiet",
        Kind.FLAG,
        False,
        "no progress on stderr (default: a live line on a terminal, else plain lines)",
        plugin=False,
    ),
    Option(
        "report-dir",
        Kind.STR,
        None,
        "write report.json, summary.md, report.html and badge*.json here",
        check_value=_report_dir,
        path=True,
    ),
    *ADOPTION,
)
BY_DEST = {option.dest: option for option in OPTIONS}
#: the options the pytest plugin offers (``--sse-NAME``, ini ``sse_NAME``)
PLUGIN_OPTIONS = tuple(option for option in OPTIONS if option.plugin)


def add_to_argparse(
    parser: argparse.ArgumentParser, *, exclude: Collection[str] = ()
) -> None:
    """The options as ``sse-harness run`` spells them (``--proxy-cmd``...), but those
    named in ``exclude`` (e.g. a command with report files of its own)."""
    for option in OPTIONS:
        if option.name in exclude:
            continue
        extra: dict[str, Any] = {"help": option.help}
        if option.metavar:
            extra["metavar"] = option.metavar
        if option.kind is Kind.FLAG:
            parser.add_argument(option.cli, action="store_true", **extra)
        elif option.kind is Kind.LIST:
            parser.add_argument(option.cli, action="append", default=[], **extra)
        else:
            parse = PARSE.get(option.kind)
            if parse is not None:
                extra["type"] = parse
            parser.add_argument(option.cli, default=option.default, **extra)


def add_to_pytest(parser: pytest.Parser) -> None:
    """The options as the plugin spells them (``--sse-proxy-cmd``, ini ``sse_proxy_cmd``)."""
    group = parser.getgroup("sse-harness", "SSE proxy conformance (sse-harness)")
    for option in PLUGIN_OPTIONS:
        extra: dict[str, Any] = {"help": option.help, "dest": f"sse_{option.dest}"}
        if option.metavar:
            extra["metavar"] = option.metavar
        if option.kind is Kind.FLAG:
            group.addoption(option.flag, action="store_true", default=None, **extra)
            parser.addini(option.ini, option.help, type="bool", default=False)
        elif option.kind is Kind.LIST:
            group.addoption(option.flag, action="append", default=None, **extra)
            parser.addini(option.ini, option.help, type="linelist", default=[])
        else:  # parsed by plugin_values: a bad number is one line naming the option
            group.addoption(option.flag, default=None, **extra)
            parser.addini(option.ini, option.help, default="")


def plugin_values(config: pytest.Config) -> dict[str, Any]:
    """Every option's value: the command line, else the ini file, else the default."""
    values: dict[str, Any] = {}
    for option in PLUGIN_OPTIONS:
        value = option.from_text(config.getoption(f"sse_{option.dest}"), option.flag)
        if value is None:
            value = option.from_text(config.getini(option.ini), f"ini {option.ini} =")
        if value is None or (option.kind is Kind.FLAG and value is False):
            value = option.default
        values[option.dest] = value
    return values
