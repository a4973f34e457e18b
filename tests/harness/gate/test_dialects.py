"""The openai dialect end to end: the mock's own /v1/chat/completions plays the proxy."""

from __future__ import annotations

import sys

from harness.checks.model import Outcome
from harness.gate.run import RunConfig, run

CHECKS = (
    "HDR-CONTENT-TYPE",
    "FRM-TOKEN-MAPPING",
    "FRM-INJECTION",
    "FRM-UTF8-SPLIT",
    "END-DONE",
)


def test_openai_dialect_reads_chat_completion_chunks_and_done():
    report = run(
        RunConfig(
            proxy_url="http://127.0.0.1:{port}/v1/chat/completions",
            proxy_cmd=f"{sys.executable} -m mock_ollama serve --port {{port}} --any-model",
            dialect="openai",
            select=CHECKS,
        )
    )
    judged = {r.check: r.outcome for r in report.results if r.check in CHECKS}
    assert judged == dict.fromkeys(CHECKS, Outcome.OK)
