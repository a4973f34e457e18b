"""Answer requests with big or deeply nested bodies in a worker process.

Binding a 10 MB body costs ~55 ms of C code that holds the GIL (``json.loads``, the
marker regex), and a body nested 10,000 deep ~15 ms of the Go-scanner twin; a worker
*thread* would still stop every stream for that long. So such requests are routed by
``ollama.routes.route`` in one worker process (spawned on first use, fed through a pipe); the
event loop only waits for the finished Routed answer. Small bodies - every request the
harness sends - are routed in place, as before.

The worker is a ``ProcessPoolExecutor`` child: it exits when its pipe to us closes
(our exit, however abrupt), and it is shut down with the app. If it cannot start or
does not answer within ``WORKER_TIMEOUT_S``, the mock says so once and parses in a
thread from then on.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
import os
import sys
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TYPE_CHECKING

from mock_ollama.ollama.routes import route

if TYPE_CHECKING:
    from mock_ollama.ollama.config import MockConfig
    from mock_ollama.ollama.steps import Routed

#: bodies larger than this are routed in the worker
BIG_BYTES = 1 << 20
#: ... and so are bodies with more brackets than this (possibly nested that deep)
MANY_BRACKETS = 1000

#: a worker that has not answered by then is given up (threads from then on)
WORKER_TIMEOUT_S = 15.0
log = logging.getLogger("mock_ollama")
_config: MockConfig | None = None


def _spawnable() -> bool:
    """False when a spawned child could not re-import our ``__main__`` (e.g. stdin)."""
    main = sys.modules.get("__main__")
    path = getattr(main, "__file__", None)
    if getattr(main, "__spec__", None) is not None or path is None:
        return True
    return os.path.isfile(path)


def _init(config: MockConfig) -> None:
    global _config
    _config = config


def _route(method: str, path: str, body: bytes) -> Routed:
    assert _config is not None
    return route(_config, method, path, body)


class Offloader:
    """The worker process (started lazily) and the rule for what goes to it."""

    def __init__(self, config: MockConfig) -> None:
        self.config = config
        self._pool: ProcessPoolExecutor | None = None
        #: False once the worker failed (or cannot start here): threads from then on
        self.usable = _spawnable()

    @staticmethod
    def wants(body: bytes) -> bool:
        """True for a body big or bracket-heavy enough to hold the loop."""
        if len(body) > BIG_BYTES:
            return True
        return body.count(b"[") + body.count(b"{") > MANY_BRACKETS

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                max_workers=1,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_init,
                initargs=(self.config,),
            )
        return self._pool

    async def route(self, method: str, path: str, body: bytes) -> Routed:
        """``ollama.routes.route`` in the worker; in a thread if the worker cannot be had."""
        if self.usable:
            loop = asyncio.get_running_loop()
            job = loop.run_in_executor(self._executor(), _route, method, path, body)
            try:
                return await asyncio.wait_for(job, WORKER_TIMEOUT_S)
            except (BrokenProcessPool, OSError, TimeoutError):
                log.warning("mock-ollama: the parsing worker failed; using threads")
                self.usable = False
                self.close()
        return await asyncio.to_thread(route, self.config, method, path, body)

    def close(self) -> None:
        """Stop the worker (if any)."""
        pool, self._pool = self._pool, None
        if pool is not None:
            with contextlib.suppress(Exception):
                pool.shutdown(wait=False, cancel_futures=True)
