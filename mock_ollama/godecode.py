"""Go's encoding/json Decode errors: the 400 texts Ollama answers for a bad body.

Pure: standard library only.

gin's ShouldBindJSON is ``json.NewDecoder(body).Decode(&req)``. The decoder
reads ONE value (bytes after it are ignored), answers io.EOF for an empty or blank body
("missing request body" in Ollama), io.ErrUnexpectedEOF ("unexpected EOF") for a
truncated value, a SyntaxError from the scanner (``invalid character 'x' looking for
beginning of value``), and an UnmarshalTypeError for a top-level field of the wrong
kind. Nested field types are not modelled (see scenarios/README.md).
"""

from __future__ import annotations

import json
from typing import Any

_WS = b" \t\r\n"
_MAX_DEPTH = 10000


def _quote_char(c: int) -> str:
    """Go's quoteChar: the byte as a rune, strconv.Quote'd, in single quotes."""
    if c == 0x27:
        return "'\\''"
    if c == 0x22:
        return "'\"'"
    ch = chr(c)
    short = {7: "\\a", 8: "\\b", 12: "\\f", 10: "\\n", 13: "\\r", 9: "\\t", 11: "\\v"}
    if c in short:
        return f"'{short[c]}'"
    if c < 0x20 or c == 0x7F:
        return f"'\\x{c:02x}'"
    if 0x80 <= c < 0xA0 or c == 0xAD:
        return f"'\\u{c:04x}'"
    return f"'{ch}'"


class _Syntax(Exception):
    pass


class _Truncated(Exception):
    pass


class _Scanner:
    """Recursive-descent twin of Go's scanner: same error texts, same order."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def peek(self) -> int:
        if self.pos >= len(self.data):
            raise _Truncated
        return self.data[self.pos]

    def skip_ws(self) -> None:
        while self.pos < len(self.data) and self.data[self.pos] in _WS:
            self.pos += 1

    def fail(self, context: str) -> _Syntax:
        return _Syntax(f"invalid character {_quote_char(self.peek())} {context}")

    def value(self) -> str:
        """Scan one value; return its kind (object, array, string, number, bool, null).

        Iterative, so nesting is limited by Go's maxNestingDepth (10000), not Python's
        recursion limit.
        """
        stack: list[int] = []
        top = ""
        while True:
            self.skip_ws()
            c = self.peek()
            if c in (0x7B, 0x5B):
                if len(stack) >= _MAX_DEPTH:
                    raise self.fail("exceeded max depth")
                self.pos += 1
                stack.append(c)
                top = top or ("object" if c == 0x7B else "array")
                self.skip_ws()
                if self.peek() == c + 2:  # empty {} or []
                    self.pos += 1
                    stack.pop()
                elif c == 0x7B:
                    self.key()
                    continue
                else:
                    continue
            else:
                kind = self.scalar(c)
                top = top or kind
            if self.after_value(stack):
                return top

    def scalar(self, c: int) -> str:
        if c == 0x22:
            self.pos += 1
            self.string()
            return "string"
        if c == 0x2D or 0x30 <= c <= 0x39:
            self.number()
            return "number"
        for word, kind in ((b"true", "bool"), (b"false", "bool"), (b"null", "null")):
            if c == word[0]:
                self.literal(word)
                return kind
        raise self.fail("looking for beginning of value")

    def key(self) -> None:
        self.skip_ws()
        if self.peek() != 0x22:
            raise self.fail("looking for beginning of object key string")
        self.pos += 1
        self.string()
        self.skip_ws()
        if self.peek() != 0x3A:
            raise self.fail("after object key")
        self.pos += 1

    def after_value(self, stack: list[int]) -> bool:
        """Close finished containers; True when the top-level value is complete."""
        while stack:
            self.skip_ws()
            c = self.peek()
            in_object = stack[-1] == 0x7B
            if c == 0x2C:
                self.pos += 1
                if in_object:
                    self.key()
                return False
            if c == stack[-1] + 2:
                self.pos += 1
                stack.pop()
                continue
            raise self.fail(
                "after object key:value pair" if in_object else "after array element"
            )
        return True

    def literal(self, word: bytes) -> None:
        self.pos += 1
        for expected in word[1:]:
            if self.peek() != expected:
                raise self.fail(
                    f"in literal {word.decode()} (expecting {_quote_char(expected)})"
                )
            self.pos += 1

    def number(self) -> None:
        digits = b"0123456789"
        if self.peek() == 0x2D:
            self.pos += 1
            if self.peek() not in digits:
                raise self.fail("in numeric literal")
        if self.peek() == 0x30:
            self.pos += 1
        else:
            self._digits()
        if self._more() and self.data[self.pos] == 0x2E:
            self.pos += 1
            if self.peek() not in digits:
                raise self.fail("after decimal point in numeric literal")
            self._digits()
        if self._more() and self.data[self.pos] in b"eE":
            self.pos += 1
            if self.peek() in b"+-":
                self.pos += 1
            if self.peek() not in digits:
                raise self.fail("in exponent of numeric literal")
            self._digits()

    def _more(self) -> bool:
        return self.pos < len(self.data)

    def _digits(self) -> None:
        while self._more() and 0x30 <= self.data[self.pos] <= 0x39:
            self.pos += 1

    def string(self) -> None:
        while True:
            c = self.peek()
            self.pos += 1
            if c == 0x22:
                return
            if c < 0x20:
                self.pos -= 1
                raise self.fail("in string literal")
            if c == 0x5C:
                e = self.peek()
                if e in b'"\\/bfnrt':
                    self.pos += 1
                elif e == 0x75:
                    self.pos += 1
                    for _ in range(4):
                        if self.peek() not in b"0123456789abcdefABCDEF":
                            raise self.fail("in \\u hexadecimal character escape")
                        self.pos += 1
                else:
                    raise self.fail("in string escape code")


#: Go type names of the top-level fields a request struct declares, by JSON key.
FieldTypes = dict[str, tuple[str, tuple[str, ...]]]


def decode_error(body: bytes, struct: str, fields: FieldTypes) -> str | None:
    """Ollama's 400 text for ``body`` decoded into Go struct ``struct``, or None if OK.

    ``fields`` maps a JSON key (matched case-insensitively, like Go) to (Go type name,
    the JSON kinds it accepts). ``null`` is accepted everywhere, as in Go.
    """
    if not body.strip(_WS):
        return "missing request body"
    scanner = _Scanner(body)
    try:
        kind = scanner.value()
    except _Syntax as exc:
        return str(exc)
    except _Truncated:
        return "unexpected EOF"
    _package, _, short = struct.rpartition(".")
    if kind == "null":
        return None
    if kind != "object":
        return f"json: cannot unmarshal {kind} into Go value of type {struct}"
    try:
        value = json.loads(body[: scanner.pos].decode("utf-8", "replace"))
    except (ValueError, RecursionError):
        return None
    lowered = {k.lower(): k for k in fields}
    for sent, item in value.items() if isinstance(value, dict) else ():
        key = sent if sent in fields else lowered.get(sent.lower(), "")
        if key not in fields or item is None:
            continue
        go_type, accepts = fields[key]
        got = _kind(item)
        if got not in accepts:
            return (
                f"json: cannot unmarshal {got} into Go struct field "
                f"{short}.{key} of type {go_type}"
            )
    return None


def _kind(value: Any) -> str:
    table: list[tuple[type | tuple[type, ...], str]] = [
        (bool, "bool"),
        (str, "string"),
        ((int, float), "number"),
        (list, "array"),
        (dict, "object"),
    ]
    return next(kind for t, kind in table if isinstance(value, t))
