"""Go's encoding/json Marshal, as far as the mock needs it: the bytes Go writes.

Pure: standard library only. Decoding errors are ``mock_ollama.go.decode``.

Go's encoding/json (Marshal) escapes < > & (e.g. \\u003c), control characters and
U+2028/U+2029, but not U+0085. Go writes
``\\b \\f \\n \\r \\t`` short and other controls as ``\\u00xx`` (lower-case hex), like
Python's json module; keys keep the order given (struct order).
"""

from __future__ import annotations

import json
from typing import Any

_HTML = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}
_HTML_TABLE = str.maketrans(_HTML)


def _go_float(x: float) -> str:
    if x == int(x) and abs(x) < 1e21:
        return str(int(x))
    text = repr(x)
    if 1e-6 <= abs(x) < 1e21 and "e" in text:
        text = format(x, "f").rstrip("0").rstrip(".")
    return text.replace("e-0", "e-").replace("e+0", "e+")


def _encode(value: Any, out: list[str]) -> None:
    if isinstance(value, str):
        out.append(json.dumps(value, ensure_ascii=False).translate(_HTML_TABLE))
    elif value is None or isinstance(value, bool):
        out.append({None: "null", True: "true", False: "false"}[value])
    elif isinstance(value, int):
        out.append(str(value))
    elif isinstance(value, float):
        out.append(_go_float(value))
    elif isinstance(value, dict):
        out.append("{")
        for n, (k, v) in enumerate(value.items()):
            out.append("," if n else "")
            _encode(str(k), out)
            out.append(":")
            _encode(v, out)
        out.append("}")
    else:
        out.append("[")
        for n, v in enumerate(value):
            out.append("," if n else "")
            _encode(v, out)
        out.append("]")


def dumps(value: Any) -> bytes:
    """Compact JSON bytes as Go's json.Marshal writes them (HTML-safe escapes)."""
    out: list[str] = []
    _encode(value, out)
    return "".join(out).encode("utf-8")
