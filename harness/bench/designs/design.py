"""Candidate designs: ``--design NAME=CMD::URL[::DIALECT]``, TOML files, the bundled ones.

Pure: parses strings and TOML text into frozen records; counts lines of code.

    --design 'mine=node server.mjs --port {port}::http://127.0.0.1:{port}/api/v1/complete'

``CMD`` and ``URL`` are the gate's ``--proxy-cmd``/``--proxy-url`` templates
(``{port}``, ``{upstream}``; ``{python}`` is this interpreter). A ``ws://`` URL is a
WebSocket design (one text message out, one message per event back). A designs file:

    [[design]]
    name = "mine"
    cmd = "node server.mjs --port {port}"
    url = "http://127.0.0.1:{port}/api/v1/complete"
    dialect = "token-json"    # optional
    cwd = "path/to/app"       # optional, relative to the file
    sources = ["server.mjs"]  # optional, for the lines-of-code count
"""

from __future__ import annotations

import re
import shlex
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

from harness.errors import UsageError
from harness.probe.dialects import DEFAULT

ROOT = Path(__file__).resolve().parents[3]
NAME_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,39}")
CODE_SUFFIXES = (".py", ".mjs", ".js", ".ts", ".tsx")


@dataclass(frozen=True, slots=True)
class Design:
    name: str
    cmd: str
    url: str
    dialect: str = DEFAULT
    cwd: str | None = None
    sources: tuple[str, ...] = ()
    #: what the article's table calls it ("Blocking Fetch", "WebSocket", "SSE Streaming")
    approach: str = ""
    #: bundled designs: what must be ready first (harness.bench.designs.prepare)
    needs: str = ""

    @property
    def websocket(self) -> bool:
        return self.url.startswith(("ws://", "wss://"))

    @property
    def http_url(self) -> str:
        """The URL as the layers see it (ws -> http)."""
        return re.sub(r"^ws", "http", self.url)

    def command(self) -> str:
        """``cmd`` with ``{python}`` filled in (shell-quoted)."""
        return self.cmd.replace("{python}", shlex.quote(sys.executable))

    def loc(self) -> int | None:
        """Non-blank, non-comment lines of its sources (None when unknown)."""
        if not self.sources:
            return None
        total = 0
        for source in self.sources:
            path = Path(source)
            files = sorted(p for p in path.rglob("*") if p.suffix in CODE_SUFFIXES)
            for file in files if path.is_dir() else [path]:
                try:
                    total += count_loc(file.read_text(errors="replace"))
                except OSError:
                    return None
        return total


def count_loc(text: str) -> int:
    """Lines that are neither blank nor only a comment (``#`` or ``//``)."""
    return sum(
        1
        for line in text.splitlines()
        if line.strip() and not line.strip().startswith(("#", "//"))
    )


PROXIES = ROOT / "proxies"
NEXT_DIR = PROXIES / "nextjs_route"
COMPLETE = "http://127.0.0.1:{port}/api/v1/complete"


def _py(module: str) -> str:
    return f"{{python}} -m proxies.{module} --port {{port}} --upstream {{upstream}}"


#: the designs the project ships (proxies/), by name
BUNDLED: dict[str, Design] = {
    d.name: d
    for d in (
        Design(
            "blocking",
            _py("blocking"),
            COMPLETE,
            cwd=str(ROOT),
            sources=(str(PROXIES / "blocking"),),
            approach="Blocking Fetch",
        ),
        Design(
            "websocket",
            _py("websocket"),
            "ws://127.0.0.1:{port}/api/v1/ws",
            cwd=str(ROOT),
            sources=(str(PROXIES / "websocket"),),
            approach="WebSocket",
        ),
        Design(
            "nextjs",
            "node node_modules/next/dist/bin/next start -H 127.0.0.1 -p {port}",
            COMPLETE,
            cwd=str(NEXT_DIR),
            sources=(str(NEXT_DIR / "app"),),
            approach="SSE Streaming",
            needs="nextjs",
        ),
        Design(
            "starlette",
            _py("starlette_proxy"),
            COMPLETE,
            cwd=str(ROOT),
            sources=(str(PROXIES / "starlette_proxy"),),
            approach="SSE Streaming",
        ),
        Design(
            "node",
            "node proxies/node_proxy/server.mjs --port {port} --upstream {upstream}",
            COMPLETE,
            cwd=str(ROOT),
            sources=(str(PROXIES / "node_proxy"),),
            approach="SSE Streaming",
            needs="node",
        ),
        Design(
            "naive-stream",
            _py("naive_stream"),
            COMPLETE,
            cwd=str(ROOT),
            sources=(str(PROXIES / "naive_stream"),),
            approach="SSE Streaming (no anti-buffering headers)",
        ),
    )
}


def parse_design(spec: str) -> Design:
    """``NAME`` (a bundled design) or ``NAME=CMD::URL[::DIALECT]``; UsageError else."""
    name, eq, rest = spec.partition("=")
    name = name.strip()
    if not eq:
        if name in BUNDLED:
            return BUNDLED[name]
        known = ", ".join(BUNDLED)
        raise UsageError(
            f"--design {spec!r}: expected NAME=CMD::URL[::DIALECT] or one of {known}"
        )
    parts = rest.split("::")
    if len(parts) not in (2, 3) or not all(p.strip() for p in parts):
        raise UsageError(f"--design {spec!r}: expected NAME=CMD::URL[::DIALECT]")
    _check_name(name, f"--design {spec!r}")
    dialect = parts[2].strip() if len(parts) == 3 else DEFAULT
    return Design(name, parts[0].strip(), parts[1].strip(), dialect)


def load_designs(text: str, path: str) -> list[Design]:
    """The ``[[design]]`` tables of a TOML file; UsageError naming the file."""
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"{path}: {exc}") from None
    tables = doc.get("design")
    if not isinstance(tables, list) or not tables:
        raise UsageError(f"{path}: expected at least one [[design]] table")
    base = Path(path).resolve().parent
    out = []
    allowed = {"name", "cmd", "url", "dialect", "cwd", "sources"}
    for i, table in enumerate(tables, 1):
        where = f"{path}: design #{i}"
        unknown = sorted(set(table) - allowed)
        if unknown:
            raise UsageError(f"{where}: unknown key(s) {', '.join(unknown)}")
        for key in ("name", "cmd", "url"):
            if not isinstance(table.get(key), str) or not table[key].strip():
                raise UsageError(f"{where}: {key!r} must be a non-empty string")
        _check_name(table["name"], where)
        cwd = table.get("cwd")
        sources = table.get("sources", [])
        if not isinstance(sources, list) or not all(
            isinstance(s, str) for s in sources
        ):
            raise UsageError(f"{where}: 'sources' must be a list of paths")
        out.append(
            Design(
                table["name"],
                table["cmd"],
                table["url"],
                str(table.get("dialect", DEFAULT)),
                str(base / cwd) if isinstance(cwd, str) else str(base),
                tuple(str(base / s) for s in sources),
            )
        )
    return out


def check_unique(designs: list[Design]) -> None:
    seen: set[str] = set()
    for design in designs:
        if design.name in seen:
            raise UsageError(f"design {design.name!r} is given twice")
        seen.add(design.name)


def _check_name(name: str, where: str) -> None:
    if not NAME_RE.fullmatch(name):
        raise UsageError(f"{where}: design name must match {NAME_RE.pattern}")
