"""The ASGI callables' types, as the writer, the control endpoint and the recorder
see them (the ASGI spec: ``receive()`` and ``send(message)`` are awaitables, a message
is a mapping with a ``type`` key).

Pure: standard library only.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
