"""The conformance suite as pytest items: ``pytest --pyargs harness.suite --proxy-cmd …``."""
