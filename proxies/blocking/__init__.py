"""The blocking design: ask Ollama with ``stream: false``, reply once (seed table row 1)."""
