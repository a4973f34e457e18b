"""One matrix run: the mock, the target (and each layer before it), every stream read
by every client that fits it; the matrix on the terminal and in its files (I/O).

A stream's URL is a template: ``{mock}`` is the mock's base URL (the stream is read
from the mock directly, once), ``{target}`` the target's URL (read once per layer,
through that layer). ``sse-harness clients`` and ``sse-harness repro`` only build
their streams and print what comes back.
"""

from __future__ import annotations

import dataclasses
from contextlib import ExitStack
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from harness.compat.drivers import CLIENTS
from harness.compat.model import Matrix, MatrixCell, TargetInfo
from harness.compat.run import maybe_browser, mock_for_clients, read_stream
from harness.layers import open_layer, parse_layer
from harness.runtime.files import Stamp, write_atomic
from harness.runtime.workdir import run_workdir
from harness.target import start_target

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

    from harness.compat.drivers import Stream
    from harness.compat.run import ClientRun
    from harness.target import TargetSpec

__all__ = [
    "MATRIX_NAMES",
    "MOCK",
    "TARGET",
    "SoFar",
    "matrix",
    "run_matrix",
    "to_terminal",
    "write_matrix",
]

MOCK = "{mock}"
TARGET = "{target}"
#: the files ``write_matrix`` writes
MATRIX_NAMES = ("clients.json", "summary.md", "clients.html")


@dataclass(slots=True)
class SoFar:
    """What a matrix run has read so far: kept by the caller, so a run cut short by
    Ctrl-C or SIGTERM still reports the cells it has."""

    streams: list[Stream] = field(default_factory=list)
    cells: list[MatrixCell] = field(default_factory=list)

    def matrix(self, notes: Sequence[str] = ()) -> Matrix:
        return matrix(self.streams, self.cells, notes)


def _at(stream: Stream, placeholder: str, url: str) -> Stream:
    get_url = stream.get_url.replace(placeholder, url) if stream.get_url else None
    return dataclasses.replace(
        stream, url=stream.url.replace(placeholder, url), get_url=get_url
    )


def run_matrix(
    streams: Sequence[Stream],
    run: ClientRun,
    *,
    target: TargetSpec | None = None,
    layers: Sequence[str] = ("direct",),
    mock_port: int = 0,
    upstream_mode: str | None = None,
    notes: Sequence[str] = (),
    so_far: SoFar | None = None,
) -> Matrix:
    """Read every stream with every selected client that fits it, in the run's work
    directory (removed on the way out, by the watchdog if we are killed, or by the
    next run); every process started here is stopped when this returns or raises.
    ``so_far`` collects the streams read and their cells as they come."""
    direct = [s for s in streams if s.url.startswith(MOCK)]
    through = [s for s in streams if s.url.startswith(TARGET)]
    so_far = so_far if so_far is not None else SoFar()
    read, cells = so_far.streams, so_far.cells
    with ExitStack() as stack:
        workdir = stack.enter_context(run_workdir())
        mock = stack.enter_context(
            mock_for_clients(workdir, port=mock_port, upstream_mode=upstream_mode)
        )
        browser = stack.enter_context(maybe_browser(run, workdir))
        for stream in direct:
            stream = _at(stream, MOCK, mock.base_url)
            read.append(stream)
            cells.extend(read_stream(stream, run, workdir, browser=browser))
        if through and target is not None:
            proxy = stack.enter_context(
                start_target(target, mock.base_url, workdir=workdir)
            )
            for name in layers:
                layer_dir = workdir / name.replace(":", "_")
                layer_dir.mkdir(exist_ok=True)
                with open_layer(
                    parse_layer(name), proxy.port, workdir=layer_dir, read_timeout_s=30
                ) as layer:
                    url = layer.rewrite(proxy.url)
                    for stream in through:
                        stream = _at(stream, TARGET, url)
                        read.append(stream)
                        cells.extend(
                            read_stream(
                                stream, run, workdir, browser=browser, layer=name
                            )
                        )
    return matrix(read, cells, notes)


def matrix(
    targets: Sequence[Stream],
    cells: Sequence[MatrixCell],
    notes: Sequence[str] = (),
) -> Matrix:
    """The matrix of ``cells``; one target entry per stream name (the first read)."""
    infos: dict[str, TargetInfo] = {}
    for t in targets:
        method = "POST" + (" GET" if t.get_url else "")
        infos.setdefault(t.name, TargetInfo(t.name, t.url, method))
    return Matrix(tuple(infos.values()), tuple(cells), tuple(notes))


def write_matrix(
    found: Matrix, directory: Path, title: str, stamp: Stamp
) -> tuple[Path, Path]:
    """``clients.json``, ``summary.md`` (the Markdown matrix, stamped) and
    ``clients.html`` (the matrix as an HTML section) in ``directory``, each written
    atomically; returns the first two."""
    from harness.compat.model import to_html, to_json, to_markdown

    write_atomic(directory / "clients.html", to_html(found, title))
    head, _, rest = to_markdown(found, title, tuple(CLIENTS)).partition("\n")
    return (
        write_atomic(directory / "clients.json", to_json(found)),
        write_atomic(directory / "summary.md", f"{head}\n\n{stamp.line()}\n{rest}"),
    )


def to_terminal(found: Matrix) -> str:
    """One line per cell: ``RED  client  target  why`` or ``ok ...``."""
    lines = []
    for c in found.cells:
        mark = "RED" if c.red else "ok "
        first = f"{c.first_token_ms:.0f} ms" if c.first_token_ms is not None else "-"
        why = c.error or ("0 events, no error" if c.events == 0 else "")
        if not c.text_ok and not why:
            why = "text differs from upstream's"
        lines.append(
            f"{mark} {c.client:<28} "
            f"{c.target + ('' if c.layer == 'direct' else f' ({c.layer})'):<16} "
            f"events={c.events:<3} "
            f"tokens={c.tokens:<3} first={first:<7} "
            f"{'reconnects ' if c.reconnected else ''}{why}"
        )
    return "\n".join(lines)
