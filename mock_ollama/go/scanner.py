"""A twin of Go's ``encoding/json`` scanner: the same syntax errors, in the same order.

Pure: standard library only. Iterative (an explicit stack), so nesting is bounded by
Go's ``maxNestingDepth`` and never by Python's recursion limit. From
``src/encoding/json/scanner.go``:

    const maxNestingDepth = 10000
    func (s *scanner) pushParseState(c byte, newParseState int, successState int) int {
        s.parseState = append(s.parseState, newParseState)
        if len(s.parseState) <= maxNestingDepth { return successState }
        return s.error(c, "exceeded max depth")
    }

and ``s.error`` makes ``"invalid character " + quoteChar(c) + " " + context``. So a
body nested 10,001 deep answers ``invalid character '[' exceeded max depth``.

While scanning, the members of a top-level object are noted (key span, value span,
deepest nesting inside the value) so that ``go.decode`` can build the top level without
handing a deep value to ``json.loads`` (which recurses).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

WS = b" \t\r\n"
MAX_DEPTH = 10000
_PLAIN = re.compile(rb'[^"\\\x00-\x1f]*')
_SHORT = {7: "\\a", 8: "\\b", 12: "\\f", 10: "\\n", 13: "\\r", 9: "\\t", 11: "\\v"}


def quote_char(c: int) -> str:
    """Go's quoteChar: the byte as a rune, strconv.Quote'd, in single quotes."""
    if c == 0x27:
        return "'\\''"
    if c == 0x22:
        return "'\"'"
    if c in _SHORT:
        return f"'{_SHORT[c]}'"
    if c < 0x20 or c == 0x7F:
        return f"'\\x{c:02x}'"
    if 0x80 <= c < 0xA0 or c == 0xAD:
        return f"'\\u{c:04x}'"
    return f"'{chr(c)}'"


class SyntaxProblem(Exception):
    """Go's SyntaxError text."""


class Truncated(Exception):
    """The input ended inside the value (Go: io.ErrUnexpectedEOF)."""


@dataclass(frozen=True, slots=True)
class Member:
    """One member of the top-level object: byte spans and the deepest nesting in it."""

    key: tuple[int, int]
    value: tuple[int, int]
    depth: int


class Scanner:
    """Scan one JSON value from ``data``; ``pos`` ends just after it."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0
        self.members: list[Member] = []
        self._open: tuple[int, int, int] | None = None
        self._deepest = 0
        #: the deepest nesting seen in the whole value
        self.deepest = 0

    def peek(self) -> int:
        if self.pos >= len(self.data):
            raise Truncated
        return self.data[self.pos]

    def skip_ws(self) -> None:
        while self.pos < len(self.data) and self.data[self.pos] in WS:
            self.pos += 1

    def fail(self, context: str) -> SyntaxProblem:
        return SyntaxProblem(f"invalid character {quote_char(self.peek())} {context}")

    def value(self) -> str:
        """Scan one value; return its kind (object, array, string, number, bool, null)."""
        stack: list[int] = []
        top = ""
        while True:
            self.skip_ws()
            c = self.peek()
            if c in (0x7B, 0x5B):
                if len(stack) >= MAX_DEPTH:
                    raise self.fail("exceeded max depth")
                self.pos += 1
                stack.append(c)
                self._deepest = max(self._deepest, len(stack))
                self.deepest = max(self.deepest, len(stack))
                top = top or ("object" if c == 0x7B else "array")
                self.skip_ws()
                if self.peek() == c + 2:  # empty {} or []
                    self.pos += 1
                    stack.pop()
                elif c == 0x7B:
                    self.key(top=len(stack) == 1)
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

    def key(self, *, top: bool) -> None:
        self.skip_ws()
        if self.peek() != 0x22:
            raise self.fail("looking for beginning of object key string")
        start = self.pos
        self.pos += 1
        self.string()
        end = self.pos
        self.skip_ws()
        if self.peek() != 0x3A:
            raise self.fail("after object key")
        self.pos += 1
        if top:
            self._open = (start, end, self.pos)
            self._deepest = 1

    def after_value(self, stack: list[int]) -> bool:
        """Close finished containers; True when the top-level value is complete."""
        while stack:
            if len(stack) == 1 and self._open is not None:
                k0, k1, v0 = self._open
                self.members.append(Member((k0, k1), (v0, self.pos), self._deepest - 1))
                self._open = None
            self.skip_ws()
            c = self.peek()
            in_object = stack[-1] == 0x7B
            if c == 0x2C:
                self.pos += 1
                if in_object:
                    self.key(top=len(stack) == 1)
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
                    f"in literal {word.decode()} (expecting {quote_char(expected)})"
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
        """After the opening quote: up to and including the closing one."""
        while True:
            match = _PLAIN.match(self.data, self.pos)
            self.pos = match.end() if match else self.pos
            c = self.peek()
            if c == 0x22:
                self.pos += 1
                return
            if c < 0x20:
                raise self.fail("in string literal")
            self.pos += 1  # a backslash
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
