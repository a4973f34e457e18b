"""The repro's verdict in words: the issue's symptom as each client showed it (pure)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from harness.compat.model import Matrix, MatrixCell

__all__ = ["say", "verdict"]


def say(cell: MatrixCell) -> str:
    """One sentence for one cell."""
    if cell.events == 0 and cell.error is None:
        return f"{cell.client}: 0 events, no error — the stream was ignored silently"
    if cell.error is not None:
        got = f"{cell.tokens} tokens, " if cell.tokens else ""
        return f"{cell.client}: {got}error: {cell.error}"
    if not cell.text_ok:
        return (
            f"{cell.client}: {cell.tokens} tokens, but the text differs from upstream's"
        )
    return f"{cell.client}: read every token ({cell.tokens}), text equal to upstream's"


def verdict(found: Matrix) -> str:
    """Per target: how many cells are green, then one line per cell."""
    lines = []
    for target in found.targets:
        cells = [c for c in found.cells if c.target == target.name]
        green = sum(not c.red for c in cells)
        lines.append(
            f"{target.name} ({target.url}): {green}/{len(cells)} clients read it"
        )
        lines += [f"  {say(c)}" for c in cells]
    return "\n".join(lines)
