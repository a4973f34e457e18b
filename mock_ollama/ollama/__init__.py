"""ollama: Ollama's endpoints, native and OpenAI-compatible: request bytes -> answer.

Modules: ``routes`` (the route table, gin's 404/405, the clock), ``steps`` (what every
streaming endpoint shares: bind, marker, model, schedule), ``native`` (``/api/*``),
``aggregation`` (``stream: false``), ``openai`` (the OpenAI-compatible shapes),
``openai_routes`` (``/v1/*``), ``models`` (the model catalogue answers), ``answers``
(whole answers and Ollama's and gin's errors), ``config`` (the server's settings and the
policies that apply to one request), ``modes`` (what-if upstream modes).

Pure: standard library only; the time comes in as a ``Now``. May import
``mock_ollama.errors``, ``mock_ollama.go``, ``mock_ollama.scenario`` and
``mock_ollama.replay``'s pure modules.
"""
