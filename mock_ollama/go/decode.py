"""Go's encoding/json Decode, as gin's ShouldBindJSON runs it: the 400 texts Ollama answers.

Pure: standard library only.

gin's ShouldBindJSON is ``json.NewDecoder(body).Decode(&req)``. The decoder reads ONE
value (bytes after it are ignored), answers io.EOF for an empty or blank body ("missing
request body" in Ollama), io.ErrUnexpectedEOF ("unexpected EOF") for a truncated value,
a SyntaxError from the scanner (``invalid character 'x' looking for beginning of
value``; ``... exceeded max depth`` past 10,000 levels, ``mock_ollama.go.scanner``), and an
UnmarshalTypeError for a top-level field of the wrong kind. Nested field types are not
modelled (see scenarios/README.md). Ollama wraps every one of them the same way
(``server/routes.go``): ``c.AbortWithStatusJSON(400, gin.H{"error": err.Error()})``.

Never recursion-bound: a value nested deeper than ``SAFE_DEPTH`` is never handed to
``json.loads`` once the scanner has measured it; deep top-level members are replaced by
a shallow stand-in of the same kind (``[None]`` or ``{"": None}``), which is all the
mock's handlers look at.
"""

from __future__ import annotations

import json
from typing import Any

from mock_ollama.go.scanner import WS, Scanner, SyntaxProblem, Truncated

#: json.loads is only given values nested at most this deep (Python's limit is ~1000)
SAFE_DEPTH = 200

#: Go type names of the top-level fields a request struct declares, by JSON key.
FieldTypes = dict[str, tuple[str, tuple[str, ...]]]


def _reject(constant: str) -> Any:
    raise ValueError(f"Go has no {constant}")


def _fast(body: bytes) -> Any:
    """json.loads when Python and Go surely agree on ``body``; else ``...``.

    Python's json also takes NaN/Infinity (refused here) and refuses bytes after the
    value (Go ignores them) and anything nested near the recursion limit: CPython's
    json raises RecursionError cleanly there (Py_EnterRecursiveCall), no deeper.
    """
    try:
        return json.loads(body.decode("utf-8", "replace"), parse_constant=_reject)
    except (ValueError, RecursionError):  # the scanner says what Go says
        return ...


def _load(body: bytes, scanner: Scanner) -> Any:
    """The scanned (valid) value, its deep top-level members shallowed."""
    data = body[: scanner.pos]
    if scanner.deepest <= SAFE_DEPTH:
        return json.loads(data.decode("utf-8", "replace"))
    if not scanner.members:  # a deep array (or an object whose deep part is a key)
        return {} if data.lstrip(WS)[:1] == b"{" else [None]
    value: dict[str, Any] = {}
    for m in scanner.members:
        key = json.loads(data[m.key[0] : m.key[1]].decode("utf-8", "replace"))
        raw = data[m.value[0] : m.value[1]]
        if m.depth <= SAFE_DEPTH:
            value[key] = json.loads(raw.decode("utf-8", "replace"))
        else:
            value[key] = [None] if raw.lstrip(WS)[:1] == b"[" else {"": None}
    return value


def decode(
    body: bytes, struct: str, fields: FieldTypes
) -> tuple[dict[str, Any], str | None]:
    """Bind ``body`` into Go struct ``struct``: (the top-level object, Ollama's 400 text).

    The object is ``{}`` when the body is not an object; the text is None when Go
    accepts the body. ``fields`` maps a JSON key (matched case-insensitively, like Go)
    to (Go type name, the JSON kinds it accepts); ``null`` is accepted everywhere.
    """
    if not body.strip(WS):
        return {}, "missing request body"
    value = _fast(body)
    if value is ...:
        scanner = Scanner(body)
        try:
            scanner.value()
        except SyntaxProblem as exc:
            return {}, str(exc)
        except Truncated:
            return {}, "unexpected EOF"
        value = _load(body, scanner)
    if value is None:
        return {}, None
    if not isinstance(value, dict):
        return (
            {},
            f"json: cannot unmarshal {_kind(value)} into Go value of type {struct}",
        )
    return value, _field_problem(value, struct, fields)


def decode_error(body: bytes, struct: str, fields: FieldTypes) -> str | None:
    """Ollama's 400 text for ``body`` decoded into Go struct ``struct``, or None if OK."""
    return decode(body, struct, fields)[1]


def _field_problem(
    value: dict[str, Any], struct: str, fields: FieldTypes
) -> str | None:
    short = struct.rpartition(".")[2]
    lowered = {k.lower(): k for k in fields}
    for sent, item in value.items():
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
