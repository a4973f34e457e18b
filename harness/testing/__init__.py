"""What a user testing a dialect, a check or a parser needs, without pytest.

In the spirit of ``trio.testing``: public, pure helpers the project's own tests and
the parser benchmark use too. ``vectors`` (the WPT event-stream vectors plus tricky
streams, data in ``wpt``), ``evidence`` (synthetic evidence builders for judging a
check without a proxy) and ``dialect`` (``check_dialect``: a ``module:function``
dialect tried over the vectors and a sample of the proxy's stream; a misreading is a
clear AssertionError).

Imports only the pure core (``harness.sse``, ``harness.probe``, ``harness.checks``,
``harness.client.observation``, ``harness.upstream.exchanges``).
"""

from __future__ import annotations
