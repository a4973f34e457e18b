"""The parsers harness.bench.parser compares, each read two ways, and their triples.

Each ``Peer`` reads a list of chunks two ways: ``stream`` counts the events as they
come, reading each one's data and dropping it (the same loop body for all); ``keep``
retains everything it got in one list. ``triple`` turns one kept event into (type,
data, last event id), or None for a comment, to score exactness.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from harness.sse import Event, SSEParser

if TYPE_CHECKING:
    from collections.abc import Callable

Triple = tuple[str, str, str]


# -- the parsers: streaming (count), kept (a list), a native event -> a triple --------
#
# The streaming loops share one body: count the event, read its data, drop it.


def ours_stream(chunks: list[bytes]) -> int:
    parser = SSEParser()
    count = 0
    for chunk in chunks:
        for item in parser.feed(chunk):
            if isinstance(item, Event):  # feed() returns comments too
                count += 1
                _ = item.data
    for item in parser.close():  # nothing dispatches at the end; for completeness
        if isinstance(item, Event):
            count += 1
            _ = item.data
    return count


def ours(chunks: list[bytes]) -> list[Any]:
    parser = SSEParser()
    items: list[Any] = []
    for chunk in chunks:
        items += parser.feed(chunk)
    items += parser.close()
    return items


def _httpx_response(chunks: list[bytes]) -> Any:
    import httpx

    headers = {"content-type": "text/event-stream"}
    return httpx.Response(200, headers=headers, content=iter(chunks))


def httpx_sse_stream(chunks: list[bytes]) -> int:
    """The real path: httpx_sse.EventSource over a streaming httpx.Response."""
    from httpx_sse import EventSource

    count = 0
    for event in EventSource(_httpx_response(chunks)).iter_sse():
        count += 1
        _ = event.data
    return count


def httpx_sse(chunks: list[bytes]) -> list[Any]:
    from httpx_sse import EventSource

    return list(EventSource(_httpx_response(chunks)).iter_sse())


def sseclient_py_stream(chunks: list[bytes]) -> int:
    from sseclient import SSEClient

    count = 0
    for event in SSEClient(iter(chunks)).events():
        count += 1
        _ = event.data
    return count


def sseclient_py(chunks: list[bytes]) -> list[Any]:
    from sseclient import SSEClient

    return list(SSEClient(iter(chunks)).events())


def _ours_triple(item: Any) -> Triple | None:
    if isinstance(item, Event):
        return (item.type, item.data, item.last_event_id)
    return None  # a comment


def _httpx_sse_triple(event: Any) -> Triple:
    return (event.event, event.data, event.id)


def _sseclient_triple(event: Any) -> Triple:
    return (event.event, event.data, event.id or "")  # it keeps no last event id


@dataclass(frozen=True, slots=True)
class Peer:
    name: str
    stream: Callable[[list[bytes]], int]  # events counted, each dropped at once
    keep: Callable[[list[bytes]], list[Any]]  # every event (or item) in one list
    triple: Callable[[Any], Triple | None]

    def triples(self, chunks: list[bytes]) -> list[Triple]:
        return [t for t in map(self.triple, self.keep(chunks)) if t is not None]


PEERS = [
    Peer("harness.sse", ours_stream, ours, _ours_triple),
    Peer("httpx-sse", httpx_sse_stream, httpx_sse, _httpx_sse_triple),
    Peer("sseclient-py", sseclient_py_stream, sseclient_py, _sseclient_triple),
]
#: the peer the ratios are relative to
BASELINE = "httpx-sse"
