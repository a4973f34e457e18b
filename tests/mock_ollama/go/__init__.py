"""Tests of ``mock_ollama.go``: Go's encoding/json, to the byte."""
