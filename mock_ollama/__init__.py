"""mock_ollama: an upstream that answers like Ollama, byte for byte.

Pure core (standard library only): recording, policies, schedule, marker, catalog,
responses, openai. I/O shells: app, control, replay, server, recorder, launch. Entry point: cli.
"""

from __future__ import annotations

__version__ = "0.1.0"
__all__ = ["__version__"]
