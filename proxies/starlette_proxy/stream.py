"""One accepted request: open upstream, answer with SSE until done, error or disconnect.

Three tasks share one :class:`ClientOutput` under its lock:

- the pump reads upstream, feeds the :class:`Translator` and writes what it returns
  (it does not read again before the client took the write: backpressure);
- the head flushes the 200 headers as soon as the upstream connection is up
  (Ollama itself sends nothing before its first token), then sends heartbeats after
  every ``heartbeat_seconds`` of silence towards the client;
- the watcher waits for ``http.disconnect`` and then cancels everything, which closes
  the upstream connection at once (Ollama stops generating).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

import anyio
import httpx

from proxies.starlette_proxy.events import error_event
from proxies.starlette_proxy.output import ClientOutput, ClientStalled
from proxies.starlette_proxy.translate import Translator, status_error_text
from proxies.starlette_proxy.upstream import open_chat, read_limited

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from anyio import CancelScope
    from starlette.types import Receive, Scope, Send

    from proxies.starlette_proxy.defects import Behaviour

    _Job = Callable[[ClientOutput, anyio.Event], Awaitable[None]]

log = logging.getLogger("proxies.starlette_proxy")

# Failures before the upstream connection is up: no 200 has been sent yet, so the
# client gets a real status (END-UPSTREAM-DOWN: "502/503/504 with a JSON error").
REFUSAL_STATUS: dict[type[httpx.HTTPError], int] = {
    httpx.ConnectTimeout: 504,
    httpx.PoolTimeout: 503,
}


def describe(exc: BaseException) -> str:
    text = str(exc)
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


@dataclass(frozen=True, slots=True)
class StreamSettings:
    base_url: str
    heartbeat_seconds: float
    slow_client_seconds: float


class SseResponse:
    """ASGI app for one admitted request (its body has been read already)."""

    def __init__(
        self,
        client: httpx.AsyncClient,
        upstream_body: bytes,
        behaviour: Behaviour,
        settings: StreamSettings,
        *,
        gzip: bool,
    ) -> None:
        self._client = client
        self._upstream_body = upstream_body
        self._behaviour = behaviour
        self._settings = settings
        self._gzip = gzip

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        output = ClientOutput(
            send,
            self._behaviour,
            gzip=self._gzip,
            stall_seconds=self._settings.slow_client_seconds,
        )
        connected = anyio.Event()
        async with anyio.create_task_group() as tasks:
            tasks.start_soon(self._watch, receive, tasks.cancel_scope)
            tasks.start_soon(
                self._guard, self._head, output, connected, tasks.cancel_scope
            )
            await self._guard(self._pump, output, connected, tasks.cancel_scope)
            tasks.cancel_scope.cancel()

    async def _guard(
        self,
        job: _Job,
        output: ClientOutput,
        connected: anyio.Event,
        everything: CancelScope,
    ) -> None:
        try:
            await job(output, connected)
        except ClientStalled as exc:
            log.warning("giving up the stream: %s", exc)
            everything.cancel()

    async def _watch(self, receive: Receive, everything: CancelScope) -> None:
        while (await receive())["type"] != "http.disconnect":
            pass
        if self._behaviour.abort_on_disconnect:
            everything.cancel()

    async def _head(self, output: ClientOutput, connected: anyio.Event) -> None:
        await connected.wait()
        async with output.lock:
            await output.open()
        if not self._behaviour.heartbeat:
            return
        every = self._settings.heartbeat_seconds
        while not output.closed:
            silent = anyio.current_time() - output.last_activity
            if silent < every:
                await anyio.sleep(every - silent)
                continue
            async with output.lock:
                if anyio.current_time() - output.last_activity >= every:
                    await output.heartbeat()
                    output.last_activity = anyio.current_time()

    async def _pump(self, output: ClientOutput, connected: anyio.Event) -> None:
        translator = Translator(self._behaviour)

        async def send_all(chunks: list[bytes]) -> None:
            async with output.lock:
                for chunk in chunks:
                    await output.write(chunk)
                if translator.over:
                    await output.close()

        try:
            async with open_chat(
                self._client,
                self._settings.base_url,
                self._upstream_body,
                connected.set,
            ) as response:
                connected.set()
                if not response.is_success:
                    body = await read_limited(response)
                    await send_all(
                        translator.fail(status_error_text(response.status_code, body))
                    )
                    return
                async for data in response.aiter_bytes():
                    await send_all(translator.feed(data))
                    if translator.over:
                        return
                await send_all(translator.eof())
        except httpx.HTTPError as exc:
            if not connected.is_set():
                status = REFUSAL_STATUS.get(type(exc), 502)
                message = (
                    f"cannot reach upstream {self._settings.base_url}: {describe(exc)}"
                )
                async with output.lock:
                    if self._behaviour.refuse_when_down:
                        await output.refuse(status, message)
                    else:  # the down-as-event defect: 200 first, then an error event
                        await output.open()
                        await output.write(error_event(message))
                        await output.close()
            elif isinstance(exc, httpx.ReadTimeout):
                await send_all(
                    translator.fail(f"upstream silent too long: {describe(exc)}")
                )
            else:
                await send_all(translator.broken(describe(exc)))
