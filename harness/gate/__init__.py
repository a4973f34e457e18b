"""The gate run: its options and configuration, its plan, the client self-test, the run
itself and its reports.

Lives here: the one option table of the CLI and the pytest plugin (``options``), each
option's check (``validate``), RunConfig and its validation (``config``), what a run
judges where (``plan``, pure), calibration against the mock read directly
(``calibrate``), the thin loop that starts the mock, the proxy and the layers and sends
the probes (``run``, in the run's work directory of ``harness.runtime``) through every
layer at once as the plan's schedule says (``layered``), judging one layer's evidence
(``judge``, pure), the report renderers (``report``, ``cells``, ``html``, ``timeline``,
pure) and the one writer of its report files (``output``); adoption in CI (docs/ci.md: the
record of an option ``option_record`` and the adoption options ``adoption_options``,
``config_file``, ``known``, ``report_file``, ``diff`` and its Markdown ``diff_md``,
``adopt``, ``junit``, ``badges``, the known/seen notes of report.html ``html_notes``). May import
``harness.checks``, ``harness.client``, ``harness.errors``, ``harness.layers``,
``harness.probe``, ``harness.processes``, ``harness.runtime``, ``harness.target``,
``harness.upstream`` and the mock's pure grammar; never ``harness.bench`` or an entry
point (``harness.cli``, ``harness.pytest_plugin``, ``harness.suite``), which sit on top.
"""

from __future__ import annotations
