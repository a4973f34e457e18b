"""The harness's exceptions.

    HarnessError                 base of everything the harness raises on purpose
    ├── UsageError               bad option, bad file, bad template: exit status 2
    └── EnvironmentProblem       the machine cannot run the job (proxy never ready,
                                 nginx missing, port taken): exit status 2

A misbehaving proxy is never an exception: it is a finding (see harness.checks).
"""

from __future__ import annotations


class HarnessError(Exception):
    """Base class of the harness's own errors."""


class UsageError(HarnessError):
    """The user asked for something that cannot be done as asked."""


class EnvironmentProblem(HarnessError):
    """The environment cannot run the job (missing tool, proxy never ready...)."""
