"""The record of one gate option (harness.gate.options holds the table of them).

An option's name, kind, default and help; how the CLI (``--NAME``), the pytest plugin
(``--sse-NAME``, ini ``sse_DEST``) and a config file (key ``NAME``) spell it.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from harness.errors import UsageError

if TYPE_CHECKING:
    from collections.abc import Callable


class Kind(enum.Enum):
    STR = "str"
    INT = "int"
    FLOAT = "float"
    FLAG = "flag"
    #: repeatable; in an ini file one value a line
    LIST = "list"


#: how a value of each kind reads from text (ini files, and argparse's ``type``)
PARSE: dict[Kind, Any] = {Kind.INT: int, Kind.FLOAT: float}


@dataclass(frozen=True, slots=True)
class Option:
    name: str
    kind: Kind
    default: Any
    help: str
    metavar: str | None = None
    #: the ini key when it is not ``sse_<dest>`` (plural names of list options)
    ini_key: str = ""
    #: ``check(option, value)`` raises a UsageError naming the option (config_from)
    check_value: Callable[[str, Any], object] | None = None
    #: False: ``sse-harness run`` only (pytest has its own, e.g. ``-q`` and capture)
    plugin: bool = True
    #: a path: in a config file, relative to that file's directory
    path: bool = False

    @property
    def dest(self) -> str:
        return self.name.replace("-", "_")

    @property
    def cli(self) -> str:
        return f"--{self.name}"

    @property
    def flag(self) -> str:
        """The pytest option: every one is prefixed, so no other plugin collides."""
        return f"--sse-{self.name}"

    @property
    def ini(self) -> str:
        return self.ini_key or f"sse_{self.dest}"

    def check(self, value: Any) -> None:
        """Raise a UsageError naming the option when ``value`` is not acceptable."""
        if self.check_value is not None and value not in (None, [], ()):
            self.check_value(self.cli, value)

    def from_text(self, value: Any, where: str) -> Any:
        """A plugin value (str, bool or list of lines) as the option's type; ``where``
        names it in the error (``--sse-mock-port``, ``ini sse_mock_port =``)."""
        if value in (None, "", []):
            return None
        parse = PARSE.get(self.kind)
        if parse is None:
            return list(value) if self.kind is Kind.LIST else value
        try:
            return parse(value)
        except ValueError:
            raise UsageError(f"{where} {value!r}: expected {self.kind.value}") from None
