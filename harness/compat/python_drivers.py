"""The Python drivers: httpx-sse, the openai SDK's stream, ollama-python.

Each runs in its own thread, bounded by the job's timeout (per read, and checked
between events); whatever the library raises becomes the cell's error.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import httpx

from harness.compat.drivers import Job, Seen

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

__all__ = ["PYTHON_DRIVERS"]


def _ms(t0: float) -> float:
    return (time.perf_counter() - t0) * 1000.0


def _bounded(
    job: Job, produce: Callable[[], Iterator[tuple[str, str]]], *, sdk: bool
) -> Seen:
    t0 = time.perf_counter()
    events: list[tuple[str, str, float]] = []
    error: str | None = None
    try:
        for kind, data in produce():
            events.append((kind, data, _ms(t0)))
            if _ms(t0) > job.timeout_s * 1000:
                error = f"timeout: the stream did not end within {job.timeout_s:g} s"
                break
    except Exception as exc:  # the library's own error is the finding
        error = f"{type(exc).__name__}: {str(exc)[:160]}"
    return Seen(events=tuple(events), error=error, sdk=sdk)


def _httpx_sse(job: Job) -> Seen:
    from httpx_sse import connect_sse

    def produce() -> Iterator[tuple[str, str]]:
        with (
            httpx.Client(timeout=job.timeout_s, trust_env=False) as client,
            connect_sse(
                client,
                job.method,
                job.url,
                headers=dict(job.headers),
                content=job.body.encode() if job.body is not None else None,
            ) as source,
        ):
            for sse in source.iter_sse():
                yield sse.event, sse.data

    return _bounded(job, produce, sdk=False)


def _base(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _openai(job: Job) -> Seen:
    from openai import OpenAI

    base = job.url.removesuffix("/chat/completions")

    def produce() -> Iterator[tuple[str, str]]:
        with OpenAI(
            base_url=base, api_key="sse-harness", max_retries=0, timeout=job.timeout_s
        ) as client:
            stream: Any = client.chat.completions.create(
                model=job.model,
                messages=[{"role": "user", "content": job.prompt}],
                stream=True,
            )
            with stream:
                for chunk in stream:
                    delta = chunk.choices[0].delta.content if chunk.choices else None
                    yield "chunk", delta or ""

    return _bounded(job, produce, sdk=True)


def _ollama(job: Job) -> Seen:
    import ollama

    def produce() -> Iterator[tuple[str, str]]:
        with ollama.Client(host=_base(job.url), timeout=job.timeout_s) as client:
            if job.endpoint == "generate":
                parts = client.generate(model=job.model, prompt=job.prompt, stream=True)
                for part in parts:
                    yield "chunk", part.response or ""
            else:
                messages = [{"role": "user", "content": job.prompt}]
                replies = client.chat(model=job.model, messages=messages, stream=True)
                for reply in replies:
                    yield "chunk", reply.message.content or ""

    return _bounded(job, produce, sdk=True)


PYTHON_DRIVERS: dict[str, Callable[[Job], Seen]] = {
    "httpx-sse": _httpx_sse,
    "openai-python": _openai,
    "ollama-python": _ollama,
}
