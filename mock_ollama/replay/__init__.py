"""replay: a scenario turned into timed writes, played and logged.

Modules: ``schedule`` (pure: recording + policies -> the writes and when), ``exchange_log``
(pure: what each request was answered, for ``/_mock/exchanges``), ``asgi`` (the ASGI
callables' types), ``writer`` (I/O: plays a schedule on absolute deadlines).

May import ``mock_ollama.errors`` and ``mock_ollama.scenario``.
"""
