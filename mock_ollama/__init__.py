"""mock_ollama: an upstream that answers like Ollama, byte for byte.

Rooms, arrows pointing down (each subpackage's docstring says what it may import):
``go`` (Go's encoding/json), ``scenario`` (recordings, policies, the marker) and
``ollama`` (the endpoints) are pure; ``replay`` plays schedules; ``server`` is the
HTTP server and ``tools`` the recorder and the bench. Entry modules at the top:
``cli`` (``mock-ollama``), ``__main__``, ``errors`` (the one exception base),
``port_file`` and ``launch`` (starting the mock and finding its port from outside),
``bench`` (the old name of ``tools.bench``).
"""

from __future__ import annotations

__version__ = "0.1.0"
__all__ = ["__version__"]
