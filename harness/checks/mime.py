"""The MIME type a browser sees in a response (pure): WHATWG MIME Sniffing §4.4 "parse
a MIME type" and Fetch §3.1.x "extract a MIME type" over every ``Content-Type`` field.

A proxy that copies upstream's ``Content-Type: application/x-ndjson`` after its own
``text/event-stream`` serves NDJSON as far as ``EventSource`` and ``fetch`` are concerned:
the fields are combined, split at commas outside quotes, and the last valid type wins.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable

#: Fetch: "HTTP whitespace is U+000A LF, U+000D CR, or an HTTP tab or space."
HTTP_WHITESPACE = "\n\r\t "
#: Fetch: "An HTTP tab or space is U+0009 TAB or U+0020 SPACE."
TAB_OR_SPACE = "\t "
#: MIME Sniffing: "An HTTP token code point is U+0021 (!), U+0023 (#), U+0024 ($),
#: U+0025 (%), U+0026 (&), U+0027 ('), U+002A (*), U+002B (+), U+002D (-), U+002E (.),
#: U+005E (^), U+005F (_), U+0060 (`), U+007C (|), U+007E (~), or an ASCII alphanumeric."
TOKEN = frozenset(
    "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
)


def _quoted_ok(c: str) -> bool:
    # "An HTTP quoted-string token code point is U+0009 TAB, a code point in the range
    # U+0020 SPACE to U+007E (~), inclusive, or a code point in the range U+0080
    # through U+00FF (ÿ), inclusive."
    return c == "\t" or " " <= c <= "~" or "\x80" <= c <= "\xff"


@dataclass(frozen=True, slots=True)
class MimeType:
    type: str
    subtype: str
    parameters: tuple[tuple[str, str], ...] = field(default=())

    @property
    def essence(self) -> str:
        return f"{self.type}/{self.subtype}"

    def param(self, name: str) -> str | None:
        return next((v for k, v in self.parameters if k == name), None)


def _collect(text: str, pos: int, stop: str) -> tuple[str, int]:
    """Collect a sequence of code points not in ``stop``."""
    end = pos
    while end < len(text) and text[end] not in stop:
        end += 1
    return text[pos:end], end


def quoted_string(text: str, pos: int, *, extract: bool) -> tuple[str, int]:
    """Fetch "collect an HTTP quoted string" from ``text[pos] == '"'``."""
    start, value = pos, ""
    pos += 1
    while True:
        # "Append the result of collecting a sequence of code points that are not
        # U+0022 (") or U+005C (\) from input, given position, to value."
        part, pos = _collect(text, pos, '"\\')
        value += part
        if pos >= len(text):
            break
        quote_or_backslash = text[pos]
        pos += 1
        if quote_or_backslash == "\\":
            # "If position is past the end of input, then append U+005C (\) to value
            # and break." Otherwise append the code point at position.
            if pos >= len(text):
                value += "\\"
                break
            value += text[pos]
            pos += 1
        else:
            break
    return (value if extract else text[start:pos]), pos


def parse(text: str) -> MimeType | None:
    """MIME Sniffing "parse a MIME type"; None for failure."""
    # 1. "Remove any leading and trailing HTTP whitespace from input."
    text = text.strip(HTTP_WHITESPACE)
    # 3-6. type: code points up to "/"; non-empty HTTP token code points.
    kind, pos = _collect(text, 0, "/")
    if not kind or not set(kind) <= TOKEN or pos >= len(text):
        return None
    # 7-9. subtype: up to ";", trailing HTTP whitespace removed, token code points.
    sub, pos = _collect(text, pos + 1, ";")
    sub = sub.rstrip(HTTP_WHITESPACE)
    if not sub or not set(sub) <= TOKEN:
        return None
    params: dict[str, str] = {}
    # 11. "While position is not past the end of input: …"
    while pos < len(text):
        pos += 1  # skip ";"
        pos = _skip(text, pos)  # "Collect … HTTP whitespace"
        name, pos = _collect(text, pos, ";=")
        name = name.lower()
        if pos < len(text):
            if text[pos] == ";":
                continue
            pos += 1  # skip "="
        if pos >= len(text):
            break
        if text[pos] == '"':
            value, pos = quoted_string(text, pos, extract=True)
            _, pos = _collect(text, pos, ";")
        else:
            value, pos = _collect(text, pos, ";")
            value = value.rstrip(HTTP_WHITESPACE)
            if not value:
                continue
        # "If all of the following are true: parameterName is not the empty string;
        # solely HTTP token code points; parameterValue solely HTTP quoted-string token
        # code points; mimeType's parameters[parameterName] does not exist" then set it.
        if (
            name
            and set(name) <= TOKEN
            and all(_quoted_ok(c) for c in value)
            and name not in params
        ):
            params[name] = value
    return MimeType(kind.lower(), sub.lower(), tuple(params.items()))


def _skip(text: str, pos: int) -> int:
    """Collect (and drop) a sequence of HTTP whitespace."""
    while pos < len(text) and text[pos] in HTTP_WHITESPACE:
        pos += 1
    return pos


def split_values(values: Iterable[str]) -> list[str]:
    """Fetch "get, decode, and split": the fields combined with ", ", then split at
    commas outside quoted strings, each trimmed of HTTP tabs and spaces."""
    text = ", ".join(values)
    found: list[str] = []
    pos, current = 0, ""
    while True:
        part, pos = _collect(text, pos, '",')
        current += part
        if pos < len(text) and text[pos] == '"':
            quoted, pos = quoted_string(text, pos, extract=False)
            current += quoted
            if pos < len(text):
                continue
        found.append(current.strip(TAB_OR_SPACE))
        current = ""
        if pos >= len(text):
            return found
        pos += 1  # the ","


def extract(values: Iterable[str]) -> MimeType | None:
    """Fetch "extract a MIME type" from the ``Content-Type`` field values (in order)."""
    values = list(values)
    if not values:
        return None  # "If values is null, then return failure."
    charset: str | None = None
    essence: str | None = None
    mime: MimeType | None = None
    for value in split_values(values):
        temporary = parse(value)
        # "If temporaryMimeType is failure or its essence is "*/*", then continue."
        if temporary is None or temporary.essence == "*/*":
            continue
        mime = temporary
        if mime.essence != essence:
            # "set charset to null; if mimeType's parameters["charset"] exists, set
            # charset to it; set essence to mimeType's essence."
            charset = mime.param("charset")
            essence = mime.essence
        elif mime.param("charset") is None and charset is not None:
            mime = MimeType(
                mime.type, mime.subtype, (*mime.parameters, ("charset", charset))
            )
    return mime
