"""Tests of ``mock_ollama.tools``: the recorder and the mock's bench."""
