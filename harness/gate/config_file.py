"""A gate configuration in a file: ``[tool.sse-harness]`` of ./pyproject.toml, or the
keys of ``--config FILE`` (docs/ci.md).

Every ``sse-harness run`` option has a key spelled as its long option without ``--``
(``proxy-cmd = "…"``; a repeatable option takes a list: ``layer = ["direct", "nginx"]``),
from the one option table (harness.gate.options). The command line wins, key by key.
An unknown key or a bad value is a UsageError naming the file and the key. A path is
relative to the file's directory.
"""

from __future__ import annotations

import argparse
import tomllib
from typing import TYPE_CHECKING, Any

from harness.errors import UsageError
from harness.gate.option_record import Kind
from harness.gate.options import OPTIONS, add_to_argparse
from harness.gate.validate import readable_file

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from pathlib import Path

    from harness.gate.option_record import Option

PYPROJECT = "pyproject.toml"
TABLE = "[tool.sse-harness]"
#: keys a file cannot set (the file itself)
NOT_KEYS = frozenset({"config"})
BY_KEY = {o.name: o for o in OPTIONS if o.name not in NOT_KEYS}
#: the TOML types each kind of option takes (bool is an int in Python: listed apart)
ACCEPTS: dict[Kind, tuple[type, ...]] = {
    Kind.STR: (str,),
    Kind.INT: (int,),
    Kind.FLOAT: (int, float),
    Kind.FLAG: (bool,),
}


def read_toml(path: Path, where: str) -> dict[str, Any]:
    """The TOML file's table, or a UsageError starting with ``where``."""
    data = readable_file(where, path, "a TOML file")
    try:
        return tomllib.loads(data.decode())
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise UsageError(f"{where}: not valid TOML ({exc})") from None


def find(config: str | None, cwd: Path) -> tuple[str, Path, dict[str, Any]] | None:
    """(how errors name it, its directory, its keys): ``--config FILE``, else
    ``[tool.sse-harness]`` of ``cwd``/pyproject.toml; None when there is neither."""
    if config is not None:
        path = cwd / config
        doc = read_toml(path, f"--config {config}")
        if path.name == PYPROJECT:
            doc = doc.get("tool", {}).get("sse-harness", {})
        return f"--config {config}", path.parent, doc
    path = cwd / PYPROJECT
    if not path.is_file():
        return None
    table = read_toml(path, str(path)).get("tool", {}).get("sse-harness")
    if table is None:
        return None
    return f"{PYPROJECT} {TABLE}", cwd, table


def _typed(option: Option, value: object, where: str) -> Any:
    key = f"{where}: {option.name} = {value!r}"
    if option.kind is Kind.LIST:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise UsageError(f"{key}: expected a list of strings")
        return list(value)
    accepts = ACCEPTS[option.kind]
    if isinstance(value, bool) is not (option.kind is Kind.FLAG) or not isinstance(
        value, accepts
    ):
        raise UsageError(f"{key}: expected {option.kind.value}")
    if option.kind is Kind.FLOAT and isinstance(value, int | float):
        return float(value)
    return value


def values_of(table: Mapping[str, Any], where: str, base: Path) -> dict[str, Any]:
    """The file's option values by ``dest``, checked as the command line's are."""
    values: dict[str, Any] = {}
    for key, raw in table.items():
        option = BY_KEY.get(key)
        if option is None:
            known = ", ".join(BY_KEY)
            raise UsageError(f"{where}: unknown key {key!r} (the keys: {known})")
        value = _typed(option, raw, where)
        if option.path and isinstance(value, str):
            value = str(base / value)
        try:
            option.check(value)
        except UsageError as exc:  # "--NAME VALUE: problem" -> "NAME = VALUE: problem"
            text = str(exc)
            head, _, problem = text.partition(": ")
            if not head.startswith(option.cli):
                problem = text
            raise UsageError(f"{where}: {key} = {raw!r}: {problem}") from None
        values[option.dest] = value
    return values


def given_on_command_line(run_argv: Sequence[str]) -> set[str]:
    """The ``dest`` of every run option ``run_argv`` (the words after ``run``) sets."""
    parser = argparse.ArgumentParser(add_help=False, exit_on_error=False)
    add_to_argparse(parser)
    for action in parser._actions:
        action.default = argparse.SUPPRESS
    try:
        found, _ = parser.parse_known_args(list(run_argv))
    except (argparse.ArgumentError, SystemExit):
        return set()  # the real parser has already accepted these words
    return set(vars(found))


def merged(
    command_line: Mapping[str, Any], run_argv: Sequence[str], cwd: Path
) -> dict[str, Any]:
    """The run's option values: the command line's, and the file's where the command
    line says nothing."""
    found = find(command_line.get("config"), cwd)
    values = dict(command_line)
    if found is None:
        return values
    where, base, table = found
    given = given_on_command_line(run_argv)
    taken = {
        dest: value
        for dest, value in values_of(table, where, base).items()
        if dest not in given
    }
    values.update(taken)
    _check_together(values, taken, where)
    return values


def _check_together(
    values: Mapping[str, Any], taken: Mapping[str, Any], where: str
) -> None:
    """What only the whole configuration can tell (a layer, a header, the proxy
    command's program): an error about a value from the file names the file too."""
    from harness.gate.config import config_from

    try:
        config_from(values)
    except UsageError as exc:
        text = str(exc)
        for dest in taken:
            option = BY_KEY[dest.replace("_", "-")]
            if text.startswith(option.cli):
                raise UsageError(f"{where}: {option.name}: {text}") from None
        raise
