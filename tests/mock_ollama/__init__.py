"""The mock's tests, one folder per room of ``mock_ollama``, one file per module."""
