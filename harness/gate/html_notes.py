"""The notes of a report.html cell (pure): a known failure's reason and link, and where
the check's failure was seen in the wild (harness.checks.seen)."""

from __future__ import annotations

from html import escape

from harness.checks.seen import NONE_KNOWN, seen_of


def _link(link: str) -> str:
    if link.startswith(("https://", "http://")):
        return f'<a href="{escape(link)}">{escape(link)}</a>'
    return escape(link)


def notes(check: str, known: tuple[str, str] | None) -> list[str]:
    """The paragraphs: ``Known failure: reason (link)``, then ``Seen: …``."""
    out = []
    if known is not None:
        reason, link = known
        out.append(
            f'<p class="fix"><b>Known failure</b> (does not fail the run): '
            f"{escape(reason)} ({_link(link)})</p>"
        )
    cases = seen_of(check)
    shown = (
        "; ".join(f"{escape(c.what)} ({_link(c.link)})" for c in cases)
        if cases
        else escape(NONE_KNOWN)
    )
    out.append(f"<p><b>Seen:</b> {shown}</p>")
    return out
