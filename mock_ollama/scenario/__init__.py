"""scenario: what the mock replays and how a request asks for it.

Modules: ``recording`` (a recorded Ollama stream and its sidecar), ``annotation``
(the sidecar's TOML and the lines' annotations), ``timestamps`` (created_at to
offsets), ``catalog`` (the bundled scenarios, lookup by name), ``policies`` (timing,
fragmentation and fault grammars), ``marker`` (the ``[[mock: ...]]`` grammar's one
owner).

Pure: standard library only (reads files; no sockets, no clocks). May import
``mock_ollama.errors``.
"""
