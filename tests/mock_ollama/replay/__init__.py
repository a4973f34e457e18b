"""Tests of ``mock_ollama.replay``: schedules, the exchange log, the timed writer."""
