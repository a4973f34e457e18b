"""``python -m harness.bench.parser``: see :mod:`harness.bench.parser.measure`."""

from __future__ import annotations

from harness.bench.parser.measure import main

raise SystemExit(main())
