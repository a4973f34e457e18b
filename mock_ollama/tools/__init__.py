"""tools: programs around the mock (I/O).

Modules: ``record`` (``mock-ollama record``: a pass-through that records real Ollama
exchanges as scenarios), ``bench`` (``python -m mock_ollama.tools.bench``: the mock's
own throughput and timing under many streams).

May import ``mock_ollama.errors``, ``mock_ollama.go``, ``mock_ollama.scenario``,
``mock_ollama.replay``, ``mock_ollama.port_file`` and ``mock_ollama.launch``.
"""
