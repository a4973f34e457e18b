"""server: the mock as a running HTTP server (I/O).

Modules: ``app`` (the ASGI shell: read the request, route it, play the answer),
``offload`` (routing big bodies in a worker process), ``control`` (the ``/_mock/*``
endpoints), ``request_body`` (reading a body up to the size limit), ``serve``
(uvicorn, the port file, signals), ``parent_watch`` (exit when the parent dies).

May import ``mock_ollama.errors``, ``mock_ollama.go``, ``mock_ollama.scenario``,
``mock_ollama.replay`` and ``mock_ollama.ollama``.
"""
