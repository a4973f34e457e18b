"""The gate run: its configuration, the client self-test, the run itself and its reports.

Lives here: run options and their validation (``config``), calibration against the mock
read directly (``calibrate``), the orchestration that starts the mock, the proxy and the
layers and judges every probe (``run``) and the report renderers (``report``, pure).
May import every other room of the harness except the entry points (``harness.cli``,
``harness.pytest_plugin``, ``harness.suite``), which sit on top of it.
"""

from __future__ import annotations
