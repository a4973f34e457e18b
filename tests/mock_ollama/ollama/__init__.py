"""Tests of ``mock_ollama.ollama``: Ollama's endpoints without a server."""
