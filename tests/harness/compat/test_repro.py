"""``sse-harness repro issue-4788`` with real Chromium and the real npm/PyPI clients."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.harness.compat.conftest import cells_of, run_cli

if TYPE_CHECKING:
    from pathlib import Path

pytestmark = [pytest.mark.slow, pytest.mark.needs_node]

SSE_CLIENTS = {
    "chromium-eventsource",
    "chromium-fetch-event-source",
    "chromium-nextjs-hook",
    "react-native-sse",
    "eventsource",
    "eventsource-parser",
    "httpx-sse",
}


def test_issue_4788_against_the_faithful_mock(
    client_tools: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, doc = run_cli(["repro", "issue-4788"], tmp_path)
    assert status == 0
    names = [t["name"] for t in doc["targets"]]
    assert names == ["ollama-direct", "ollama-direct-chat", "through-proxy"]
    assert cells_of(doc, "ollama-direct-chat")["react-native-sse"]["events"] == 0
    assert cells_of(doc, "ollama-direct-chat")["ollama-js"]["text_ok"]
    direct = cells_of(doc, "ollama-direct")
    # the reporter's client: no token, no error — the stream is ignored silently
    rn = direct["react-native-sse"]
    assert (rn["events"], rn["tokens"], rn["error"]) == (0, 0, None)
    fes = direct["chromium-fetch-event-source"]
    assert fes["tokens"] == 0 and "content-type" in fes["error"].lower()
    for official in ("ollama-python", "ollama-js"):
        assert direct[official]["text_ok"] and direct[official]["error"] is None
    # EventSource is GET-only and Ollama's routes are POST-only: no cell there
    assert "chromium-eventsource" not in direct
    through = cells_of(doc, "through-proxy")
    assert set(through) == SSE_CLIENTS
    for name, cell in through.items():
        assert cell["text_ok"] and cell["error"] is None and not cell["red"], name
    out = capsys.readouterr().out
    assert (
        "react-native-sse: 0 events, no error — the stream was ignored silently" in out
    )
    assert "## ollama#4788" in (tmp_path / "summary.md").read_text()


def test_sse_on_accept_proposal_is_judged_by_the_same_clients(
    client_tools: None, tmp_path: Path
) -> None:
    argv = ["repro", "issue-4788", "--upstream-mode", "sse-on-accept"]
    argv += ["--client", "react-native-sse", "--client", "eventsource-parser"]
    argv += ["--client", "ollama-python", "--client", "chromium-fetch-event-source"]
    status, doc = run_cli(argv, tmp_path)
    assert status == 0
    direct = cells_of(doc, "ollama-direct")
    for name in ("eventsource-parser", "chromium-fetch-event-source"):
        assert direct[name]["text_ok"] and direct[name]["error"] is None, name
    # in Node, react-native-sse's XMLHttpRequest polyfill sends "Accept: */*,
    # text/event-stream": text/event-stream is not first, so the proposal's rule
    # keeps NDJSON for it and it stays silent
    rn = direct["react-native-sse"]
    assert rn["events"] == 0 and "Accept: */*, text/event-stream" in rn["note"]
    # the official client does not ask for SSE, so it still gets NDJSON
    assert direct["ollama-python"]["text_ok"]


def test_reject_415_proposal_surfaces_an_error_only_where_clients_check_status(
    client_tools: None, tmp_path: Path
) -> None:
    argv = ["repro", "issue-4788", "--upstream-mode", "reject-415"]
    # the hook under its old name: accepted, reported under its new one
    argv += ["--client", "eventsource", "--client", "chromium-seed-hook"]
    argv += ["--client", "ollama-python"]
    status, doc = run_cli(argv, tmp_path)
    assert status == 0
    direct = cells_of(doc, "ollama-direct")
    assert "415" in direct["eventsource"]["error"]
    # the Next.js hook never looks at the status: still silent
    assert direct["chromium-nextjs-hook"]["events"] == 0
    assert direct["chromium-nextjs-hook"]["error"] is None
    # Ollama's own client asks for application/json and still gets its stream
    assert direct["ollama-python"]["text_ok"]
