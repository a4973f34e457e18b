"""Tests of ``mock_ollama.scenario``: recordings, sidecars, policies, the marker, the catalogue."""
