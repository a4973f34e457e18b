"""``python -m mock_ollama`` is ``mock-ollama``."""

from __future__ import annotations

import sys

from mock_ollama.cli import main

sys.exit(main())
