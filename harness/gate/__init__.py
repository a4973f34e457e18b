"""The gate run: its options and configuration, its plan, the client self-test, the run
itself and its reports.

Lives here: the one option table of the CLI and the pytest plugin (``options``), each
option's check (``validate``), RunConfig and its validation (``config``), what a run
judges where (``plan``, pure), calibration against the mock read directly
(``calibrate``), the thin loop that starts the mock, the proxy and the layers and sends
the probes (``run``, in the run's work directory of ``harness.runtime``), judging one
layer's evidence (``judge``, pure), the report renderers (``report``, ``cells``,
``html``, ``timeline``, pure), the layered run (``layered``) and the one writer of its
report files (``output``). May import every other room of the harness except the entry points
(``harness.cli``, ``harness.pytest_plugin``, ``harness.suite``), which sit on top of it.
"""

from __future__ import annotations
