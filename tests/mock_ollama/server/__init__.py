"""Tests of ``mock_ollama.server``: the running mock over real sockets."""
