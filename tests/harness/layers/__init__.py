"""Tests of harness.layers: the kinds table, the real programs, the cutting relays."""
