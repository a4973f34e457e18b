"""Named benchmark set-ups (``--profile NAME``); options given on the command line win.

``key-findings`` is the Next.js streaming article's table ("WOW Moment: Key Findings")
re-measured: blocking vs WebSocket vs SSE (the article's Next.js design and both
reference proxies) vs a naive first attempt, direct and behind stock nginx, at 1, 10 and
100 concurrent streams, on a generation of about 5 s (qwen-chat, 22 tokens x 3, 75 ms
apart: 65 tokens in 4.9 s).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Profile:
    designs: tuple[str, ...]
    layers: tuple[str, ...]
    concurrency: tuple[int, ...]
    scenario: str = "qwen-chat"
    timing: str = "fixed:75"
    repeat: int = 3


PROFILES: dict[str, Profile] = {
    "key-findings": Profile(
        designs=(
            "blocking",
            "websocket",
            "nextjs",
            "starlette",
            "node",
            "naive-stream",
        ),
        layers=("direct", "nginx"),
        concurrency=(1, 10, 100),
    ),
    # small and quick: what the tests run
    "smoke": Profile(
        designs=("blocking", "starlette", "naive-stream"),
        layers=("direct",),
        concurrency=(1, 4),
        timing="fixed:40",
        repeat=1,
    ),
}
