"""The gate run: its options and configuration, its plan, the client self-test, the run
itself and its reports.

Lives here: the one option table of the CLI and the pytest plugin (``options``), each
option's check (``validate``), RunConfig and its validation (``config``), what a run
judges where (``plan``, pure), calibration against the mock read directly
(``calibrate``), the thin loop that starts the mock, the proxy and the layers and sends
the probes (``run``) in its temp directory (``workdir``), through every layer at once
as the plan's schedule says (``layered``), telling what it does (``progress``) and
taking SIGTERM like Ctrl-C (``signals``), judging one layer's evidence (``judge``,
pure), the report renderers (``report``, pure), report.html's cells, matrix and token
timeline (``cells``, ``html``, ``timeline``, pure), the report files' preflight, atomic
writes and stamp (``files``) and the one writer of report files (``output``). May
import ``harness.checks``, ``harness.client``, ``harness.errors``, ``harness.layers``,
``harness.probe``, ``harness.processes``, ``harness.target``, ``harness.upstream``,
``harness.watchdog`` and the mock's pure grammar; never ``harness.bench`` or an entry
point (``harness.cli``, ``harness.pytest_plugin``, ``harness.suite``), which sit on top.
"""

from __future__ import annotations
