"""What drives the benchmark's streams: the native engine (asyncio in worker
processes), the Locust engine and its ``User`` (usable with ``locust -f``), the
blocking client Locust's gevent needs, and the readers turning a stream into a record."""

from __future__ import annotations
