"""The conformance suite as pytest items: ``pytest --pyargs harness.suite --sse-proxy-cmd …``.

Lives here: ``test_conformance``, one test item per check and layer. Its fixtures
(``sse_case``, ``sse_gate``) come from the pytest11 plugin ``harness.pytest_plugin``,
not from a conftest, so the suite runs from an installed package.
"""
