"""go: Go's encoding/json, exact to the byte, as Ollama's server speaks it.

Modules: ``json`` (Go's encoder: key order, escaping, float formatting), ``scanner``
(encoding/json's scanner: the byte offsets and messages of its syntax errors),
``decode`` (binding a body into Ollama's request structs like ``ShouldBindJSON``),
``fields`` (the field types of those structs).

Pure: standard library only; imports nothing else of ``mock_ollama``.
"""
