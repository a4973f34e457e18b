"""The shared test helpers: polling with a deadline, leftover-process lookups."""

from __future__ import annotations

import itertools
import os

import pytest

from tests import tools


def test_wait_until_returns_the_first_truthy_value():
    calls = itertools.count()
    assert tools.wait_until(lambda: next(calls) >= 3 and "ready", 5.0, 0.001) == "ready"


def test_wait_until_returns_the_falsy_value_at_the_deadline():
    calls = itertools.count()
    assert tools.wait_until(lambda: next(calls) < 0, 0.05, 0.01) is False
    assert next(calls) >= 2  # polled, then asked once more at the deadline


def test_pgrep_finds_this_process_and_nothing_else():
    assert any(str(os.getpid()) in line for line in tools.pgrep("-af", "pytest|python"))
    assert tools.pgrep("-f", "no-such-process-name-[x]yz") == []


def test_pgrep_missing_fails_instead_of_finding_nothing(monkeypatch):
    monkeypatch.setattr("shutil.which", lambda name: None)
    with pytest.raises(pytest.fail.Exception, match="pgrep is not installed"):
        tools.pgrep("-f", "anything")


def test_pgrep_error_fails_instead_of_finding_nothing():
    tools.require_tool("pgrep")
    with pytest.raises(pytest.fail.Exception, match="exited 2"):
        tools.pgrep("--no-such-option")
