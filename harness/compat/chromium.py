"""The Chromium drivers: a system Chromium as a managed process, driven over CDP.

The browser is found by ``harness.install.browser`` (Debian's ``chromium``,
``google-chrome``, ``--chromium PATH``, ``$SSE_HARNESS_CHROMIUM``). It is started by
:class:`harness.processes.ManagedProcess` (its own process group, killed on exit and on
Ctrl-C), headless, with a fresh ``--user-data-dir`` and ``--disable-web-security``: the
driver page lives on one loopback origin and the target on another, and switching CORS
off in the browser leaves the target's response exactly as it was sent (a CORS-adding
relay would alter the headers the clients judge). Playwright's Python package attaches
over the DevTools protocol (``connect_over_cdp``); it never downloads a browser. The
page and ``@microsoft/fetch-event-source`` (the pinned npm file from the installed Node
drivers, no network) are served by a loopback ``http.server`` thread.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import http.server
import shutil
import threading
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from harness.compat.drivers import Job, Seen
from harness.processes import ManagedProcess, free_port, tcp_ready

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

__all__ = ["ChromiumDrivers", "open_chromium"]

PAGE_DIR = Path(__file__).resolve().parent / "page"
#: in the installed Node drivers' directory
FES = ("node_modules", "@microsoft", "fetch-event-source", "lib", "esm")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-web-security",
)
STARTUP_TIMEOUT_S = 30.0


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextlib.contextmanager
def _page_server(root: Path) -> Iterator[str]:
    handler = functools.partial(_Quiet, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/index.html"
    finally:
        server.shutdown()
        server.server_close()


class ChromiumDrivers:
    """A running browser plus the page URL; :meth:`run` drives several jobs at once."""

    def __init__(self, cdp_url: str, page_url: str) -> None:
        self.cdp_url = cdp_url
        self.page_url = page_url

    def run(self, jobs: Sequence[Job]) -> list[Seen]:
        """All ``jobs`` concurrently, each in its own page (blocking, own loop)."""
        return asyncio.run(self._run(jobs))

    async def _run(self, jobs: Sequence[Job]) -> list[Seen]:
        from playwright.async_api import async_playwright

        async with async_playwright() as pw:
            browser = await pw.chromium.connect_over_cdp(self.cdp_url, timeout=15000)
            try:
                context = browser.contexts[0] if browser.contexts else None
                context = context or await browser.new_context()
                return list(
                    await asyncio.gather(*(self._one(context, job) for job in jobs))
                )
            finally:
                await browser.close()

    async def _one(self, context: Any, job: Job) -> Seen:
        page = await context.new_page()
        try:
            await page.goto(self.page_url, timeout=15000)
            await page.wait_for_function("window.driversReady === true", timeout=15000)
            raw = await asyncio.wait_for(
                page.evaluate("job => window.runDriver(job)", asdict(job)),
                timeout=job.timeout_s + 5.0,
            )
        except Exception as exc:
            return Seen(error=f"driver failed: {type(exc).__name__}: {str(exc)[:160]}")
        finally:
            with contextlib.suppress(Exception):
                await page.close()
        return Seen.from_driver(raw)


@contextlib.contextmanager
def open_chromium(
    workdir: Path, binary: str, node_dir: Path
) -> Iterator[ChromiumDrivers]:
    """Start the browser ``binary`` and the page server; always stop both.

    ``node_dir``: the installed Node drivers (the page loads fetch-event-source)."""
    root = workdir / "page"
    shutil.copytree(PAGE_DIR, root, dirs_exist_ok=True)
    shutil.copytree(
        node_dir.joinpath(*FES), root / "fetch-event-source", dirs_exist_ok=True
    )
    port = free_port()
    process = ManagedProcess(
        [
            binary,
            *FLAGS,
            f"--user-data-dir={workdir / 'chromium-profile'}",
            f"--remote-debugging-port={port}",
            "--remote-debugging-address=127.0.0.1",
            "about:blank",
        ],
        log_path=workdir / "chromium.log",
        name="chromium",
    )
    process.start()
    try:
        process.wait_ready(
            lambda: tcp_ready("127.0.0.1", port), timeout=STARTUP_TIMEOUT_S
        )
        with _page_server(root) as page_url:
            yield ChromiumDrivers(f"http://127.0.0.1:{port}", page_url)
    finally:
        process.stop(grace=2.0)
