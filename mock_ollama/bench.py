"""``python -m mock_ollama.bench``: the old name of ``python -m mock_ollama.tools.bench``
(the mock's own benchmark), kept so what users typed still works."""

from __future__ import annotations

from mock_ollama.tools.bench import main

if __name__ == "__main__":
    raise SystemExit(main())
